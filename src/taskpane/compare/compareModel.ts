/*
 * The compare-methods screen's model: a coalition table (read by the batch runner's reader, the
 * same code as PARTAGE.SHAPLEY), optional a priori unions, and the pane's preview of every
 * method, computed by calling the functions through the registry (the adapters Excel calls), so
 * that the preview and the sheet agree. A function that is missing from this build or refuses
 * the table is shown with its message instead of a column of numbers.
 */
import { findFunction, callFunction } from '../../functions/registry';
import { FunctionError } from '../../functions/errors';
import { gridFromText, SelectionError, tableFromGrid, type Grid } from '../batch/selection';
import { parseGroups, GroupsError } from '../multistage/groups';

export interface CompareInputs {
  title: string;
  /** Where the table came from: "Sheet1!A1:B8", "pasted cells", "Box 3 example". */
  source: string;
  players: string[];
  /** v(S) for every mask (bit i ↔ players[i]). */
  values: number[];
  /** The union of each player, in players order; absent without unions. */
  unions?: string[];
}

export type MethodKey = 'shapley' | 'banzhaf' | 'leaveOneOut' | 'nucleolus' | 'owen' | 'proRata';

export type NucleolusKind = 'nucleolus' | 'prenucleolus';

export const METHOD_TITLES: Readonly<Record<MethodKey, string>> = {
  shapley: 'Shapley',
  banzhaf: 'Banzhaf (scaled to v(N))',
  leaveOneOut: 'Leave-one-out (scaled to v(N))',
  nucleolus: 'Nucleolus',
  owen: 'Owen',
  proRata: 'Pro rata of stand-alone values',
};

/** The methods shown for these inputs, in column order. */
export function methodsFor(inputs: Pick<CompareInputs, 'unions'>): MethodKey[] {
  return ['shapley', 'banzhaf', 'leaveOneOut', 'nucleolus', ...(inputs.unions !== undefined ? (['owen'] as const) : []), 'proRata'];
}

/** Masks by size, then in player order within a size: ∅, A, B, C, A,B, A,C, B,C, A,B,C. */
export function coalitionOrder(n: number): number[] {
  const masks = Array.from({ length: 1 << n }, (_, m) => m);
  const size = (m: number): number => {
    let c = 0;
    for (let x = m; x !== 0; x &= x - 1) c += 1;
    return c;
  };
  return masks.sort((a, b) => size(a) - size(b) || a - b);
}

/** A coalition as the sheet writes it, and PARTAGE.* read it: "A,B"; the empty one "∅". */
export function coalitionLabel(mask: number, players: readonly string[]): string {
  if (mask === 0) return '∅';
  return players.filter((_, i) => (mask >> i) & 1).join(',');
}

/** The three first arguments of the coalition functions, as Excel would pass them. */
export function functionArguments(inputs: Pick<CompareInputs, 'players' | 'values'>): { coalitions: string[][]; values: number[][]; players: string[][] } {
  const order = coalitionOrder(inputs.players.length);
  return {
    coalitions: order.map((m) => [coalitionLabel(m, inputs.players)]),
    values: order.map((m) => [inputs.values[m]]),
    players: inputs.players.map((p) => [p]),
  };
}

/** The stand-alone value v({i}) of each player. */
export function standAlone(inputs: Pick<CompareInputs, 'players' | 'values'>): number[] {
  return inputs.players.map((_, i) => inputs.values[1 << i]);
}

export function grandValue(inputs: Pick<CompareInputs, 'players' | 'values'>): number {
  return inputs.values[(1 << inputs.players.length) - 1];
}

/**
 * The nucleolus needs an imputation (xᵢ ≥ v({i}), Σ xᵢ = v(N)); there is none when the
 * stand-alone values add up to more than v(N), and the pre-nucleolus is shown instead. The sheet
 * decides with the same comparison, live (SUM(StandAlone) > GrandValue).
 */
export function nucleolusKind(inputs: Pick<CompareInputs, 'players' | 'values'>): NucleolusKind {
  const sum = standAlone(inputs).reduce((a, b) => a + b, 0);
  return sum > grandValue(inputs) ? 'prenucleolus' : 'nucleolus';
}

