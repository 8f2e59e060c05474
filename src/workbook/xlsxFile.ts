/*
 * .xlsx files to and from the workbook model, through ExcelJS (MIT). ExcelJS keeps values,
 * formulas (array formulas with their range), number formats and column widths, but folds
 * defined names into workbook names, losing their sheet scope, which partage sheets rely on
 * (two deal sheets each have their own RevenueBase). So the names are read from, and written
 * into, xl/workbook.xml directly (JSZip, which ExcelJS itself uses; @xmldom/xmldom to parse).
 * Works in Node (the CLI) and in the browser (the task pane) alike.
 */
import { DOMParser } from '@xmldom/xmldom';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { parseFormula, renameCalls, renderExpr } from './formula';
import type { CellValue, ModelCell, ModelName, ModelSheet, WorkbookModel } from './model';
import { columnLetters } from './model';

export class XlsxFileError extends Error {}

type ExcelValue = ExcelJS.CellValue;

function cellValueOf(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.error === 'string') return { error: o.error };
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
    if (typeof o.text === 'string') return o.text;
    if ('result' in o) return cellValueOf(o.result);
  }
  return null;
}

/**
 * The saved results of formula cells, read from each worksheet's XML: ExcelJS drops a result of
 * 0 (it tests the parsed number for truth), and a payment of 0 is a figure like any other.
 */
async function savedFormulaResults(zip: JSZip, workbookXml: string): Promise<Map<string, Map<string, CellValue>>> {
  const parser = new DOMParser();
  const rels = await zip.file('xl/_rels/workbook.xml.rels')?.async('string');
  const targets = new Map<string, string>();
  if (rels !== undefined) {
    const r = parser.parseFromString(rels, 'text/xml').getElementsByTagName('Relationship');
    for (let i = 0; i < r.length; i++) targets.set(r.item(i)!.getAttribute('Id') ?? '', r.item(i)!.getAttribute('Target') ?? '');
  }
  const results = new Map<string, Map<string, CellValue>>();
  const sheets = parser.parseFromString(workbookXml, 'text/xml').getElementsByTagName('sheet');
  for (let i = 0; i < sheets.length; i++) {
    const e = sheets.item(i)!;
    const target = targets.get(e.getAttribute('r:id') ?? '');
    if (target === undefined) continue;
    const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    const xml = await zip.file(path)?.async('string');
    if (xml === undefined) continue;
    const values = new Map<string, CellValue>();
    const cells = parser.parseFromString(xml, 'text/xml').getElementsByTagName('c');
    for (let k = 0; k < cells.length; k++) {
      const c = cells.item(k)!;
      if (c.getElementsByTagName('f').length === 0) continue;
      const v = c.getElementsByTagName('v').item(0)?.textContent;
      if (v === undefined || v === null) continue;
      const t = c.getAttribute('t');
      values.set((c.getAttribute('r') ?? '').toUpperCase(), t === 'str' ? v : t === 'b' ? v === '1' : t === 'e' ? { error: v } : Number(v));
    }
    results.set(e.getAttribute('name') ?? '', values);
  }
  return results;
}

/** The sheet-scoped and workbook names of xl/workbook.xml. */
function namesOf(workbookXml: string, sheetNames: readonly string[]): ModelName[] {
  const doc = new DOMParser().parseFromString(workbookXml, 'text/xml');
  const names: ModelName[] = [];
  const elements = doc.getElementsByTagName('definedName');
  for (let i = 0; i < elements.length; i++) {
    const e = elements.item(i)!;
    const name = e.getAttribute('name') ?? '';
    if (name.startsWith('_xlnm.')) continue;
    const local = e.getAttribute('localSheetId');
    const comment = e.getAttribute('comment') ?? undefined;
    names.push({ name, ref: `=${e.textContent ?? ''}`, ...(local !== null && local !== '' ? { scope: sheetNames[Number(local)] } : {}), ...(comment ? { comment } : {}) });
  }
  return names;
}

