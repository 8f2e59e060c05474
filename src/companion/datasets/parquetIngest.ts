import { open, rm, type FileHandle } from 'node:fs/promises';
import type { AsyncBuffer, ColumnData, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { MAX_LABEL_BYTES } from './csvIngest';
import { DatasetFormatError } from './errors';
import type { NpyDtype } from './npyFormat';
import { NpyRowWriter, writeLabels } from './storedFiles';

/**
 * Parquet uploads, read with hyparquet one row group at a time into one of the canonical stored
 * forms (storedFiles.ts):
 *
 * - numeric columns → a matrix, one Parquet column per matrix column (one column: a vector);
 * - a single text column → labels;
 * - a list column of numbers (`embedding`, or the file's only list column) → a matrix whose rows
 *   are the lists, all of the same length. The file's other, scalar columns (ids, texts) are
 *   then left out: embedding exports usually carry them, and labels are uploaded on their own.
 *
 * Numbers are kept as float32 when every column read is FLOAT (lossless, half the memory of an
 * embedding matrix), as float64 otherwise. Nulls, NaN and infinities, lists of unequal lengths,
 * and text mixed with numbers are refused with the column and the (1-based) row.
 *
 * hyparquet reads snappy-compressed and uncompressed files; other codecs are refused up front,
 * with the way to write a readable file.
 */

type Hyparquet = typeof import('hyparquet');
let hyparquet: Promise<Hyparquet> | undefined;

/**
 * hyparquet is an ES module: loaded on the first Parquet upload, so that starting the service,
 * and every module that imports this one, costs nothing until a Parquet file arrives.
 */
export function loadHyparquet(): Promise<Hyparquet> {
  return (hyparquet ??= import('hyparquet'));
}

const READABLE_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);

/** Largest read handed to the file system at once (FileHandle.read takes at most 2 GiB − 1). */
const MAX_READ_BYTES = 1 << 30;

export type ColumnKind =
  | { kind: 'number'; float32: boolean }
  | { kind: 'text' }
  | { kind: 'list'; float32: boolean }
  | { kind: 'other'; what: string };

type Plan =
  | { kind: 'matrix'; columns: string[]; dtype: NpyDtype }
  | { kind: 'list'; column: string; dtype: NpyDtype }
  | { kind: 'labels'; column: string };

const TIME_TYPES = new Set(['DATE', 'TIME', 'TIMESTAMP', 'INTERVAL', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS']);

function annotation(element: SchemaElement): string | undefined {
  return element.logical_type?.type ?? element.converted_type;
}

function isListLike(element: SchemaElement): boolean {
  return element.converted_type === 'LIST' || element.logical_type?.type === 'LIST';
}

/** A primitive column holding numbers, text, or something we name in the refusal. */
function primitiveKind(element: SchemaElement): ColumnKind {
  const note = annotation(element);
  switch (element.type) {
    case 'INT32':
    case 'INT64':
    case 'FLOAT':
    case 'DOUBLE':
      if (note && TIME_TYPES.has(note)) return { kind: 'other', what: `${note} values` };
      return { kind: 'number', float32: element.type === 'FLOAT' };
    case 'FIXED_LEN_BYTE_ARRAY':
    case 'BYTE_ARRAY':
      if (note === 'FLOAT16') return { kind: 'number', float32: true };
      if (note === 'DECIMAL') return { kind: 'number', float32: false };
      if (element.type === 'BYTE_ARRAY' && (note === undefined || note === 'UTF8' || note === 'STRING' || note === 'ENUM')) return { kind: 'text' };
      return { kind: 'other', what: `${note ?? element.type} values` };
    default:
      return { kind: 'other', what: `${note ?? element.type ?? 'group'} values` };
  }
}

export function columnKind(node: SchemaTree): ColumnKind {
  const { element } = node;
  if (isListLike(element)) {
    // Three-level lists (list → element) and the legacy two-level form (a repeated leaf).
    const repeated = node.children[0];
    const leaf = repeated && repeated.children.length === 1 ? repeated.children[0] : repeated;
    if (!leaf || leaf.children.length > 0) return { kind: 'other', what: 'lists of groups' };
    const inner = primitiveKind(leaf.element);
    if (inner.kind === 'number') return { kind: 'list', float32: inner.float32 };
    return { kind: 'other', what: `lists of ${inner.kind === 'other' ? inner.what : 'text'}` };
  }
  if (node.children.length > 0) return { kind: 'other', what: `a group (${annotation(element) ?? 'struct'})` };
  if (element.repetition_type === 'REPEATED') return { kind: 'other', what: 'a repeated field' };
  return primitiveKind(element);
}

const EXPECTED = 'a Parquet dataset is numeric columns (a matrix), one text column (labels), or a list column of numbers (embeddings)';

function planColumns(schema: SchemaTree): Plan {
  const columns = schema.children.map((node) => ({ name: node.element.name, kind: columnKind(node) }));
  if (columns.length === 0) throw new DatasetFormatError(`the Parquet file has no columns; ${EXPECTED}`);

  const lists = columns.filter((c) => c.kind.kind === 'list');
  if (lists.length > 0) {
    const chosen = lists.length === 1 ? lists[0] : lists.find((c) => c.name.toLowerCase() === 'embedding');
    if (!chosen) {
      throw new DatasetFormatError(`the Parquet file has ${lists.length} list columns (${lists.map((c) => `"${c.name}"`).join(', ')}); name the one to read "embedding" or send one`);
    }
    return { kind: 'list', column: chosen.name, dtype: (chosen.kind as { float32: boolean }).float32 ? 'float32' : 'float64' };
  }

  const other = columns.find((c) => c.kind.kind === 'other');
  if (other) throw new DatasetFormatError(`column "${other.name}" holds ${(other.kind as { what: string }).what}; ${EXPECTED}`);
  const text = columns.filter((c) => c.kind.kind === 'text');
  if (text.length === 1 && columns.length === 1) return { kind: 'labels', column: text[0].name };
  if (text.length > 0) {
    const numeric = columns.find((c) => c.kind.kind === 'number');
    const mix = numeric ? ` while column "${numeric.name}" holds numbers` : ` and so do ${text.length - 1} other columns`;
    throw new DatasetFormatError(`column "${text[0].name}" holds text${mix}; ${EXPECTED}`);
  }
  const float32 = columns.every((c) => c.kind.kind === 'number' && c.kind.float32);
  return { kind: 'matrix', columns: columns.map((c) => c.name), dtype: float32 ? 'float32' : 'float64' };
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object';
  return String(value);
}

/** A finite number from what hyparquet decoded, or a refusal naming `where`. */
function toNumber(value: unknown, where: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new DatasetFormatError(`${where} is ${value}: every value must be a finite number`);
  }
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
    throw new DatasetFormatError(`${where}: the integer ${value} is beyond 2^53 and cannot be held exactly as a number`);
  }
  if (value === null || value === undefined) throw new DatasetFormatError(`${where} is empty (null): every value must be a number`);
  throw new DatasetFormatError(`${where}: ${describeValue(value)} is not a number`);
}

