/**
 * Rows of a matrix scaled to unit length, so that a cosine similarity is a plain dot product.
 *
 * Stored as float32 whatever the source: embeddings are float32 to begin with, the matrices are
 * the memory of a similarity job (10^6 items × 512 dimensions is 2 GiB in float32, twice that in
 * float64), and the kernel reads one element type only (a kernel fed both float32 and float64
 * arrays runs ~20 % slower in V8). The norm is computed in float64 and each component rounded
 * once, so a cosine is off by at most a few 10^-8; the dot products are accumulated in float64.
 *
 * A zero row stays zero: its cosine with anything is 0, which no threshold counts (a score must
 * be above 0), so an all-zero output is "below threshold" and an all-zero item never matches.
 */
import { EngineInputError } from '../errors';

/**
 * Writes the unit rows of `source` (rows × cols, row-major) into `out` (rows × cols). A
 * non-finite entry is refused with its row as the index and its column in the message.
 */
export function unitRowsInto(field: string, source: ArrayLike<number>, rows: number, cols: number, out: Float32Array): void {
  if (source.length < rows * cols || out.length < rows * cols) {
    throw new RangeError(`unitRowsInto: ${rows} × ${cols} values needed, source has ${source.length}, out ${out.length}`);
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    // Scaling by the largest component first keeps squares of tiny (or huge) components from
    // underflowing (or overflowing), as hypot does.
    let scale = 0;
    for (let c = 0; c < cols; c++) {
      const x = source[base + c];
      if (!Number.isFinite(x)) throw new EngineInputError(field, r, `column ${c + 1} must be a finite number, got ${String(x)}`);
      const a = Math.abs(x);
      if (a > scale) scale = a;
    }
    if (scale === 0) {
      out.fill(0, base, base + cols);
      continue;
    }
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const y = source[base + c] / scale;
      sum += y * y;
    }
    const norm = Math.sqrt(sum);
    for (let c = 0; c < cols; c++) out[base + c] = source[base + c] / scale / norm;
  }
}

export function unitRows(field: string, source: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  unitRowsInto(field, source, rows, cols, out);
  return out;
}