export function nucleolusExplanation(inputs: Pick<CompareInputs, 'players' | 'values'>): string {
  const sum = standAlone(inputs).reduce((a, b) => a + b, 0);
  const vn = grandValue(inputs);
  return nucleolusKind(inputs) === 'prenucleolus'
    ? `The stand-alone values sum to ${formatNumber(sum)}, more than v(N) = ${formatNumber(vn)}: no split gives every player at least its stand-alone value (no imputation), so the pre-nucleolus is shown.`
    : `The stand-alone values sum to ${formatNumber(sum)}, at most v(N) = ${formatNumber(vn)}: the nucleolus over imputations is shown.`;
}

export function formatNumber(x: number): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** One method's column: the allocation (or why there is none) and its core check. */
export interface MethodPreview {
  method: MethodKey;
  title: string;
  values?: number[];
  /** Before scaling to v(N) (Banzhaf, leave-one-out). */
  rawTotal?: number;
  error?: string;
  core?: { coalition: string; excess: number } | { error: string };
}

/** A function called as Excel calls it; NUCLEOLUS answers asynchronously (its LP solver loads on demand). */
async function call(name: string, args: unknown[]): Promise<unknown[][]> {
  const spec = findFunction(name);
  if (spec === undefined) throw new Error(`PARTAGE.${name} is not available in this version of the add-in`);
  const result = await callFunction(spec, args);
  if (!Array.isArray(result)) throw new Error(`PARTAGE.${name} returned ${String(result)}, not a table`);
  return result as unknown[][];
}

