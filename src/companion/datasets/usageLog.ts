/**
 * Usage logs (`kind=usage` uploads): `[user, holder, plays, (activePlays)]` rows for the
 * pool.split job, of up to 10⁸ rows. Unlike every other dataset they are not converted: the
 * uploaded CSV or Parquet file is kept as it is (after a look at its head) and read again, block
 * by block, by each pass of the job, so that nothing proportional to the rows is ever in memory.
 *
 * CSV: delimiter as for other CSV uploads (a tab or a semicolon in the first line, else a
 * comma); the first row is a header when its plays cell is text that is not a number (the rule of
 * PARTAGE.POOLSPLIT); rows whose cells are all empty are skipped. Blocks are cut at a record
 * boundary (a newline outside quotes: an even number of quote characters since the block's
 * start), so that a quoted name with a newline in it is never split; a file without any quote
 * character, the usual case, is instead cut into independent byte ranges at newlines, and its
 * lines are split by hand (the others go through csv-parse).
 *
 * Parquet: the file's first three or four columns, read one row range at a time with hyparquet.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseCsvNumber } from './csvIngest';
import { DatasetFormatError } from './errors';
import { asFormatError, checkCodecs, columnKind, describeValue, fileBuffer, forEachRow, loadHyparquet, readGroup } from './parquetIngest';

export const USAGE_DTYPE = 'usage';

export type UsageFormat = 'csv' | 'parquet';

export function usageLogPath(dir: string, id: string, format: UsageFormat): string {
  return path.join(dir, `${id}.usage.${format}`);
}

/** How a stored CSV log is read: fixed when the job starts, from the file's first bytes. */
export interface CsvLayout {
  readonly delimiter: string;
  readonly decimalComma: boolean;
}

const HEAD_BYTES = 64 * 1024;

/** One row of a log as read: trimmed names, plays and active plays as numbers (not yet checked as counts). */
export type UsageRowVisitor = (user: string, holder: string, plays: number, active: number, row: number) => void;

/**
 * A refusal naming a line of a CSV block (1-based, within the block: the job, which knows the
 * lines before it, makes it the file's) or a row of a Parquet file (1-based data row).
 */
export interface UsageRowProblem {
  unit: 'line' | 'row';
  number: number;
  /** ", column 3 (plays)", or nothing. */
  column: string;
  detail: string;
}

export class UsageRowError extends Error {
  constructor(readonly problem: UsageRowProblem) {
    super(describeProblem(problem));
    this.name = 'UsageRowError';
  }
}

export function describeProblem(p: UsageRowProblem): string {
  return `${p.unit} ${p.number}${p.column}: ${p.detail}`;
}

function lineError(line: number, column: string, detail: string): UsageRowError {
  return new UsageRowError({ unit: 'line', number: line, column, detail });
}

/** The CSV layout and column count, from the head of the file; throws DatasetFormatError. */
export function csvLayoutOf(file: string): CsvLayout & { columns: number } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.toString('utf8', 0, n).replace(/^\uFEFF/, '');
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const delimiter = firstLine.includes('\t') ? '\t' : firstLine.includes(';') ? ';' : ',';
    const layout = { delimiter, decimalComma: delimiter !== ',' };
    let columns = 0;
    const cut = size <= HEAD_BYTES ? n : recordBoundary(head, n);
    readCsvRecords(head.subarray(0, cut > 0 ? cut : n), 0, layout, (cells) => {
      if (columns === 0 && cells.some((c) => c !== '')) columns = cells.length;
    });
    if (columns === 0) throw new DatasetFormatError('the usage log has no rows');
    if (columns !== 3 && columns !== 4) {
      throw new DatasetFormatError(`the usage log's first row has ${columns} columns; a usage log has three or four: user, holder, plays, (activePlays)`);
    }
    return { ...layout, columns };
  } finally {
    closeSync(fd);
  }
}

