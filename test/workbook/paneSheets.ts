/*
 * The sheets the pane writes, computed by spreadsheet engines: LibreOffice headless for Excel's
 * own formulas (SUM, NPV, MINIFS, the break-even arithmetic, and the native forms of
 * TRANSFERBASE, PURPOSESHARE and LICENCEPAYMENTS), and our adapters for the other PARTAGE
 * functions (through verify's evaluator). The workbook goes to LibreOffice as the copy for the
 * other side, whose remaining PARTAGE figures are values: rounds alternate — PARTAGE figures
 * from the current values, then LibreOffice for the rest — until the PARTAGE figures no longer
 * change (they may read native cells, which may read them).
 */
import { makeCopy } from '../../src/workbook/copy';
import { evaluateFormula } from '../../src/workbook/evaluate';
import { evaluateFigure, findFigures } from '../../src/workbook/figures';
import { addressOf, boxCells, parseBox, sheetNamed, type CellValue, type ModelCell, type ModelSheet, type WorkbookModel } from '../../src/workbook/model';
import { readXlsx, writeXlsx } from '../../src/workbook/xlsxFile';
import type { WorkbookState } from '../taskpane/excelMock';
import { recalculateWithLibreOffice } from './libreoffice';

/** What the mock workbook holds (the pane's writers wrote it), as the workbook model. */
export function modelOfMock(state: WorkbookState): WorkbookModel {
  const sheets: ModelSheet[] = state.sheets.map((s) => {
    const cells = new Map<string, ModelCell>();
    for (const [address, c] of s.cells) {
      const value = c.value === '' || c.value === undefined ? null : (c.value as CellValue);
      if (c.formula === undefined && value === null) continue;
      cells.set(address, { value: c.formula !== undefined ? null : value, ...(c.formula ? { formula: c.formula } : {}), ...(c.numberFormat ? { numFmt: c.numberFormat } : {}) });
    }
    return { name: s.name, cells };
  });
  const names = state.sheets.flatMap((s) => s.names.map((n) => ({ name: n.name, scope: s.name, ref: n.reference })));
  return { sheets, names };
}

/**
 * Excel 365 saves a native formula that spills (a pro rata over a column, say) as an array
 * formula over its range; the mock does not compute, so the range is found here by evaluating
 * the formula's shape with verify's evaluator (formulas it does not read are left as they are).
 */
async function markSpills(model: WorkbookModel): Promise<void> {
  for (const sheet of model.sheets) {
    for (const [address, cell] of sheet.cells) {
      if (cell.formula === undefined || cell.arrayRef !== undefined || /PARTAGE\./i.test(cell.formula)) continue;
      try {
        const result = await evaluateFormula(cell.formula, { model, sheet: sheet.name });
        const anchor = parseBox(address);
        if (result.length * result[0].length > 1) cell.arrayRef = `${address}:${addressOf({ row: anchor.top + result.length - 1, column: anchor.left + result[0].length - 1 })}`;
      } catch {
        // Not ours to read: LibreOffice computes it as written.
      }
    }
  }
}

/** Computes the PARTAGE figures of `model` in place from its current values; true when one changed. */
async function partagePass(model: WorkbookModel): Promise<boolean> {
  let changed = false;
  for (const figure of findFigures(model)) {
    const sheet = sheetNamed(model, figure.sheet)!;
    const { result } = await evaluateFigure(model, figure.sheet, figure.formula);
    if (result === undefined) continue;
    const anchor = parseBox(figure.anchor);
    const box = { top: anchor.top, left: anchor.left, bottom: anchor.top + result.length - 1, right: anchor.left + result[0].length - 1 };
    const cell = sheet.cells.get(figure.anchor)!;
    if (result.length * result[0].length > 1) cell.arrayRef = `${figure.anchor}:${addressOf({ row: box.bottom, column: box.right })}`;
    boxCells(box).forEach((row, r) =>
      row.forEach((a, c) => {
        const target = sheet.cells.get(a) ?? { value: null };
        if (JSON.stringify(target.value) !== JSON.stringify(result[r][c])) changed = true;
        target.value = result[r][c];
        sheet.cells.set(a, target);
      }),
    );
  }
  return changed;
}

/**
 * The workbook with every value computed: PARTAGE figures by our functions, the rest by
 * LibreOffice. Returns what LibreOffice saved (the copy, with its About sheet).
 */
export async function computedByEngines(model: WorkbookModel, rounds = 4): Promise<WorkbookModel> {
  let computed: WorkbookModel | undefined;
  await markSpills(model);
  for (let round = 0; round < rounds; round++) {
    const changed = await partagePass(model);
    if (computed !== undefined && !changed) return computed;
    const { model: copy } = await makeCopy(model);
    computed = await readXlsx(await recalculateWithLibreOffice(await writeXlsx(copy)));
    // LibreOffice's values back into the original for the next round (formulas kept).
    for (const sheet of model.sheets) {
      const theirs = sheetNamed(computed, sheet.name)!;
      for (const [a, cell] of sheet.cells) {
        if (cell.formula !== undefined && !/PARTAGE\./i.test(cell.formula)) cell.value = theirs.cells.get(a)?.value ?? null;
      }
      for (const [a, c] of theirs.cells) if (!sheet.cells.has(a) && c.formula === undefined && c.value !== null) sheet.cells.set(a, { value: c.value });
    }
  }
  return computed!;
}

export function valueAt(model: WorkbookModel, sheet: string, address: string): CellValue | undefined {
  return sheetNamed(model, sheet)?.cells.get(address)?.value;
}