export async function readXlsx(bytes: Uint8Array | ArrayBuffer): Promise<WorkbookModel> {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch (error) {
    throw new XlsxFileError(`not a readable .xlsx workbook: ${error instanceof Error ? error.message : String(error)}`);
  }
  const zip = await JSZip.loadAsync(data);
  const workbookXml = await zip.file('xl/workbook.xml')?.async('string');
  if (workbookXml === undefined) throw new XlsxFileError('not a readable .xlsx workbook: xl/workbook.xml is missing');
  const results = await savedFormulaResults(zip, workbookXml);
  const sheets: ModelSheet[] = [];
  workbook.eachSheet((ws) => {
    const saved = results.get(ws.name);
    const cells = new Map<string, ModelCell>();
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        const v = cell.value as ExcelValue;
        const model: ModelCell = { value: cellValueOf(v) };
        if (v !== null && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) {
          const text = cell.formula;
          if (text) model.formula = `=${text}`;
          const fv = v as { shareType?: string; ref?: string; result?: unknown };
          if (fv.shareType === 'array' && fv.ref) model.arrayRef = fv.ref.replace(/\$/g, '').toUpperCase();
          if (fv.result === undefined) model.value = saved?.get(cell.address.toUpperCase()) ?? null;
        }
        if (cell.numFmt && cell.numFmt !== 'General') model.numFmt = cell.numFmt;
        if (cell.font?.bold) model.bold = true;
        cells.set(cell.address.toUpperCase(), model);
      });
    });
    const columnWidths: Record<string, number> = {};
    (ws.columns ?? []).forEach((c, i) => {
      if (c?.width !== undefined) columnWidths[columnLetters(i + 1)] = c.width;
    });
    sheets.push({ name: ws.name, cells, columnWidths });
  });
  return { sheets, names: namesOf(workbookXml, sheets.map((s) => s.name)) };
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Excel's prefix for functions newer than the file format (#NAME? in Excel without it). */
const FUTURE_FUNCTIONS = new Map<string, string>([
  ...['MINIFS', 'MAXIFS', 'IFS', 'SWITCH', 'TEXTJOIN', 'CONCAT', 'XLOOKUP', 'XMATCH', 'SEQUENCE', 'RANDARRAY', 'LET', 'HSTACK', 'VSTACK', 'TAKE', 'DROP', 'CHOOSECOLS', 'CHOOSEROWS', 'TOCOL', 'TOROW', 'EXPAND', 'SORTBY', 'IFNA', 'XOR'].map(
    (f): [string, string] => [f, `_xlfn.${f}`],
  ),
  ...['SORT', 'FILTER', 'UNIQUE'].map((f): [string, string] => [f, `_xlfn._xlws.${f}`]),
]);

/** A formula as the file stores it: no "=", newer functions prefixed. */
export function storedFormula(formula: string): string {
  try {
    return renderExpr(renameCalls(parseFormula(formula), (name) => FUTURE_FUNCTIONS.get(name.toUpperCase())));
  } catch {
    // A formula our reader does not follow (an external reference…) is kept as it is.
    return formula.replace(/^=/, '');
  }
}

function excelValue(cell: ModelCell): ExcelValue {
  const v = cell.value;
  const result = v === null ? undefined : typeof v === 'object' ? { error: v.error } : v;
  if (cell.formula === undefined) return (result ?? null) as ExcelValue;
  const formula = storedFormula(cell.formula);
  if (cell.arrayRef !== undefined) return { formula, result, shareType: 'array', ref: cell.arrayRef } as unknown as ExcelValue;
  return { formula, result } as ExcelValue;
}

/**
 * The model as an .xlsx file that Excel and LibreOffice recalculate in full on opening (its
 * cached values are shown only until then).
 */
export async function writeXlsx(model: WorkbookModel): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.calcProperties.fullCalcOnLoad = true;
  for (const sheet of model.sheets) {
    const ws = workbook.addWorksheet(sheet.name);
    for (const [address, cell] of sheet.cells) {
      const target = ws.getCell(address);
      target.value = excelValue(cell);
      if (cell.numFmt !== undefined) target.numFmt = cell.numFmt;
      if (cell.bold) target.font = { bold: true };
    }
    for (const [letter, width] of Object.entries(sheet.columnWidths ?? {})) ws.getColumn(letter).width = width;
  }
  const buffer = await workbook.xlsx.writeBuffer();
  const zip = await JSZip.loadAsync(buffer as ArrayBuffer);
  const path = 'xl/workbook.xml';
  const xml = await zip.file(path)!.async('string');
  const index = new Map(model.sheets.map((s, i) => [s.name.toLowerCase(), i]));
  const names = model.names
    .map((n) => {
      const local = n.scope === undefined ? '' : ` localSheetId="${index.get(n.scope.toLowerCase()) ?? 0}"`;
      const comment = n.comment ? ` comment="${escapeXml(n.comment)}"` : '';
      return `<definedName name="${escapeXml(n.name)}"${local}${comment}>${escapeXml(n.ref.replace(/^=/, ''))}</definedName>`;
    })
    .join('');
  const withoutNames = xml.replace(/<definedNames>[\s\S]*?<\/definedNames>|<definedNames\/>/, '');
  if (!withoutNames.includes('</sheets>')) throw new XlsxFileError('ExcelJS wrote a workbook without sheets');
  const patched = names === '' ? withoutNames : withoutNames.replace('</sheets>', `</sheets><definedNames>${names}</definedNames>`);
  zip.file(path, patched);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}