/** hyparquet reads through an AsyncBuffer; this one reads slices of an open file. */
export function fileBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      const from = Math.max(0, start);
      const out = new Uint8Array(Math.max(0, Math.min(end, size) - from));
      for (let done = 0; done < out.length; ) {
        const { bytesRead } = await handle.read(out, done, Math.min(MAX_READ_BYTES, out.length - done), from + done);
        if (bytesRead === 0) throw new DatasetFormatError('the Parquet file ended early');
        done += bytesRead;
      }
      return out.buffer;
    },
  };
}

/** Errors of hyparquet (a corrupt or unsupported file) become refusals; I/O errors stay what they are. */
export async function asFormatError<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    if (error instanceof DatasetFormatError || typeof (error as { code?: unknown }).code === 'string') throw error;
    throw new DatasetFormatError(`${what}: ${(error as Error).message ?? String(error)}`);
  }
}

export function checkCodecs(metadata: FileMetaData, names: readonly string[]): void {
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta || !names.includes(meta.path_in_schema[0]) || READABLE_CODECS.has(meta.codec)) continue;
      throw new DatasetFormatError(
        `column "${meta.path_in_schema[0]}" is compressed with ${meta.codec}, which the companion cannot read: write the file with snappy compression or none (pandas/pyarrow and polars: compression="snappy")`,
      );
    }
  }
}

/**
 * Reads one row group's columns: for each column, its chunks in row order, checked to cover the
 * group's rows exactly (hyparquet may split a column chunk by page).
 */
export async function readGroup(h: Hyparquet, file: AsyncBuffer, metadata: FileMetaData, names: readonly string[], start: number, rows: number): Promise<Map<string, ColumnData[]>> {
  const chunks = new Map<string, ColumnData[]>(names.map((n) => [n, []]));
  await asFormatError('Parquet', () =>
    h.parquetRead({ file, metadata, columns: [...names], rowStart: start, rowEnd: start + rows, onChunk: (chunk) => chunks.get(chunk.columnName)?.push(chunk) }),
  );
  for (const [name, list] of chunks) {
    list.sort((a, b) => a.rowStart - b.rowStart);
    let next = start;
    for (const chunk of list) {
      if (chunk.rowStart > next) break;
      next = Math.max(next, chunk.rowEnd);
    }
    if (next < start + rows) throw new DatasetFormatError(`column "${name}": rows ${next + 1} to ${start + rows} could not be read`);
  }
  return chunks;
}

