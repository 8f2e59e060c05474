/**
 * Dataset uploads end to end: the request body is streamed to a temporary file in the datasets
 * dir, checked and converted into its canonical stored form (storedFiles.ts) named after a new
 * id, and registered in the store. Whatever fails (cap, disconnect, refused content, disk full),
 * no temporary or partial file stays behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { DatasetRecord, Store } from '../store/store';
import { ingestCsv, type HeaderMode } from './csvIngest';
import { DatasetFormatError } from './errors';
import { ingestNpy } from './npyIngest';
import { ingestParquet } from './parquetIngest';
import { labelsPath, numericPath } from './storedFiles';
import { ingestUsageLog, usageLogPath } from './usageLog';
import { receiveToFile, UPLOAD_FILE_PREFIX } from './upload';

export type DatasetFormat = DatasetRecord['format'];

export interface UploadRequest {
  /** Display name only (never a path): the uploaded file's name, typically. */
  name: string;
  /** Inferred from the name's extension when absent. */
  format?: DatasetFormat;
  /** CSV only: whether the first row names the columns (csvIngest.ts). */
  header?: HeaderMode;
  /** 'usage': a usage log for pool.split, kept as the uploaded CSV or Parquet file (usageLog.ts). */
  kind?: 'usage';
}

export const MAX_NAME_LENGTH = 200;

const FORMATS: readonly DatasetFormat[] = ['npy', 'csv', 'parquet'];
const HEADER_MODES: readonly HeaderMode[] = ['auto', 'yes', 'no'];

const EXTENSIONS: Readonly<Record<string, DatasetFormat>> = {
  '.npy': 'npy',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** Refuses a name that could be mistaken for a path or that breaks a listing (control characters). */
export function checkDatasetName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new DatasetFormatError('name: give the dataset a name (e.g. the file name)', 'name');
  if (name.length > MAX_NAME_LENGTH) throw new DatasetFormatError(`name: ${name.length} characters; at most ${MAX_NAME_LENGTH} are allowed`, 'name');
  if (/[/\\]/.test(name)) throw new DatasetFormatError('name: must not contain a path separator (/ or \\); it is a display name', 'name');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new DatasetFormatError('name: must not contain control characters', 'name');
  return name;
}

/** The explicit format, or the one the name's extension implies. */
export function uploadFormat(name: string, format: unknown): DatasetFormat {
  if (format !== undefined && format !== null) {
    if (!FORMATS.includes(format as DatasetFormat)) throw new DatasetFormatError(`format: must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`, 'format');
    return format as DatasetFormat;
  }
  const inferred = EXTENSIONS[path.extname(name).toLowerCase()];
  if (!inferred) {
    throw new DatasetFormatError(
      `format: cannot tell the format of "${name}" from its extension (${Object.keys(EXTENSIONS).join(', ')} are known); give format=npy, csv or parquet`,
      'format',
    );
  }
  return inferred;
}

function headerMode(header: unknown): HeaderMode {
  if (header === undefined || header === null) return 'auto';
  if (!HEADER_MODES.includes(header as HeaderMode)) throw new DatasetFormatError(`header: must be one of ${HEADER_MODES.join(', ')}, got ${JSON.stringify(header)}`, 'header');
  return header as HeaderMode;
}

/**
 * Streams `body` into `datasetsDir`, stores it in canonical form under a new id and registers
 * it. The request is checked before a byte is read, so that a refused upload costs no disk.
 * Throws DatasetFormatError (400, with the field to blame) or UploadTooLargeError (413).
 */
export async function storeUpload(store: Store, datasetsDir: string, body: Readable, request: UploadRequest, maxBytes: number): Promise<DatasetRecord> {
  const name = checkDatasetName(request.name);
  const format = uploadFormat(name, request.format);
  const header = headerMode(request.header);
  await mkdir(datasetsDir, { recursive: true, mode: 0o700 });

  const id = randomUUID();
  const targets = { numeric: numericPath(datasetsDir, id), labels: labelsPath(datasetsDir, id) };
  let upload: string | undefined;
  let stored: string | undefined;
  try {
    upload = (await receiveToFile(body, datasetsDir, maxBytes)).file;
    let ingested: { dtype: string; shape: number[] };
    if (request.kind === 'usage') {
      if (format === 'npy') throw new DatasetFormatError('kind: a usage log is a CSV or Parquet file, not .npy', 'kind');
      stored = usageLogPath(datasetsDir, id, format);
      ingested = await ingestUsageLog(upload, format, stored);
    } else if (request.kind !== undefined && request.kind !== null) {
      throw new DatasetFormatError(`kind: must be "usage" or absent, got ${JSON.stringify(request.kind)}`, 'kind');
    } else if (format === 'npy') {
      ingested = await ingestNpy(upload, targets.numeric);
      stored = targets.numeric;
    } else {
      const result = format === 'csv' ? await ingestCsv(upload, targets, header) : await ingestParquet(upload, targets);
      ingested = result;
      stored = result.path;
    }
    const record: DatasetRecord = {
      id,
      name,
      format,
      dtype: ingested.dtype,
      shape: ingested.shape,
      // What the dataset takes on disk, in its stored form.
      bytes: (await stat(stored)).size,
      path: stored,
      createdAt: new Date().toISOString(),
    };
    store.createDataset(record);
    return record;
  } catch (error) {
    await Promise.all([targets.numeric, targets.labels, ...(stored ? [stored] : [])].map((file) => rm(file, { force: true })));
    throw error;
  } finally {
    // Gone already when ingestNpy moved it into place; left behind by every other path.
    if (upload !== undefined) await rm(upload, { force: true });
  }
}

/** Removes a dataset's row, then its file; false if there is no such dataset. */
export async function deleteDataset(store: Store, id: string): Promise<boolean> {
  const record = store.getDataset(id);
  if (!record || !store.deleteDataset(id)) return false;
  // The row goes first: a client never sees a listed dataset without its file.
  await rm(record.path, { force: true });
  return true;
}

/**
 * After a crash: removes temporary uploads and stored files that no dataset row names (a kill
 * between the file's move and the row's insert). Call it at start-up, before the server accepts
 * uploads: a temporary file of an upload in progress would otherwise be removed under it.
 * Returns the names of the files removed.
 */
export async function removeLeftoverFiles(store: Store, datasetsDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(datasetsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const known = new Set(store.listDatasets().map((d) => path.resolve(d.path)));
  const stored = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(npy|labels\.jsonl|usage\.(csv|parquet))$/;
  const removed: string[] = [];
  for (const entry of entries) {
    const file = path.resolve(datasetsDir, entry);
    if (entry.startsWith(UPLOAD_FILE_PREFIX) || (stored.test(entry) && !known.has(file))) {
      await rm(file, { force: true });
      removed.push(entry);
    }
  }
  return removed;
}
