/* A1 addresses: the few conversions the sheet writers need. */

/** 0 → "A", 25 → "Z", 26 → "AA". */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** "A" → 0, "AA" → 26. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Cell address from a 0-based column and a 1-based row: (1, 6) → "B6". */
export function cellAddress(column: number, row: number): string {
  return `${columnLetter(column)}${row}`;
}

/** "B6" → "$B$6", "B6:C8" → "$B$6:$C$8". */
export function absolute(address: string): string {
  return address
    .split(':')
    .map((part) => part.replace(/^\$?([A-Z]+)\$?(\d+)$/i, (_, column: string, row: string) => `$${column.toUpperCase()}$${row}`))
    .join(':');
}

/** A range from two corners; a single cell when they are equal. */
export function rangeAddress(fromColumn: number, fromRow: number, toColumn: number, toRow: number): string {
  const from = cellAddress(fromColumn, fromRow);
  const to = cellAddress(toColumn, toRow);
  return from === to ? from : `${from}:${to}`;
}

/**
 * A sheet name as formulas write it. Quoting is always allowed, and needed for names with
 * spaces, punctuation or a leading digit, so every name is quoted ('' escapes a quote).
 */
export function quoteSheetName(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/** "'Press 1'!$B$6". */
export function sheetReference(sheetName: string, address: string): string {
  return `${quoteSheetName(sheetName)}!${absolute(address)}`;
}

export interface ParsedAddress {
  sheet?: string;
  fromColumn: number;
  fromRow: number;
  toColumn: number;
  toRow: number;
}

/**
 * "Sheet1!A2:C10", "'My holders'!$A$2:$C$10" or "A2:C10" → its parts; undefined for anything
 * else (whole columns, names, several areas).
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const match = /^(?:(?:'((?:[^']|'')+)'|([^'!]+))!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/i.exec(text.trim().replace(/^=/, ''));
  if (!match) return undefined;
  const [, quoted, plain, c1, r1, c2, r2] = match;
  const sheet = quoted !== undefined ? quoted.replace(/''/g, "'") : plain;
  const fromColumn = columnIndex(c1);
  const fromRow = Number(r1);
  const toColumn = c2 === undefined ? fromColumn : columnIndex(c2);
  const toRow = r2 === undefined ? fromRow : Number(r2);
  if (fromRow < 1 || toRow < 1) return undefined;
  return {
    sheet,
    fromColumn: Math.min(fromColumn, toColumn),
    fromRow: Math.min(fromRow, toRow),
    toColumn: Math.max(fromColumn, toColumn),
    toRow: Math.max(fromRow, toRow),
  };
}
