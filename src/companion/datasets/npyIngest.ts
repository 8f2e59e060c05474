import { open, rename } from 'node:fs/promises';
import { DatasetFormatError } from './errors';
import { NpyFormatError, NPY_PREFIX_BYTES, npyHeaderLength, parseNpyHeader, type NpyHeader } from './npyFormat';

/** Bytes read at a time while checking values: large enough for speed, small for memory. */
const SCAN_CHUNK_BYTES = 8 * 1024 * 1024;

/** Reads and checks the header of an .npy file against the file's size. */
export async function readNpyHeader(file: string): Promise<NpyHeader & { bytes: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(NPY_PREFIX_BYTES);
    await handle.read(prefix, 0, Math.min(NPY_PREFIX_BYTES, size), 0);
    const headerBytes = npyHeaderLength(prefix.subarray(0, Math.min(NPY_PREFIX_BYTES, size)));
    if (headerBytes > size) throw new NpyFormatError('truncated .npy header');
    const header = new Uint8Array(headerBytes);
    await handle.read(header, 0, headerBytes, 0);
    const parsed = parseNpyHeader(header);
    const expected = parsed.dataOffset + parsed.shape.reduce((a, b) => a * b, 1) * parsed.itemSize;
    if (size !== expected) {
      throw new NpyFormatError(
        `the file has ${size} bytes but its header announces shape (${parsed.shape.join(', ')}) of ${parsed.dtype}, i.e. ${expected} bytes: ${size < expected ? 'truncated upload?' : 'trailing data'}`,
      );
    }
    return { ...parsed, bytes: size };
  } finally {
    await handle.close();
  }
}

/**
 * Checks an uploaded .npy (header, size, every value finite) and moves it to `target`: a NaN in
 * an embedding would silently poison every similarity it takes part in, so it is refused here,
 * with its position, rather than found hours into a job.
 */
export async function ingestNpy(upload: string, target: string): Promise<{ dtype: string; shape: number[] }> {
  let header: NpyHeader;
  try {
    header = await readNpyHeader(upload);
  } catch (error) {
    if (error instanceof NpyFormatError) throw new DatasetFormatError(error.message);
    throw error;
  }
  const cols = header.shape.length === 2 ? header.shape[1] : 1;
  const total = header.shape.reduce((a, b) => a * b, 1);
  const handle = await open(upload, 'r');
  try {
    const chunkValues = Math.floor(SCAN_CHUNK_BYTES / header.itemSize);
    // A fresh ArrayBuffer per run: typed-array views need offsets aligned to the value size.
    const buffer = new ArrayBuffer(chunkValues * header.itemSize);
    const values = header.dtype === 'float32' ? new Float32Array(buffer) : new Float64Array(buffer);
    for (let first = 0; first < total; first += chunkValues) {
      const count = Math.min(chunkValues, total - first);
      const { bytesRead } = await handle.read(new Uint8Array(buffer, 0, count * header.itemSize), 0, count * header.itemSize, header.dataOffset + first * header.itemSize);
      if (bytesRead !== count * header.itemSize) throw new DatasetFormatError('the .npy file ended early');
      for (let k = 0; k < count; k++) {
        if (!Number.isFinite(values[k])) {
          const at = first + k;
          const where = header.shape.length === 2 ? `row ${Math.floor(at / cols) + 1}, column ${(at % cols) + 1}` : `item ${at + 1}`;
          throw new DatasetFormatError(`${where} is ${values[k]}: every value must be a finite number`);
        }
      }
    }
  } finally {
    await handle.close();
  }
  await rename(upload, target);
  return { dtype: header.dtype, shape: header.shape };
}
