/*
 * The open workbook as the workbook model (src/workbook/model.ts), so that the pane makes the
 * copy for the other side and verifies the figures with the same code as `partage copy` and
 * `partage verify`: every sheet's used range (values, formulas, number formats), the names of
 * the workbook and of each sheet, and the range each formula spills to (ExcelApi 1.12): the
 * copy writes a spilling formula as an array formula over that range, as Excel saves one.
 */
import { ERROR_VALUES } from '../../workbook/errorValues';
import type { CellValue, ModelCell, ModelName, ModelSheet, WorkbookModel } from '../../workbook/model';
import { addressOf, parseReference } from '../../workbook/model';

function valueOf(v: unknown): CellValue {
  if (v === '' || v === null || v === undefined) return null;
  if (typeof v === 'string' && ERROR_VALUES.has(v)) return { error: v };
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/** "'Deals 1'!A1:H40" → its top-left row and column (1-based). */
function topLeft(address: string): { row: number; column: number } {
  const { box } = parseReference(address, '');
  return { row: box.top, column: box.left };
}

export async function readOpenWorkbook(context: Excel.RequestContext): Promise<WorkbookModel> {
  const worksheets = context.workbook.worksheets;
  worksheets.load('items/name');
  const workbookNames = context.workbook.names;
  workbookNames.load('items/name,items/formula,items/comment');
  await context.sync();
  const loaded = worksheets.items.map((sheet) => {
    const used = sheet.getUsedRangeOrNullObject();
    used.load('address,values,formulas,numberFormat');
    sheet.names.load('items/name,items/formula,items/comment');
    return { sheet, used };
  });
  await context.sync();

  const sheets: ModelSheet[] = [];
  const names: ModelName[] = workbookNames.items.map((n) => ({ name: n.name, ref: String(n.formula), ...(n.comment ? { comment: n.comment } : {}) }));
  const spills: { sheet: ModelSheet; address: string; range: Excel.Range }[] = [];
  for (const { sheet, used } of loaded) {
    const cells = new Map<string, ModelCell>();
    const model: ModelSheet = { name: sheet.name, cells };
    sheets.push(model);
    for (const n of sheet.names.items) names.push({ name: n.name, scope: sheet.name, ref: String(n.formula), ...(n.comment ? { comment: n.comment } : {}) });
    if (used.isNullObject) continue;
    const origin = topLeft(used.address);
    used.values.forEach((row, r) =>
      row.forEach((v, c) => {
        const formula = used.formulas[r]?.[c];
        const numberFormat = used.numberFormat?.[r]?.[c];
        const hasFormula = typeof formula === 'string' && formula.startsWith('=');
        const value = valueOf(v);
        if (!hasFormula && value === null) return;
        const address = addressOf({ row: origin.row + r, column: origin.column + c });
        const cell: ModelCell = { value, ...(hasFormula ? { formula } : {}), ...(typeof numberFormat === 'string' && numberFormat !== 'General' ? { numFmt: numberFormat } : {}) };
        cells.set(address, cell);
        if (hasFormula) {
          const spill = sheet.getRange(address).getSpillingToRangeOrNullObject();
          spill.load('address');
          spills.push({ sheet: model, address, range: spill });
        }
      }),
    );
  }
  if (spills.length > 0) await context.sync();
  for (const { sheet, address, range } of spills) {
    if (range.isNullObject) continue;
    const { box } = parseReference(range.address, sheet.name);
    if (box.top !== box.bottom || box.left !== box.right) sheet.cells.get(address)!.arrayRef = range.address.split('!').pop()!.replace(/\$/g, '');
  }
  return { sheets, names };
}
