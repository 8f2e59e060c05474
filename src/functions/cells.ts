import { invalidValue, type Place } from './errors';

/**
 * One cell as Excel hands it to a custom function: numbers, text, booleans, and "" for an
 * empty cell. `null` also appears (an omitted argument, or an empty cell in some hosts and in
 * CLI JSON) and is treated exactly like "".
 */
export type Cell = number | string | boolean | null;

/** Empty, or only spaces: Excel users cannot see the difference, so neither do we. */
export function isEmptyCell(cell: Cell | undefined): boolean {
  if (cell === null || cell === undefined) return true;
  return typeof cell === 'string' && cell.trim() === '';
}

/** How a cell is quoted back in messages: text in quotes (shortened), booleans as Excel shows them. */
export function describeCell(cell: Cell | undefined): string {
  if (isEmptyCell(cell)) return 'an empty cell';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (typeof cell === 'number') return String(cell);
  const text = String(cell);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

// A plain decimal as people type it: optional sign, digits with at most one '.', optional
// exponent. No thousands separators and no decimal comma: "1,250" is 1.25 in Paris and 1250 in
// London, and guessing would silently change an amount by a factor of 1000.
const DECIMAL_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// Excel and French typography put a space (often a no-break one) before '%'.
const PERCENT_SUFFIX = /[\s\u00a0\u202f]*%$/;

/**
 * A number written as text ("0.55" in a text-formatted cell, or from a CSV import), or
 * undefined. A trailing percent sign divides by 100: "55%" states its unit, so reading it as
 * 0.55 is not a guess (unlike a bare 55 in a share argument, which stays an error).
 */
export function parseNumberText(text: string): number | undefined {
  let body = text.trim();
  let scale = 1;
  if (PERCENT_SUFFIX.test(body)) {
    body = body.replace(PERCENT_SUFFIX, '');
    scale = 100;
  }
  if (!DECIMAL_TEXT.test(body)) return undefined;
  const value = Number(body) / scale;
  return Number.isFinite(value) ? value : undefined;
}

/** A number from a cell: a number, or text that is a plain decimal or percentage. */
export function readNumber(cell: Cell | undefined, place: Place): number {
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw invalidValue(place, `expected a finite number, got ${cell}`);
    return cell;
  }
  if (isEmptyCell(cell)) throw invalidValue(place, 'expected a number, got an empty cell');
  if (typeof cell === 'boolean') {
    // Excel arithmetic would read TRUE as 1; in an amount or a share that is almost always a
    // wrong reference, so we refuse rather than compute with it.
    throw invalidValue(place, `expected a number, got ${describeCell(cell)}`);
  }
  const parsed = parseNumberText(String(cell));
  if (parsed === undefined) {
    throw invalidValue(place, `expected a number, got the text ${describeCell(cell)}`);
  }
  return parsed;
}

/** Trimmed text of a cell (numbers as Excel would display them in General format). */
export function readText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return String(cell).trim();
}

/**
 * One of a few keywords, case-insensitively, e.g. mode "Marginal". `choices` maps each
 * accepted spelling (lower case) to its meaning; the message lists the canonical spellings.
 */
export function readKeyword<T>(cell: Cell | undefined, place: Place, choices: ReadonlyMap<string, T>, shown: readonly string[]): T {
  const text = typeof cell === 'string' ? cell.trim().toLowerCase() : undefined;
  const found = text === undefined ? undefined : choices.get(text);
  if (found === undefined) {
    const list = shown.map((s) => `"${s}"`).join(', ');
    throw invalidValue(place, `expected one of ${list}, got ${describeCell(cell)}`);
  }
  return found;
}
