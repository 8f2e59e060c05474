/**
 * Reads the canonical stored forms of datasets (storedFiles.ts) for the jobs: numbers from
 * <id>.npy, labels from <id>.labels.jsonl. Synchronous, because a job reads its datasets once,
 * when it starts, in the runner (never while answering a request).
 *
 * Numbers land in SharedArrayBuffer-backed arrays: a job can put them in its worker context as
 * they are, and a 2 GiB embedding file is then held once, not once more per copy.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { inputError } from '../jobs/errors';
import { datasetRecord } from '../jobs/shared';
import type { DatasetCatalogue, DatasetReader } from '../jobs/types';
import type { DatasetRecord } from '../store/store';
import { NPY_PREFIX_BYTES, NpyFormatError, npyHeaderLength, parseNpyHeader, type NpyHeader } from './npyFormat';

/**
 * Bytes per read call: one readSync may move at most 2 GiB − 1, and smaller calls keep the
 * kernel's copies cache-friendly.
 */
const READ_CHUNK_BYTES = 64 * 1024 * 1024;

const DEFAULT_FIELD = 'dataset';

export type NumericData = Float32Array | Float64Array;

export class StoredDatasetReader implements DatasetReader {
  constructor(private readonly catalogue: DatasetCatalogue) {}

  readMatrix(id: string, field = DEFAULT_FIELD): { data: NumericData; rows: number; cols: number } {
    const record = this.numericRecord(id, field, 'a numeric matrix');
    const { header, data } = readStoredNpy(record, field);
    const [rows, cols = 1] = header.shape;
    return { data, rows, cols };
  }

  readVector(id: string, field = DEFAULT_FIELD): Float64Array {
    const record = this.numericRecord(id, field, 'a numeric vector');
    const { header, data } = readStoredNpy(record, field);
    const [rows, cols = 1] = header.shape;
    if (rows !== 1 && cols !== 1) {
      throw inputError(field, `${describeDataset(record)} has shape [${rows}, ${cols}]; a vector (one row or one column of numbers) is needed`);
    }
    if (data instanceof Float64Array) return data;
    const out = new Float64Array(new SharedArrayBuffer(data.length * Float64Array.BYTES_PER_ELEMENT));
    out.set(data);
    return out;
  }

  readLabels(id: string, field = DEFAULT_FIELD): string[] {
    const record = datasetRecord(this.catalogue, field, id);
    if (isLabels(record)) return readStoredLabels(record, field);
    const { header, data } = readStoredNpy(record, field);
    const [rows, cols = 1] = header.shape;
    if (rows !== 1 && cols !== 1) {
      throw inputError(field, `${describeDataset(record)} is a ${rows} × ${cols} matrix; labels are needed (one column of text, or of numbers)`);
    }
    const format = data instanceof Float32Array ? formatFloat32 : String;
    return Array.from(data, (v) => format(v));
  }

  private numericRecord(id: string, field: string, needed: string): DatasetRecord {
    const record = datasetRecord(this.catalogue, field, id);
    if (isLabels(record)) {
      throw inputError(field, `${describeDataset(record)} holds ${record.shape[0]} text labels; ${needed} is needed`);
    }
    return record;
  }
}

function isLabels(record: DatasetRecord): boolean {
  return record.dtype === 'string';
}

function describeDataset(record: DatasetRecord): string {
  return `dataset "${record.id}" (${record.name})`;
}

function damaged(record: DatasetRecord, field: string, detail: string) {
  return inputError(field, `${describeDataset(record)} cannot be read (${detail}): delete it and upload it again`);
}

/** Opens a stored file; a file gone from the data dir is the client's to fix, by uploading again. */
function touchStored<T>(record: DatasetRecord, field: string, open: (path: string) => T): T {
  try {
    return open(record.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw damaged(record, field, 'its file is missing from the data dir');
    throw error;
  }
}

/** Reads exactly target.length bytes at `position`; false at a premature end of file. */
function readFully(fd: number, target: Uint8Array, position: number): boolean {
  for (let done = 0; done < target.length; ) {
    const length = Math.min(READ_CHUNK_BYTES, target.length - done);
    const n = readSync(fd, target, done, length, position + done);
    if (n === 0) return false;
    done += n;
  }
  return true;
}

function readHeader(fd: number, size: number): NpyHeader {
  const prefix = new Uint8Array(Math.min(NPY_PREFIX_BYTES, size));
  if (!readFully(fd, prefix, 0)) throw new NpyFormatError('truncated .npy header');
  const length = npyHeaderLength(prefix);
  if (length > size) throw new NpyFormatError('truncated .npy header');
  const header = new Uint8Array(length);
  if (!readFully(fd, header, 0)) throw new NpyFormatError('truncated .npy header');
  return parseNpyHeader(header);
}

/**
 * The whole array of a stored .npy, read into shared memory. The values are read into the
 * array's own bytes rather than viewed in a file buffer: a header whose length is not a multiple
 * of the value size would leave such a view misaligned, which typed arrays refuse.
 */
export function readStoredNpy(record: DatasetRecord, field = DEFAULT_FIELD): { header: NpyHeader; data: NumericData } {
  const fd = touchStored(record, field, (path) => openSync(path, 'r'));
  try {
    const size = fstatSync(fd).size;
    const header = readHeader(fd, size);
    const count = header.shape.reduce((a, b) => a * b, 1);
    const bytes = count * header.itemSize;
    if (size !== header.dataOffset + bytes) {
      throw new NpyFormatError(`the file has ${size} bytes, its header announces ${header.dataOffset + bytes}`);
    }
    const buffer = new SharedArrayBuffer(bytes);
    if (!readFully(fd, new Uint8Array(buffer), header.dataOffset)) throw new NpyFormatError('the file ended early');
    return { header, data: header.dtype === 'float32' ? new Float32Array(buffer) : new Float64Array(buffer) };
  } catch (error) {
    if (error instanceof NpyFormatError) throw damaged(record, field, error.message);
    throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * One JSON string per line. Lines are decoded one at a time: the file may hold more text than
 * a single JavaScript string can (about 512 MiB of UTF-16).
 */
function readStoredLabels(record: DatasetRecord, field: string): string[] {
  const bytes = touchStored(record, field, (path) => readFileSync(path));
  const labels: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (end > start) {
      let label: unknown;
      try {
        label = JSON.parse(bytes.toString('utf8', start, end));
      } catch {
        throw damaged(record, field, `line ${labels.length + 1} is not a JSON string`);
      }
      if (typeof label !== 'string') throw damaged(record, field, `line ${labels.length + 1} is not a JSON string`);
      labels.push(label);
    }
    start = end + 1;
  }
  if (labels.length !== record.shape[0]) throw damaged(record, field, `${labels.length} labels stored, ${record.shape[0]} registered`);
  return labels;
}

/**
 * The shortest decimal that reads back as the same float32: a holder id stored as float32 3
 * reads "3", and 0.1f reads "0.1" rather than its float64 expansion 0.10000000149011612.
 */
export function formatFloat32(value: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(value.toPrecision(digits));
    if (Math.fround(shortest) === value) return String(shortest);
  }
  return String(value);
}
