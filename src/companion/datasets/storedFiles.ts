import { open, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { encodeNpyHeader, type NpyDtype } from './npyFormat';

/**
 * Every dataset is kept in one of two canonical forms, whatever was uploaded, so that the
 * runner's reader is small, synchronous and fast:
 *   numbers → <id>.npy (little-endian float32 or float64, C order, 1-D or 2-D);
 *   labels  → <id>.labels.jsonl (one JSON string per line: any character, newlines included).
 */
export function numericPath(dir: string, id: string): string {
  return path.join(dir, `${id}.npy`);
}

export function labelsPath(dir: string, id: string): string {
  return path.join(dir, `${id}.labels.jsonl`);
}

/** Room for the header of any shape we accept (two 15-digit dimensions need ~95 bytes). */
const RESERVED_HEADER_BYTES = 128;

/** The shape a numeric dataset gets: a single column is a vector, anything wider a matrix. */
export function shapeOf(rows: number, cols: number): number[] {
  return cols === 1 ? [rows] : [rows, cols];
}

/**
 * Writes a numeric .npy row by row when the number of rows is known only at the end (CSV): the
 * header is reserved at the start and filled in by `finish`.
 */
export class NpyRowWriter {
  private position = RESERVED_HEADER_BYTES;
  private buffer: Float32Array | Float64Array;
  private used = 0;
  rows = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly dtype: NpyDtype,
    readonly cols: number,
  ) {
    const chunkValues = Math.max(cols, 1 << 16);
    this.buffer = dtype === 'float32' ? new Float32Array(chunkValues - (chunkValues % cols)) : new Float64Array(chunkValues - (chunkValues % cols));
  }

  static async create(file: string, dtype: NpyDtype, cols: number): Promise<NpyRowWriter> {
    return new NpyRowWriter(await open(file, 'wx', 0o600), dtype, cols);
  }

  /** Appends one row of `cols` values (the caller checked them). */
  async push(row: ArrayLike<number>): Promise<void> {
    if (this.used + this.cols > this.buffer.length) await this.flush();
    for (let c = 0; c < this.cols; c++) this.buffer[this.used + c] = row[c];
    this.used += this.cols;
    this.rows++;
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const bytes = new Uint8Array(this.buffer.buffer, 0, this.used * this.buffer.BYTES_PER_ELEMENT);
    await this.handle.write(bytes, 0, bytes.length, this.position);
    this.position += bytes.length;
    this.used = 0;
  }

  /** Writes the remaining rows and the header; returns the shape. */
  async finish(): Promise<number[]> {
    await this.flush();
    const shape = shapeOf(this.rows, this.cols);
    await this.handle.write(encodeNpyHeader(this.dtype, shape, RESERVED_HEADER_BYTES), 0, RESERVED_HEADER_BYTES, 0);
    await this.handle.sync();
    await this.handle.close();
    return shape;
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

export async function writeLabels(file: string, labels: readonly string[]): Promise<void> {
  let text = '';
  for (const label of labels) text += `${JSON.stringify(label)}\n`;
  await writeFile(file, text, { flag: 'wx', mode: 0o600 });
}
