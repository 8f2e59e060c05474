/*
 * A workbook as the copy and `partage verify` see it, whether it comes from a saved .xlsx
 * (xlsxFile.ts, through ExcelJS) or from the workbook open in Excel (the task pane, through
 * Office.js): sheets of cells with their values, formulas and number formats, and the defined
 * names with their scope. Plain data, so that the same code works on both.
 */

export type ErrorValue = { error: string };
export type CellValue = number | string | boolean | ErrorValue | null;

export interface ModelCell {
  /** The value Excel computed and saved (a formula's cached result). */
  value: CellValue;
  /** "=…" as saved; absent for a constant. */
  formula?: string;
  /** An array formula (a spilled result): the range it fills, anchored at this cell ("B38:B42"). */
  arrayRef?: string;
  numFmt?: string;
  bold?: boolean;
}

export interface ModelSheet {
  name: string;
  /** By address ("B38"), upper case, no $. */
  cells: Map<string, ModelCell>;
  /** Column widths in Excel's character units, by letter. */
  columnWidths?: Record<string, number>;
}

export interface ModelName {
  name: string;
  /** The sheet a sheet-scoped name belongs to; undefined for a workbook name. */
  scope?: string;
  /** "='Deals 1'!$C$7:$C$11" or "'Deals 1'!$C$7:$C$11". */
  ref: string;
  comment?: string;
}

export interface WorkbookModel {
  sheets: ModelSheet[];
  names: ModelName[];
}

export const isErrorValue = (v: CellValue | undefined): v is ErrorValue => typeof v === 'object' && v !== null;

export function sheetNamed(model: WorkbookModel, name: string): ModelSheet | undefined {
  const lower = name.toLowerCase();
  return model.sheets.find((s) => s.name.toLowerCase() === lower);
}

// ---------------------------------------------------------------------------------------------
// A1 addresses.

export interface CellPosition {
  row: number;
  column: number;
}

export function columnNumber(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
}

export function columnLetters(column: number): string {
  let s = '';
  for (let c = column; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

export function parseAddress(address: string): CellPosition {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/i.exec(address.trim());
  if (!m) throw new Error(`not a cell address: ${address}`);
  return { column: columnNumber(m[1]), row: Number(m[2]) };
}

export const addressOf = (p: CellPosition): string => `${columnLetters(p.column)}${p.row}`;

export interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export function parseBox(range: string): Box {
  const [a, b = a] = range.replace(/\$/g, '').split(':');
  const p = parseAddress(a);
  const q = parseAddress(b);
  return { top: Math.min(p.row, q.row), left: Math.min(p.column, q.column), bottom: Math.max(p.row, q.row), right: Math.max(p.column, q.column) };
}

export const boxAddress = (b: Box): string =>
  b.top === b.bottom && b.left === b.right ? addressOf({ row: b.top, column: b.left }) : `${addressOf({ row: b.top, column: b.left })}:${addressOf({ row: b.bottom, column: b.right })}`;

/** The addresses of a box, row by row. */
export function boxCells(b: Box): string[][] {
  const rows: string[][] = [];
  for (let r = b.top; r <= b.bottom; r++) {
    const row: string[] = [];
    for (let c = b.left; c <= b.right; c++) row.push(addressOf({ row: r, column: c }));
    rows.push(row);
  }
  return rows;
}

/** A sheet name as a formula writes it: quoted when it is not a plain word. */
export function quoteSheetName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) && !/^[A-Z]{1,3}\d+$/i.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

/** "'Deals 1'!$C$7:$C$11" → the sheet and the box; a reference without a sheet is on `defaultSheet`. */
export function parseReference(reference: string, defaultSheet?: string): { sheet: string; box: Box } {
  const text = reference.trim().replace(/^=/, '');
  const bang = text.lastIndexOf('!');
  let sheet = defaultSheet;
  let address = text;
  if (bang >= 0) {
    const raw = text.slice(0, bang);
    sheet = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
    address = text.slice(bang + 1);
  }
  if (sheet === undefined) throw new Error(`the reference ${reference} names no sheet`);
  return { sheet, box: parseBox(address) };
}

/** An A1 reference, sheet-qualified or not: "B3", "$B$3:$D$9", "'Deals 1'!C7:C11". */
export const A1_REFERENCE = /^(?:(?:'(?:[^']|'')+'|[^'!]+)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?$/i;

/** The name as a formula on `sheet` resolves it: the sheet's own first, then the workbook's. */
export function findName(model: WorkbookModel, name: string, sheet: string): ModelName | undefined {
  const lower = name.toLowerCase();
  const onSheet = sheet.toLowerCase();
  return (
    model.names.find((n) => n.name.toLowerCase() === lower && n.scope?.toLowerCase() === onSheet) ??
    model.names.find((n) => n.name.toLowerCase() === lower && n.scope === undefined)
  );
}

/** The cells an operand stands for on `sheet`: a reference, or a name defined as one; undefined otherwise. */
export function rangeOfOperand(model: WorkbookModel, operand: string, sheet: string): { sheet: string; box: Box } | undefined {
  if (A1_REFERENCE.test(operand)) return parseReference(operand, sheet);
  const found = findName(model, operand, sheet);
  const ref = found?.ref.replace(/^=/, '');
  return ref !== undefined && A1_REFERENCE.test(ref) ? parseReference(ref, found!.scope ?? sheet) : undefined;
}
