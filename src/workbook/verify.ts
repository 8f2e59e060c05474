/*
 * `partage verify` and the pane's "Verify figures": every partage figure of a workbook
 * recomputed from the inputs the file holds, and compared with what the file shows.
 * An original is read through its PARTAGE formulas; a copy for the other side through its
 * "About these figures" sheet, whose formulas are recomputed on the copy's inputs and whose
 * digests say whether those inputs are still the ones the figures were computed from.
 */
import { evaluateFigure, findFigures } from './figures';
import { readAboutSheet } from './copy';
import type { Matrix } from './evaluate';
import { boxCells, isErrorValue, parseBox, sheetNamed, type CellValue, type WorkbookModel } from './model';

export type Verdict = 'matches' | 'differs' | 'not checkable';

export interface FigureReport {
  /** "Sheet!B38:B42" */
  where: string;
  functions: string;
  verdict: Verdict;
  detail: string;
  /** The largest difference between a number in the file and its recomputed value. */
  difference?: number;
}

export interface VerifyReport {
  kind: 'original' | 'copy';
  figures: FigureReport[];
  /** True when every figure matches. */
  allMatch: boolean;
}

/** Relative tolerance: native formulas compute in binary floating point, the functions in exact decimals. */
export const TOLERANCE = 1e-9;

const show = (v: CellValue): string => (v === null ? 'empty' : isErrorValue(v) ? v.error : typeof v === 'string' ? `"${v}"` : String(v));

/** How the file's values stand against the recomputed ones. */
export function compareValues(saved: Matrix, recomputed: Matrix, range: string): { same: boolean; detail: string; difference?: number } {
  const rows = recomputed.length;
  const cols = recomputed[0]?.length ?? 0;
  if (saved.length !== rows || saved[0].length !== cols) {
    return { same: false, detail: `the file holds ${saved.length}×${saved[0].length} values, the inputs give ${rows}×${cols}` };
  }
  const box = parseBox(range);
  const addresses = boxCells(box);
  let difference = 0;
  let worst: string | undefined;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const a = saved[r][c];
      const b = recomputed[r][c];
      if (typeof a === 'number' && typeof b === 'number') {
        const d = Math.abs(a - b);
        if (d > TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b)) && d > difference) {
          difference = d;
          worst = `${addresses[r][c]}: the file shows ${show(a)}, the inputs give ${show(b)}`;
        }
        continue;
      }
      const same = (a === null && b === '') || (a === '' && b === null) || (isErrorValue(a) && isErrorValue(b) ? a.error === b.error : a === b);
      if (!same && worst === undefined) worst = `${addresses[r][c]}: the file shows ${show(a)}, the inputs give ${show(b)}`;
    }
  }
  if (worst === undefined) return { same: true, detail: rows * cols === 1 ? 'recomputed from the inputs in the file' : `${rows * cols} values recomputed from the inputs in the file` };
  return { same: false, detail: difference > 0 ? `differs by up to ${Number(difference.toPrecision(6))} (${worst})` : worst, ...(difference > 0 ? { difference } : {}) };
}

export async function verifyWorkbook(model: WorkbookModel): Promise<VerifyReport> {
  const about = readAboutSheet(model);
  const figures: FigureReport[] = [];
  if (about === undefined) {
    for (const f of findFigures(model)) {
      const where = `${f.sheet}!${f.range}`;
      const functions = f.functions.map((n) => `PARTAGE.${n}`).join(', ');
      const evaluated = await evaluateFigure(model, f.sheet, f.formula);
      if (evaluated.result === undefined) {
        figures.push({ where, functions, verdict: 'not checkable', detail: evaluated.notCheckable ?? 'not evaluated' });
        continue;
      }
      const c = compareValues(f.saved, evaluated.result, f.range);
      figures.push({ where, functions, verdict: c.same ? 'matches' : 'differs', detail: c.detail, ...(c.difference !== undefined ? { difference: c.difference } : {}) });
    }
  } else {
    for (const row of about) {
      const where = `${row.sheet}!${row.range}`;
      const sheet = sheetNamed(model, row.sheet);
      const functions = (/PARTAGE\.([A-Z]+)/.exec(row.formula)?.[0] ?? 'PARTAGE').toString();
      if (sheet === undefined) {
        figures.push({ where, functions, verdict: 'not checkable', detail: `the sheet ${row.sheet} is no longer in the file` });
        continue;
      }
      const evaluated = await evaluateFigure(model, row.sheet, row.formula);
      if (evaluated.result === undefined) {
        figures.push({ where, functions, verdict: 'not checkable', detail: evaluated.notCheckable ?? 'not evaluated' });
        continue;
      }
      const saved = boxCells(parseBox(row.range)).map((r) => r.map((a) => sheet.cells.get(a)?.value ?? null));
      const c = compareValues(saved, evaluated.result, row.range);
      if (evaluated.digest !== row.digest) {
        figures.push({
          where,
          functions,
          verdict: 'differs',
          detail: `its inputs are no longer those the figure was computed from (digest ${evaluated.digest?.slice(0, 12) ?? '?'}…, the About sheet says ${row.digest.slice(0, 12)}…)${c.same ? '' : `; ${c.detail}`}`,
          ...(c.difference !== undefined ? { difference: c.difference } : {}),
        });
        continue;
      }
      figures.push({ where, functions, verdict: c.same ? 'matches' : 'differs', detail: c.same ? `${c.detail}; digest checked` : c.detail, ...(c.difference !== undefined ? { difference: c.difference } : {}) });
    }
  }
  return { kind: about === undefined ? 'original' : 'copy', figures, allMatch: figures.every((f) => f.verdict === 'matches') };
}

/** The report as a table for a terminal. */
export function formatReport(report: VerifyReport, file: string): string {
  const header = ['Figure', 'Function', 'Result', 'Detail'];
  const rows = report.figures.map((f) => [f.where, f.functions, f.verdict, f.detail]);
  const widths = header.map((h, j) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[j].length))));
  const line = (cells: string[]): string => cells.map((c, j) => (j === cells.length - 1 ? c : c.padEnd(widths[j]))).join('  ');
  const counts = (['matches', 'differs', 'not checkable'] as const).map((v) => `${report.figures.filter((f) => f.verdict === v).length} ${v === 'matches' ? 'match' : v === 'differs' ? 'differ' : 'not checkable'}`);
  const title = `${file}: ${report.kind === 'copy' ? 'a copy for the other side (checked through its About sheet)' : 'a workbook with partage formulas'}`;
  if (report.figures.length === 0) return `${title}\nNo partage figure found.\n`;
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), `${report.figures.length} figures: ${counts.join(', ')}.`, ''].join('\n');
}
