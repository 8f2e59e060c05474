import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { parse, type Info } from 'csv-parse';
import { DatasetFormatError } from './errors';
import { NpyRowWriter, writeLabels } from './storedFiles';

/**
 * CSV uploads, streamed through csv-parse into one of the canonical stored forms:
 *
 * - a numeric matrix (every cell a number) → float64 .npy; one column gives a vector [N];
 * - a single column of text → labels (e.g. the holder of each catalogue item).
 *
 * Header row (`header` = 'auto' by default): 'yes' always skips the first row, 'no' never does.
 * 'auto' skips the first row when it has a non-numeric cell and the second row is all numbers
 * (column names over a numeric matrix). A single text column cannot tell a header from a first
 * label, so under 'auto' its first row is a label: send header=yes when it is a name.
 *
 * Delimiter: a tab or a semicolon in the first line makes it the delimiter, otherwise a comma.
 * With a semicolon or a tab (European spreadsheets), a decimal comma is accepted ("1,5").
 */
export type HeaderMode = 'auto' | 'yes' | 'no';

/** Labels are kept in memory while parsing and read whole by jobs: 256 MiB of text is millions of names. */
export const MAX_LABEL_BYTES = 256 * 1024 * 1024;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseCsvNumber(cell: string, decimalComma: boolean): number | undefined {
  const text = decimalComma && cell.indexOf(',') >= 0 && cell.indexOf('.') < 0 ? cell.replace(',', '.') : cell;
  if (!NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

async function detectDelimiter(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8');
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    if (firstLine.includes('\t')) return '\t';
    if (firstLine.includes(';')) return ';';
    return ',';
  } finally {
    await handle.close();
  }
}

type Row = { record: string[]; info: Info };

function quote(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
}

export async function ingestCsv(
  upload: string,
  targets: { numeric: string; labels: string },
  header: HeaderMode = 'auto',
): Promise<{ dtype: string; shape: number[]; path: string }> {
  const delimiter = await detectDelimiter(upload);
  const decimalComma = delimiter !== ',';
  const source = createReadStream(upload);
  const parser = source.pipe(parse({ delimiter, bom: true, trim: true, skip_empty_lines: true, info: true, relax_quotes: false }));

  const numbers = (row: Row): number[] | undefined => {
    const out: number[] = [];
    for (const cell of row.record) {
      const v = parseCsvNumber(cell, decimalComma);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  };

  let writer: NpyRowWriter | undefined;
  let labels: string[] | undefined;
  let labelBytes = 0;
  let pending: Row | undefined; // the first row, until the second says whether it was a header
  let seen = 0;

  const addNumeric = async (row: Row) => {
    const values = numbers(row);
    if (values === undefined) {
      const c = row.record.findIndex((cell) => parseCsvNumber(cell, decimalComma) === undefined);
      throw new DatasetFormatError(
        `line ${row.info.lines}, column ${c + 1}: ${quote(row.record[c])} is not a number; a CSV dataset is a numeric matrix or a single column of labels`,
      );
    }
    if (!writer) writer = await NpyRowWriter.create(targets.numeric, 'float64', values.length);
    await writer.push(values);
  };
  const addLabel = (row: Row) => {
    if (row.record.length !== 1) {
      throw new DatasetFormatError(`line ${row.info.lines} has ${row.record.length} columns; labels are a single column of text`);
    }
    const label = row.record[0];
    if (label === '') throw new DatasetFormatError(`line ${row.info.lines}: empty label`);
    labelBytes += Buffer.byteLength(label) + 3;
    if (labelBytes > MAX_LABEL_BYTES) throw new DatasetFormatError(`the labels exceed ${MAX_LABEL_BYTES / 1024 / 1024} MiB of text`);
    labels!.push(label);
  };

  try {
    for await (const row of parser as AsyncIterable<Row>) {
      seen++;
      if (seen === 1) {
        pending = row;
        continue;
      }
      if (seen === 2) {
        const first = pending!;
        pending = undefined;
        const firstNumeric = numbers(first) !== undefined;
        const secondNumeric = numbers(row) !== undefined;
        if (header === 'yes') {
          if (secondNumeric || row.record.length > 1) await addNumeric(row);
          else (labels = []), addLabel(row);
          continue;
        }
        if (firstNumeric) {
          await addNumeric(first);
          await addNumeric(row);
        } else if (secondNumeric && header === 'auto') {
          await addNumeric(row); // the first row named the columns
        } else if (first.record.length > 1) {
          // Text in a matrix: name the offending cell (under 'auto' the first row passes as a header).
          await addNumeric(header === 'auto' ? row : first);
        } else {
          labels = [];
          addLabel(first);
          addLabel(row);
        }
        continue;
      }
      if (labels) addLabel(row);
      else await addNumeric(row);
    }
    if (pending) {
      // A one-row file.
      if (header === 'yes') throw new DatasetFormatError('the CSV has a header row and no data');
      if (numbers(pending) !== undefined || pending.record.length > 1) await addNumeric(pending);
      else (labels = []), addLabel(pending);
    }
    if (seen === 0 || (seen === 1 && header === 'yes')) throw new DatasetFormatError('the CSV has no data rows');
    if (labels) {
      await writeLabels(targets.labels, labels);
      return { dtype: 'string', shape: [labels.length], path: targets.labels };
    }
    const shape = await writer!.finish();
    writer = undefined;
    return { dtype: 'float64', shape, path: targets.numeric };
  } catch (error) {
    await writer?.abort();
    await rm(targets.numeric, { force: true });
    await rm(targets.labels, { force: true });
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) throw new DatasetFormatError(`CSV: ${(error as Error).message}`);
    throw error;
  } finally {
    // pipe() does not close the file when the parser stops early (a refused row): close it here.
    source.destroy();
  }
}
