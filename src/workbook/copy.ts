/*
 * The copy for the other side of the table: the same workbook without the add-in. Every partage
 * figure with a native Excel equivalent becomes that formula on the same inputs
 * (nativeFormulas.ts), the others become their values, and an "About these figures" sheet lists
 * each figure: where it is, the function, its formula and inputs, its value, method, seed,
 * engine version and a SHA-256 digest of the function's name and arguments, so that
 * `partage verify` can later tell whether the copy's inputs still give the figures.
 * The same code makes the copy in the task pane (of the open workbook) and in `partage copy`.
 */
import { ENGINE_VERSION } from '../engine/version';
import { evaluateFigure, findFigures, METHODS, type Figure } from './figures';
import { parseFormula, renderExpr } from './formula';
import { nativeTranslation } from './nativeFormulas';
import { boxCells, isErrorValue, parseBox, sheetNamed, type CellValue, type ModelCell, type ModelSheet, type WorkbookModel } from './model';

export const ABOUT_SHEET = 'About these figures';
export const ABOUT_HEADER = ['Figure', 'Function', 'Formula in the original', 'Inputs', 'Value', 'Method', 'Seed', 'Engine version', 'SHA-256 of function and inputs', 'In this copy'] as const;
export const ABOUT_FIRST_ROW = 5;

export interface CopiedFigure {
  figure: Figure;
  /** "native formula" or "values", and why values. */
  inCopy: string;
  digest?: string;
}

export interface CopyResult {
  model: WorkbookModel;
  figures: CopiedFigure[];
}

const location = (f: Pick<Figure, 'sheet' | 'range'>): string => `${f.sheet}!${f.range}`;

function shortValue(values: CellValue[][]): string {
  const show = (v: CellValue): string => (v === null ? '' : isErrorValue(v) ? v.error : typeof v === 'number' ? String(Number(v.toPrecision(15))) : String(v));
  const flat = values.flat();
  if (flat.length === 1) return show(flat[0]);
  const shown = flat.slice(0, 6).map(show).join('; ');
  return `${values.length}×${values[0].length}: ${shown}${flat.length > 6 ? '; …' : ''}`;
}

/** The argument texts of the outermost PARTAGE call, for the Inputs column. */
function inputsOf(formula: string): string {
  const tree = parseFormula(formula);
  const call = tree.find((i) => i.kind === 'call');
  if (call === undefined || call.kind !== 'call') return '';
  return call.args.map((a) => (a.length === 0 ? '(omitted)' : renderExpr(a))).join('; ');
}

function cloneSheet(sheet: ModelSheet): ModelSheet {
  return { name: sheet.name, cells: new Map([...sheet.cells].map(([a, c]) => [a, { ...c }])), columnWidths: { ...sheet.columnWidths } };
}

/** The copy of `model` (which is left as it is). */
export async function makeCopy(model: WorkbookModel): Promise<CopyResult> {
  if (sheetNamed(model, ABOUT_SHEET) !== undefined) {
    throw new Error(`This workbook already has a sheet "${ABOUT_SHEET}": it is a copy; copy the original instead.`);
  }
  const copy: WorkbookModel = { sheets: model.sheets.map(cloneSheet), names: model.names.map((n) => ({ ...n })) };
  const figures = findFigures(model);
  const copied: CopiedFigure[] = [];
  for (const figure of figures) {
    const sheet = sheetNamed(copy, figure.sheet)!;
    const evaluated = await evaluateFigure(model, figure.sheet, figure.formula);
    const translation = await nativeTranslation(model, figure.sheet, figure, parseFormula(figure.formula));
    const cells = boxCells(parseBox(figure.range));
    cells.forEach((row, r) =>
      row.forEach((address, c) => {
        const cell: ModelCell = { ...(sheet.cells.get(address) ?? { value: null }), value: figure.saved[r][c] };
        delete cell.arrayRef;
        delete cell.formula;
        if ('formulas' in translation) cell.formula = translation.formulas.get(address);
        sheet.cells.set(address, cell);
      }),
    );
    copied.push({
      figure,
      inCopy: 'formulas' in translation ? 'native formula' : `values (${translation.reason})`,
      digest: evaluated.digest,
    });
  }
  copy.sheets.push(aboutSheet(copied));
  return { model: copy, figures: copied };
}

function aboutSheet(figures: CopiedFigure[]): ModelSheet {
  const cells = new Map<string, ModelCell>();
  const put = (address: string, value: CellValue, bold = false): void => {
    cells.set(address, { value, ...(bold ? { bold: true } : {}) });
  };
  put('A1', ABOUT_SHEET, true);
  put('A2', `A copy made by partage ${ENGINE_VERSION} for opening without the add-in: each partage figure is a native Excel formula on the same inputs where Excel has one, else its value. "partage verify" recomputes every figure from the inputs in this file and checks these digests.`);
  put('A3', `${figures.length} figures.`);
  const columns = 'ABCDEFGHIJ';
  ABOUT_HEADER.forEach((h, j) => put(`${columns[j]}4`, h, true));
  figures.forEach((f, i) => {
    const row = ABOUT_FIRST_ROW + i;
    const outer = f.figure.functions[0];
    const values = [
      location(f.figure),
      `PARTAGE.${outer}`,
      f.figure.formula,
      inputsOf(f.figure.formula),
      shortValue(f.figure.saved),
      f.figure.functions.map((fn) => METHODS[fn] ?? 'exact').filter((m, k, all) => all.indexOf(m) === k).join('; '),
      'none (deterministic)',
      ENGINE_VERSION,
      f.digest ?? 'not computed: the inputs could not be read',
      f.inCopy,
    ];
    values.forEach((v, j) => put(`${columns[j]}${row}`, v));
  });
  const widths = [22, 18, 60, 40, 30, 30, 18, 14, 66, 40];
  return { name: ABOUT_SHEET, cells, columnWidths: Object.fromEntries(widths.map((w, j) => [columns[j], w])) };
}

export interface AboutRow {
  row: number;
  sheet: string;
  range: string;
  formula: string;
  digest: string;
}

/** The rows of a copy's About sheet; undefined when the workbook has none. */
export function readAboutSheet(model: WorkbookModel): AboutRow[] | undefined {
  const sheet = sheetNamed(model, ABOUT_SHEET);
  if (sheet === undefined) return undefined;
  const text = (a: string): string => {
    const v = sheet.cells.get(a)?.value;
    return v === null || v === undefined || isErrorValue(v) ? '' : String(v);
  };
  const rows: AboutRow[] = [];
  for (let row = ABOUT_FIRST_ROW; text(`A${row}`) !== ''; row++) {
    const where = text(`A${row}`);
    const bang = where.lastIndexOf('!');
    rows.push({ row, sheet: where.slice(0, bang), range: where.slice(bang + 1), formula: text(`C${row}`), digest: text(`I${row}`) });
  }
  return rows;
}
