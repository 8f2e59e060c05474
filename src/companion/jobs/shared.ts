/**
 * Helpers shared by the job definitions: request-shape checks that name the request path,
 * shared-memory copies of tables and matrices, float64 parts for checkpoints, and the memory cap.
 */
import { randomBytes } from 'node:crypto';
import { formatBytes, jobMemoryLimitBytes } from '../limits';
import { inputError, JobInputError } from './errors';
import type { DatasetCatalogue, JobEnvironment } from './types';
import type { DatasetRecord } from '../store/store';

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function requireRecord(field: string, x: unknown): Record<string, unknown> {
  if (!isRecord(x)) throw inputError(field, `must be an object, got ${describe(x)}`);
  return x;
}

/** `options` may be omitted (undefined or null) and is then empty. */
export function optionsRecord(x: unknown): Record<string, unknown> {
  return x === undefined || x === null ? {} : requireRecord('options', x);
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (typeof x === 'string') return `"${x.length > 40 ? `${x.slice(0, 40)}…` : x}"`;
  return typeof x === 'object' ? 'an object' : String(x);
}

export function wholeNumber(field: string, x: unknown, least: number, most: number, why = ''): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < least || x > most) {
    throw inputError(field, `must be a whole number from ${least} to ${most}${why}, got ${describe(x)}`);
  }
  return x;
}

export function isAbsent(x: unknown): x is undefined | null {
  return x === undefined || x === null;
}

/** An optional list of `count` names (players, holders), as strings. */
export function optionalNames(field: string, x: unknown, count: number): string[] | undefined {
  if (isAbsent(x)) return undefined;
  if (!Array.isArray(x)) throw inputError(field, `must be a list of ${count} names, got ${describe(x)}`);
  if (x.length !== count) throw inputError(field, `must list ${count} names (one per player), got ${x.length}`);
  return x.map((name, i) => {
    if (typeof name !== 'string' && typeof name !== 'number') throw inputError(field, `must be a name, got ${describe(name)}`, i);
    return String(name);
  });
}

/** A list of finite numbers as float64, refusing anything else with its position. */
export function finiteNumbers(field: string, x: unknown, expectedLength?: number, what = 'values'): Float64Array {
  if (!Array.isArray(x)) throw inputError(field, `must be a list of numbers, got ${describe(x)}`);
  if (expectedLength !== undefined && x.length !== expectedLength) {
    throw inputError(field, `must hold ${expectedLength} ${what}, got ${x.length}`);
  }
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw inputError(field, `must be a finite number, got ${describe(v)}`, i);
    out[i] = v;
  }
  return out;
}

/** A dataset id that the registry knows, with its record. */
export function datasetRecord(catalogue: DatasetCatalogue, field: string, id: unknown): DatasetRecord {
  if (typeof id !== 'string' || id.length === 0) throw inputError(field, `must be a dataset id, got ${describe(id)}`);
  const record = catalogue.getDataset(id);
  if (!record) throw inputError(field, `no dataset with id "${id}" (upload it first: POST /v1/datasets)`);
  return record;
}

/** Element count of a dataset: product of its shape. */
export function elementCount(record: DatasetRecord): number {
  return record.shape.reduce((a, b) => a * b, 1);
}

/** Rows and columns of a 2-D dataset (a vector counts as one column). */
export function matrixShape(field: string, record: DatasetRecord): { rows: number; cols: number } {
  if (record.shape.length === 2) return { rows: record.shape[0], cols: record.shape[1] };
  if (record.shape.length === 1) return { rows: record.shape[0], cols: 1 };
  throw inputError(field, `dataset "${record.id}" has shape [${record.shape.join(', ')}]; a matrix (rows × columns) is needed`);
}

/** Refuses a job whose estimated memory exceeds its share of the machine (limits.ts). */
export function checkMemory(field: string, bytes: number, env: JobEnvironment, what: string): void {
  const limit = jobMemoryLimitBytes(env.totalMemory);
  if (bytes > limit) {
    throw inputError(field, `${what} needs about ${formatBytes(bytes)} of memory; a job may use at most ${formatBytes(limit)} (a quarter of this machine's memory)`);
  }
}

/** A random seed in [0, 2^53 − 1] from the OS generator, for runs that did not give one. */
export function randomSeed(): number {
  return Number(randomBytes(8).readBigUInt64BE() >> 11n);
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/**
 * Copies `source` into shared memory, refusing non-finite entries with their index: workers then
 * read the table in place, and no thread meets a NaN mid-run.
 */
export function sharedFiniteCopy(field: string, source: ArrayLike<number>): Float64Array {
  const out = sharedFloat64(source.length);
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw inputError(field, `must be a finite number, got ${describe(v)}`, i);
    out[i] = v;
  }
  return out;
}

export function sharedFloat32Copy(source: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(source.byteLength));
  out.set(source);
  return out;
}

/** The bytes of a float64 array, for a checkpoint part. */
export function float64Bytes(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A checkpoint part back to float64 (copied: SQLite's buffers need not be 8-byte aligned). */
export function bytesToFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw new Error(`a float64 checkpoint part of ${bytes.byteLength} bytes`);
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export { JobInputError };