function messageOf(error: unknown): string {
  if (error instanceof FunctionError) return `${error.code} ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function column(rows: unknown[][], k: number, name: string): number[] {
  return rows.map((row, r) => {
    const x = row[k];
    if (typeof x !== 'number') throw new Error(`PARTAGE.${name}, row ${r + 1}: expected a number, got ${JSON.stringify(x)}`);
    return x;
  });
}

/** x scaled so that it sums to v(N), as the sheet's formula does; unscaled when it sums to 0. */
export function scaleToGrand(x: readonly number[], grand: number): number[] {
  const sum = x.reduce((a, b) => a + b, 0);
  return sum === 0 ? [...x] : x.map((v) => (v * grand) / sum);
}

/** Every method's allocation and COREGAP, as the sheet's formulas will give them. */
export async function previewMethods(inputs: CompareInputs): Promise<MethodPreview[]> {
  const args = functionArguments(inputs);
  const grand = grandValue(inputs);
  const kind = nucleolusKind(inputs);
  const unionsArg = inputs.unions?.map((u, i) => [inputs.players[i], u]);
  return Promise.all(methodsFor(inputs).map(async (method) => {
    const title = method === 'nucleolus' ? (kind === 'prenucleolus' ? 'Pre-nucleolus' : 'Nucleolus') : METHOD_TITLES[method];
    const preview: MethodPreview = { method, title };
    try {
      switch (method) {
        case 'shapley':
          preview.values = column(await call('SHAPLEY', [args.coalitions, args.values, args.players]), 1, 'SHAPLEY');
          break;
        case 'banzhaf':
        case 'leaveOneOut': {
          const name = method === 'banzhaf' ? 'BANZHAF' : 'LEAVEONEOUT';
          const raw = column(await call(name, [args.coalitions, args.values, args.players]), 1, name);
          preview.rawTotal = raw.reduce((a, b) => a + b, 0);
          preview.values = scaleToGrand(raw, grand);
          break;
        }
        case 'nucleolus':
          preview.values = column(await call('NUCLEOLUS', [args.coalitions, args.values, args.players, kind]), 1, 'NUCLEOLUS');
          break;
        case 'owen':
          preview.values = column(await call('OWEN', [args.coalitions, args.values, unionsArg]), 2, 'OWEN');
          break;
        case 'proRata':
          preview.values = scaleToGrand(standAlone(inputs), grand);
          break;
      }
    } catch (error) {
      preview.error = messageOf(error);
      return preview;
    }
    try {
      const gap = await call('COREGAP', [args.coalitions, args.values, preview.values!.map((v) => [v]), args.players]);
      const [coalition, excess] = gap[0] ?? [];
      preview.core = { coalition: String(coalition), excess: Number(excess) };
    } catch (error) {
      preview.core = { error: messageOf(error) };
    }
    return preview;
  }));
}

/** The sheet's verdict formula, in words: "stable", or who would gain what alone. */
export function verdict(core: { coalition: string; excess: number }): string {
  return core.excess <= 0 ? 'stable' : `${core.coalition} would gain ${formatNumber(core.excess)} alone`;
}

// ---------------------------------------------------------------------------------------------
// Reading the form

export interface CompareDraft {
  title: string;
  /** Cells pasted (tab-separated) or typed; empty when the selection is used. */
  tableText: string;
  /** The selected range, once read. */
  selection?: { source: string; grid: Grid };
  unionsText: string;
  /** What the pasted text is, when the pane put it there (the example, a reopened sheet); cleared on edit. */
  sourceLabel?: string;
}

export interface CompareValidation {
  inputs?: CompareInputs;
  /** Problems of the table (naming its row) and of the unions (naming their line). */
  tableError?: string;
  unionsError?: string;
}

export function validateCompare(draft: CompareDraft): CompareValidation {
  const out: CompareValidation = {};
  let table: { players: string[]; values: number[]; source: string } | undefined;
  try {
    if (draft.selection !== undefined && draft.tableText.trim() === '') {
      table = { ...tableFromGrid(draft.selection.grid), source: draft.selection.source };
    } else if (draft.tableText.trim() !== '') {
      table = { ...tableFromGrid(gridFromText(draft.tableText)), source: draft.sourceLabel ?? 'pasted cells' };
    } else {
      out.tableError = 'Paste a coalition table (coalition, value), or select one in the sheet and press Use selection.';
    }
  } catch (error) {
    if (!(error instanceof SelectionError)) throw error;
    // Pasted text has lines, not the selection's rows.
    out.tableError = draft.tableText.trim() === '' ? error.message : error.message.replace(/^selection, row (\d+)/, 'Pasted cells, line $1').replace(/^selection\b/, 'Pasted cells');
  }
  if (table !== undefined && table.players.length < 2) {
    out.tableError = `The table has ${table.players.length} player: methods differ only from two players on.`;
    table = undefined;
  }
  let unions: string[] | undefined;
  if (draft.unionsText.trim() !== '') {
    try {
      const entries = parseGroups(draft.unionsText, 'Unions', 'player', 'union');
      if (table !== undefined) {
        const byPlayer = new Map(entries.map((e) => [e.member.toLowerCase(), e]));
        const players = new Set(table.players.map((p) => p.toLowerCase()));
        for (const e of entries) {
          if (!players.has(e.member.toLowerCase())) throw new GroupsError(`Unions, line ${e.line}: "${e.member}" is not a player of the coalition table (${table.players.join(', ')})`);
        }
        const missing = table.players.filter((p) => !byPlayer.has(p.toLowerCase()));
        if (missing.length > 0) throw new GroupsError(`Unions: ${missing.map((m) => `"${m}"`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} no union; give every player of the table one`);
        unions = table.players.map((p) => byPlayer.get(p.toLowerCase())!.group);
      }
    } catch (error) {
      if (!(error instanceof GroupsError)) throw error;
      out.unionsError = error.message;
    }
  }
  if (table !== undefined && out.unionsError === undefined) {
    out.inputs = {
      title: draft.title.trim() === '' ? `Coalition table (${table.source})` : draft.title.trim(),
      source: table.source,
      players: table.players,
      values: table.values,
      ...(unions !== undefined ? { unions } : {}),
    };
  }
  return out;
}

/**
 * The report's Box 3 (CSPLA, appendices): three rightholders A (landscapes), B (portraits), C
 * (abstract art) and the utilities it gives for every subset. Its printed averages are not the
 * Shapley values of this table; the pane computes them. The core of this game is empty.
 */
export const BOX3_TEXT = ['Coalition\tUtility', '∅\t0', 'A\t50', 'B\t40', 'C\t30', 'A,B\t80', 'A,C\t80', 'B,C\t60', 'A,B,C\t100'].join('\n');

export function box3Draft(): CompareDraft {
  return { title: 'Box 3 example (CSPLA report)', tableText: BOX3_TEXT, unionsText: '', sourceLabel: 'Box 3 example' };
}

export function emptyCompareDraft(): CompareDraft {
  return { title: '', tableText: '', unionsText: '' };
}

/** The form's content for stored inputs (reopening a compare sheet). */
export function draftFromCompareInputs(inputs: CompareInputs): CompareDraft {
  const order = coalitionOrder(inputs.players.length);
  const tableText = ['Coalition\tValue', ...order.map((m) => `${coalitionLabel(m, inputs.players)}\t${inputs.values[m]}`)].join('\n');
  const unionsText = inputs.unions === undefined ? '' : inputs.players.map((p, i) => `${p}\t${inputs.unions![i]}`).join('\n');
  return { title: inputs.title, tableText, unionsText, sourceLabel: inputs.source };
}