/** Calls `visit` once per row of the group, in order, with the column's value. */
export function forEachRow(chunks: readonly ColumnData[], start: number, rows: number, visit: (value: unknown, row: number) => void): void {
  let next = start;
  for (const chunk of chunks) {
    for (let row = Math.max(next, chunk.rowStart); row < Math.min(chunk.rowEnd, start + rows); row++) visit(chunk.columnData[row - chunk.rowStart], row);
    next = Math.max(next, chunk.rowEnd);
  }
}

export async function ingestParquet(upload: string, targets: { numeric: string; labels: string }): Promise<{ dtype: string; shape: number[]; path: string }> {
  const h = await loadHyparquet();
  const handle = await open(upload, 'r');
  let writer: NpyRowWriter | undefined;
  try {
    const file = fileBuffer(handle, (await handle.stat()).size);
    const metadata = await asFormatError('not a readable Parquet file', () => h.parquetMetadataAsync(file));
    const plan = planColumns(h.parquetSchema(metadata));
    const names = plan.kind === 'matrix' ? plan.columns : [plan.column];
    checkCodecs(metadata, names);
    const totalRows = Number(metadata.num_rows);
    if (totalRows === 0) throw new DatasetFormatError('the Parquet file has no rows');

    const labels: string[] = [];
    let labelBytes = 0;
    let width = plan.kind === 'matrix' ? plan.columns.length : 0;
    let row = new Float64Array(width);
    let start = 0;
    for (const group of metadata.row_groups) {
      const rows = Number(group.num_rows);
      if (rows === 0) continue;
      const chunks = await readGroup(h, file, metadata, names, start, rows);

      if (plan.kind === 'labels') {
        forEachRow(chunks.get(plan.column)!, start, rows, (value, r) => {
          if (typeof value !== 'string') throw new DatasetFormatError(`column "${plan.column}", row ${r + 1} is ${value === null || value === undefined ? 'empty (null)' : describeValue(value)}: labels are text`);
          if (value === '') throw new DatasetFormatError(`column "${plan.column}", row ${r + 1}: empty label`);
          labelBytes += Buffer.byteLength(value) + 3;
          if (labelBytes > MAX_LABEL_BYTES) throw new DatasetFormatError(`the labels exceed ${MAX_LABEL_BYTES / 1024 / 1024} MiB of text`);
          labels.push(value);
        });
      } else if (plan.kind === 'list') {
        const lists: ArrayLike<unknown>[] = [];
        forEachRow(chunks.get(plan.column)!, start, rows, (value, r) => {
          if (value === null || value === undefined) throw new DatasetFormatError(`column "${plan.column}", row ${r + 1} is empty (null): every row must be a list of numbers`);
          const list = value as ArrayLike<unknown>;
          if (width === 0) {
            if (list.length === 0) throw new DatasetFormatError(`column "${plan.column}", row ${r + 1} is an empty list`);
            width = list.length;
            row = new Float64Array(width);
          }
          if (list.length !== width) {
            throw new DatasetFormatError(`column "${plan.column}", row ${r + 1} has ${list.length} numbers where row 1 has ${width}: every row must have the same length`);
          }
          lists.push(list);
        });
        writer ??= await NpyRowWriter.create(targets.numeric, plan.dtype, width);
        for (let i = 0; i < lists.length; i++) {
          const list = lists[i];
          for (let c = 0; c < width; c++) row[c] = toNumber(list[c], `column "${plan.column}", row ${start + i + 1}, item ${c + 1}`);
          await writer.push(row);
        }
      } else {
        // Columns to rows: each column of the group into a typed array, checked as it goes.
        const values = plan.columns.map((name) => {
          const out = new Float64Array(rows);
          forEachRow(chunks.get(name)!, start, rows, (value, r) => {
            out[r - start] = toNumber(value, `column "${name}", row ${r + 1}`);
          });
          return out;
        });
        writer ??= await NpyRowWriter.create(targets.numeric, plan.dtype, width);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < width; c++) row[c] = values[c][r];
          await writer.push(row);
        }
      }
      start += rows;
    }

    if (plan.kind === 'labels') {
      await writeLabels(targets.labels, labels);
      return { dtype: 'string', shape: [labels.length], path: targets.labels };
    }
    const shape = await writer!.finish();
    writer = undefined;
    return { dtype: plan.dtype, shape, path: targets.numeric };
  } catch (error) {
    await writer?.abort();
    await rm(targets.numeric, { force: true });
    await rm(targets.labels, { force: true });
    throw error;
  } finally {
    await handle.close();
  }
}