/**
 * End (exclusive) of the last complete record in bytes[0..n): just after the last newline
 * outside quotes, or 0 when there is none.
 */
function recordBoundary(bytes: Uint8Array, n: number): number {
  let quoted = false;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0x22) quoted = !quoted;
    else if (b === 0x0a && !quoted) last = i + 1;
  }
  return last;
}

/** Calls `visit` with the cells of each record of `bytes` and its line (1-based) in the block. */
function readCsvRecords(bytes: Uint8Array, firstByte: number, layout: CsvLayout, visit: (cells: string[], line: number) => void): void {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const body = firstByte === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.indexOf('"') < 0) {
    // No quotes: a record is a line and a cell what lies between delimiters.
    const d = layout.delimiter;
    const cells: string[] = [];
    let line = 0;
    for (let at = 0; at < body.length; ) {
      let end = body.indexOf('\n', at);
      if (end < 0) end = body.length;
      line++;
      const stop = body.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (stop > at) {
        cells.length = 0;
        let from = at;
        for (let next = body.indexOf(d, from); next >= 0 && next < stop; next = body.indexOf(d, from)) {
          cells.push(trimmed(body.slice(from, next)));
          from = next + 1;
        }
        cells.push(trimmed(body.slice(from, stop)));
        visit(cells, line);
      }
      at = end + 1;
    }
    return;
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(body, { delimiter: layout.delimiter, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const lines = (error as { lines?: unknown }).lines;
    throw lineError(typeof lines === 'number' ? lines : 1, '', `CSV: ${(error as Error).message}`);
  }
  for (const { record, info } of records) visit(record, info.lines);
}

function trimmed(cell: string): string {
  return cell.length > 0 && (cell.charCodeAt(0) <= 32 || cell.charCodeAt(cell.length - 1) <= 32) ? cell.trim() : cell;
}

/** A cell's number: plain digits read directly (the usual count), anything else by parseCsvNumber. */
function countOf(cell: string, decimalComma: boolean): number | undefined {
  const n = cell.length;
  if (n > 0 && n < 16) {
    let v = 0;
    let i = 0;
    for (; i < n; i++) {
      const c = cell.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === n) return v;
  }
  return parseCsvNumber(cell, decimalComma);
}

export interface CsvBlock {
  /** Byte offset just past the block: where the next one starts (the file's size at the end). */
  readonly end: number;
  /** Newlines in the block, so that the job numbers the next block's lines on. */
  readonly lines: number;
  readonly size: number;
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let n = 0;
  while (n < length) {
    const got = readSync(fd, bytes, n, length - n, position + n);
    if (got === 0) break;
    n += got;
  }
  return n === length ? bytes : bytes.subarray(0, n);
}

/** Whether the file holds a quote character anywhere (if not, every newline ends a record). */
export function hasQuotes(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    for (let at = 0; at < size; at += 16 << 20) if (readAt(fd, at, Math.min(16 << 20, size - at)).indexOf(0x22) >= 0) return true;
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Position just past the first newline at or after `from`, or the file's size. */
function afterNewline(fd: number, from: number, size: number): number {
  for (let at = from; at < size; at += 64 * 1024) {
    const bytes = readAt(fd, at, Math.min(64 * 1024, size - at));
    const k = bytes.indexOf(0x0a);
    if (k >= 0) return at + k + 1;
  }
  return size;
}

/**
 * Reads the records of a CSV log without quotes whose first byte lies in [start, stop): an
 * independent unit, since every newline ends a record. Lines are numbered within the block.
 */
export function readCsvUsageRange(file: string, start: number, stop: number, layout: CsvLayout, columns: number, visit: UsageRowVisitor): CsvBlock {
  const fd = openSync(file, 'r');
  let block: Buffer;
  let end: number;
  let size: number;
  try {
    size = fstatSync(fd).size;
    const from = start === 0 ? 0 : afterNewline(fd, start - 1, size);
    end = stop >= size ? size : afterNewline(fd, stop - 1, size);
    block = readAt(fd, from, Math.max(0, end - from));
  } finally {
    closeSync(fd);
  }
  return { end, lines: readBlock(block, start === 0, layout, columns, visit), size };
}

/**
 * Reads the complete records of about `maxBytes` from byte `start` of a CSV log (the next
 * block starts at `end`: blocks of a log with quotes are read one after another). Lines are
 * numbered within the block.
 */
export function readCsvUsageBlock(file: string, start: number, maxBytes: number, layout: CsvLayout, columns: number, visit: UsageRowVisitor): CsvBlock {
  const fd = openSync(file, 'r');
  let bytes: Buffer;
  let cut: number;
  let size: number;
  try {
    size = fstatSync(fd).size;
    for (let want = maxBytes; ; want *= 2) {
      bytes = readAt(fd, start, Math.min(want, size - start));
      if (start + bytes.length >= size) {
        cut = bytes.length;
        break;
      }
      cut = recordBoundary(bytes, bytes.length);
      if (cut > 0) break;
    }
  } finally {
    closeSync(fd);
  }
  return { end: start + cut, lines: readBlock(bytes.subarray(0, cut), start === 0, layout, columns, visit), size };
}

/** The data rows of a block of whole records; returns its newlines. The file's first record may be a header. */
function readBlock(block: Buffer, atFileStart: boolean, layout: CsvLayout, columns: number, visit: UsageRowVisitor): number {
  let newlines = 0;
  for (let at = block.indexOf(0x0a); at >= 0; at = block.indexOf(0x0a, at + 1)) newlines++;
  let first = atFileStart;
  const row = (cells: string[], fileLine: number) => {
    if (cells.every((c) => c === '')) return;
    const isFirst = first;
    first = false;
    if (cells.length !== columns) {
      throw lineError(fileLine, '', `has ${cells.length} columns; the log has ${columns} (user, holder, plays${columns === 4 ? ', activePlays' : ''})`);
    }
    const playsCell = cells[2];
    let plays = countOf(playsCell, layout.decimalComma);
    if (plays === undefined) {
      // The rule of PARTAGE.POOLSPLIT: a first row whose plays are text names the columns.
      if (isFirst && playsCell !== '') return;
      throw lineError(fileLine, ', column 3 (plays)', playsCell === '' ? 'empty plays' : `${describeValue(playsCell)} is not a number`);
    }
    let active = 0;
    if (columns === 4 && cells[3] !== '') {
      const a = countOf(cells[3], layout.decimalComma);
      if (a === undefined) throw lineError(fileLine, ', column 4 (activePlays)', `${describeValue(cells[3])} is not a number`);
      active = a;
    }
    if (cells[0] === '') throw lineError(fileLine, ', column 1 (user)', 'empty user');
    if (cells[1] === '') throw lineError(fileLine, ', column 2 (holder)', 'empty holder');
    plays = plays === 0 ? 0 : plays; // -0 is 0 plays
    visit(cells[0], cells[1], plays, active, fileLine - 1);
  };
  readCsvRecords(block, atFileStart ? 0 : 1, layout, row);
  return newlines;
}

// ---- Parquet ----------------------------------------------------------------------------

export interface ParquetLayout {
  readonly columns: string[];
  /** Row groups as [first row, rows]. */
  readonly groups: Array<[number, number]>;
  readonly rows: number;
}

/** The first 3 or 4 columns and the row groups of a Parquet log; throws DatasetFormatError. */
export async function parquetLayoutOf(file: string): Promise<ParquetLayout> {
  const h = await loadHyparquet();
  const handle = await open(file, 'r');
  try {
    const buffer = fileBuffer(handle, (await handle.stat()).size);
    const metadata = await asFormatError('not a readable Parquet file', () => h.parquetMetadataAsync(buffer));
    const schema = h.parquetSchema(metadata);
    const count = schema.children.length;
    if (count !== 3 && count !== 4) {
      throw new DatasetFormatError(`the Parquet file has ${count} columns; a usage log has three or four: user, holder, plays, (activePlays)`);
    }
    const nodes = schema.children;
    for (let c = 0; c < count; c++) {
      const kind = columnKind(nodes[c]);
      const name = nodes[c].element.name;
      if (c < 2 && kind.kind !== 'text' && kind.kind !== 'number') throw new DatasetFormatError(`column "${name}" holds ${kind.kind === 'other' ? kind.what : 'lists'}; users and holders are text or numbers`);
      if (c >= 2 && kind.kind !== 'number') throw new DatasetFormatError(`column "${name}" holds ${kind.kind === 'other' ? kind.what : kind.kind}; ${c === 2 ? 'plays' : 'activePlays'} are numbers`);
    }
    const columns = nodes.map((n) => n.element.name);
    checkCodecs(metadata, columns);
    const groups: Array<[number, number]> = [];
    let start = 0;
    for (const group of metadata.row_groups) {
      const rows = Number(group.num_rows);
      if (rows > 0) groups.push([start, rows]);
      start += rows;
    }
    if (start === 0) throw new DatasetFormatError('the Parquet file has no rows');
    return { columns, groups, rows: start };
  } finally {
    await handle.close();
  }
}

function rowError(row: number, column: string, what: string, detail: string): UsageRowError {
  return new UsageRowError({ unit: 'row', number: row + 1, column: `, column "${column}" (${what})`, detail });
}

function nameOf(value: unknown, column: string, row: number, what: string): string {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') throw rowError(row, column, what, `empty ${what}`);
    return text;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw rowError(row, column, what, value === null || value === undefined ? `empty ${what}` : `${describeValue(value)} is not a name`);
}

function parquetCount(value: unknown, column: string, row: number, what: string, empty: number | undefined): number {
  if (typeof value === 'number') return value === 0 ? 0 : value;
  if (typeof value === 'bigint') return Number(value);
  if ((value === null || value === undefined) && empty !== undefined) return empty;
  throw rowError(row, column, what, value === null || value === undefined ? `empty ${what}` : `${describeValue(value)} is not a number`);
}

/** Calls `visit` for rows [start, start + rows) of a Parquet log, in order. */
export async function readParquetUsageRows(file: string, columns: string[], start: number, rows: number, visit: UsageRowVisitor): Promise<void> {
  const h = await loadHyparquet();
  const handle = await open(file, 'r');
  try {
    const buffer = fileBuffer(handle, (await handle.stat()).size);
    const metadata = await asFormatError('not a readable Parquet file', () => h.parquetMetadataAsync(buffer));
    const chunks = await readGroup(h, buffer, metadata, columns, start, rows);
    const [u, k, p, a] = columns;
    const values = columns.map(() => new Array<unknown>(rows));
    columns.forEach((name, c) => forEachRow(chunks.get(name)!, start, rows, (value, r) => (values[c][r - start] = value)));
    for (let i = 0; i < rows; i++) {
      const row = start + i;
      const plays = parquetCount(values[2][i], p, row, 'plays', undefined);
      const active = a === undefined ? 0 : parquetCount(values[3][i], a, row, 'activePlays', 0);
      visit(nameOf(values[0][i], u, row, 'user'), nameOf(values[1][i], k, row, 'holder'), plays, active, row);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Keeps an uploaded usage log as it is, after checking its head (CSV) or its schema (Parquet):
 * moves the upload to `target`. Rows are counted by the job that reads it.
 */
export async function ingestUsageLog(upload: string, format: UsageFormat, target: string): Promise<{ dtype: string; shape: number[] }> {
  if (format === 'csv') csvLayoutOf(upload);
  else await parquetLayoutOf(upload);
  await rename(upload, target);
  return { dtype: USAGE_DTYPE, shape: [] };
}
