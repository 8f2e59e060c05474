/*
 * The partage figures of a workbook: every cell whose formula calls a PARTAGE function, with the
 * cells it fills (a spilled result is saved as an array formula over its range) and the values
 * the file holds there; and what identifies a figure's computation across copies: a SHA-256
 * digest of the function's name and the arguments it was given.
 */
import { findFunction } from '../functions/registry';
import { evaluateFormula, NotCheckableError, type Matrix, type PartageCall } from './evaluate';
import { callsOf, canonicalPartageFormula, parseFormula, partageFunctionName } from './formula';
import { boxCells, parseBox, type WorkbookModel } from './model';

export interface Figure {
  sheet: string;
  /** The formula's cell. */
  anchor: string;
  /** The cells it fills: its array range, or the anchor. */
  range: string;
  /** As Excel shows it with the add-in: PARTAGE calls spelt PARTAGE.NAME. */
  formula: string;
  /** The PARTAGE functions it calls, outermost first. */
  functions: string[];
  /** The values saved in the file over the range. */
  saved: Matrix;
}

export function findFigures(model: WorkbookModel): Figure[] {
  const figures: Figure[] = [];
  for (const sheet of model.sheets) {
    for (const [address, cell] of sheet.cells) {
      if (cell.formula === undefined || !/PARTAGE/i.test(cell.formula)) continue;
      let tree;
      try {
        tree = parseFormula(cell.formula);
      } catch {
        continue;
      }
      const functions = callsOf(tree).flatMap((c) => {
        const name = partageFunctionName(c.name);
        return name === undefined ? [] : [name];
      });
      if (functions.length === 0) continue;
      const range = cell.arrayRef ?? address;
      const saved = boxCells(parseBox(range)).map((row) => row.map((a) => sheet.cells.get(a)?.value ?? null));
      figures.push({ sheet: sheet.name, anchor: address, range, formula: canonicalPartageFormula(cell.formula), functions, saved });
    }
  }
  return figures;
}

/** How each function computes, for the provenance of a figure. */
export const METHODS: Readonly<Record<string, string>> = {
  SHAPLEY: 'exact, over every coalition',
  BANZHAF: 'exact, over every coalition',
  OWEN: 'exact, over every coalition, with a priori unions',
  LEAVEONEOUT: 'exact',
  NUCLEOLUS: 'sequential linear programs (HiGHS)',
  COREGAP: 'exact, by enumeration of coalitions',
  VOTINGPOWER: 'exact, by dynamic programming',
  SIMILARITYSPLIT: 'exact, Shapley value of the max game',
  RIGHTSMAP: 'exact, largest-remainder rounding',
  TRANSFERBASE: 'exact decimal arithmetic',
  PURPOSESHARE: 'exact decimal arithmetic',
  PAYTOTRAIN: 'exact, largest-remainder rounding',
  LICENCEPAYMENTS: 'exact decimal arithmetic',
  POOLSPLIT: 'exact, largest-remainder rounding',
};

/**
 * Canonical JSON of a call: the function's name and its arguments as the adapter received them,
 * one per parameter (an omitted one null), so that F(a, b) and F(a, b, ) digest alike.
 */
export function callText(call: Pick<PartageCall, 'name' | 'args'>): string {
  const count = Math.max(findFunction(call.name)?.parameters.length ?? 0, call.args.length);
  return JSON.stringify([call.name, Array.from({ length: count }, (_, i) => call.args[i] ?? null)]);
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface EvaluatedFigure {
  /** What the formula gives on the file's inputs. */
  result?: Matrix;
  /** The outermost PARTAGE call's digest. */
  digest?: string;
  /** Why it could not be evaluated. */
  notCheckable?: string;
}

/** Evaluates a figure's formula on the inputs in `model` (the original, or a copy that kept them). */
export async function evaluateFigure(model: WorkbookModel, sheet: string, formula: string): Promise<EvaluatedFigure> {
  const calls: PartageCall[] = [];
  try {
    const result = await evaluateFormula(formula, { model, sheet, calls });
    // The last call recorded is the outermost: its arguments are evaluated (and recorded) first.
    const outer = calls[calls.length - 1];
    return { result, digest: outer === undefined ? undefined : await sha256Hex(callText(outer)) };
  } catch (error) {
    if (error instanceof NotCheckableError) return { notCheckable: error.message };
    return { notCheckable: `the formula cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

