/**
 * Files and stores for the dataset tests. The .npy bytes are built here by hand from the format's
 * specification (magic, version, little-endian header length, dict literal), not with the
 * module under test, so that a bug in the companion's header writer cannot hide in both.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DatasetFormatError } from '../../../src/companion/datasets/errors';
import { encodeNpyHeader } from '../../../src/companion/datasets/npyFormat';
import { storeUpload, type UploadRequest } from '../../../src/companion/datasets/service';
import { Store, type DatasetRecord } from '../../../src/companion/store/store';

export interface TempStore {
  dir: string;
  datasetsDir: string;
  store: Store;
  /** Files left in the datasets dir. */
  leftovers(): string[];
  close(): void;
}

export function openTempStore(): TempStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'partage-datasets-'));
  const datasetsDir = path.join(dir, 'datasets');
  const t: TempStore = {
    dir,
    datasetsDir,
    store: Store.open(dir),
    leftovers: () => {
      try {
        return readdirSync(datasetsDir);
      } catch {
        return [];
      }
    },
    close: () => {
      t.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A request body in chunks of `chunk` bytes, as a socket would deliver it. */
export function bodyOf(bytes: Uint8Array | string, chunk = 1000): Readable {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += chunk) parts.push(buffer.subarray(i, i + chunk));
  return Readable.from(parts.length ? parts : [Buffer.alloc(0)]);
}

export const MAX_BYTES = 64 * 1024 * 1024;

export function upload(t: TempStore, bytes: Uint8Array | string, request: UploadRequest, maxBytes = MAX_BYTES): Promise<DatasetRecord> {
  return storeUpload(t.store, t.datasetsDir, bodyOf(bytes), request, maxBytes);
}

/** Uploads content that must be refused: the error, after checking that nothing was kept. */
export async function refusedUpload(t: TempStore, bytes: Uint8Array | string, request: UploadRequest): Promise<DatasetFormatError> {
  const error = await upload(t, bytes, request).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetFormatError);
  expect(t.leftovers()).toEqual([]);
  expect(t.store.listDatasets()).toEqual([]);
  return error as DatasetFormatError;
}

export interface NpyOptions {
  descr?: string;
  fortran?: boolean;
  /** The dict's shape text, e.g. '(3,)' or '(2, 3)'. */
  shape: string;
  /** Header dict padding: total header length (prefix included) before the data. */
  headerBytes?: number;
  version?: 1 | 2;
}

/** A .npy file: the header as specified, then `data` as given. */
export function npyFile(options: NpyOptions, data: Uint8Array): Uint8Array {
  const dict = `{'descr': '${options.descr ?? '<f8'}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${options.shape}, }`;
  const prefix = options.version === 2 ? 12 : 10;
  const total = options.headerBytes ?? Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total < prefix + dict.length + 1) throw new RangeError(`a header of ${total} bytes cannot hold ${dict}`);
  const header = Buffer.alloc(total, 0x20);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]).copy(header, 0);
  header[6] = options.version ?? 1;
  header[7] = 0;
  if (options.version === 2) header.writeUInt32LE(total - prefix, 8);
  else header.writeUInt16LE(total - prefix, 8);
  header.write(dict, prefix, 'latin1');
  header[total - 1] = 0x0a;
  const out = new Uint8Array(total + data.length);
  out.set(header, 0);
  out.set(data, total);
  return out;
}

export function float64Bytes(values: readonly number[]): Uint8Array {
  const out = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => out.writeDoubleLE(v, i * 8));
  return out;
}

export function float32Bytes(values: readonly number[]): Uint8Array {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}

export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** A float64 .npy file of `values` in C order, as numpy.save writes it. */
export function npyOfFloat64(values: Float64Array, shape: number[]): Uint8Array {
  const header = encodeNpyHeader('float64', shape);
  const out = new Uint8Array(header.length + values.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), header.length);
  return out;
}
