/**
 * The batch runner's form as text fields, checked and turned into a game and a method. Each
 * problem is reported against the field that holds it, so the pane can show it under that field.
 */
import { parseNumberText } from '../../functions/cells';
import { isNucleolusMethod, type BatchMethod, type GameKind, type ScaleGame, type TableGame, type VotingGame } from './batchGame';
import { noImputationMessage } from './nucleolusCheck';
import { majorityQuota, SelectionError, tableFromGrid, weightedPlayersFromGrid, type SelectedCells, type TableFromCells, type WeightedPlayers } from './selection';

export interface BatchFormState {
  kind: GameKind;
  quota: string;
  halfSize: string;
  alpha: string;
  /** The nucleolus methods are offered for coalition tables only. */
  method: MethodChoice;
  stopBy: 'permutations' | 'error';
  permutations: string;
  targetStandardError: string;
  seed: string;
  antithetic: boolean;
  /** Stratified by coalition size with optimum allocation (Castro et al. 2017); a fixed budget only. */
  stratified: boolean;
  threshold: string;
  mode: 'market' | 'user';
}

export type MethodChoice = 'exact' | 'sampled' | 'nucleolus' | 'prenucleolus';

export type FormField = 'method' | 'cells' | 'quota' | 'halfSize' | 'alpha' | 'permutations' | 'targetStandardError' | 'seed' | 'threshold' | 'outputs' | 'items' | 'holders';
export type FormErrors = Partial<Record<FormField, string>>;

/** A 32-bit seed from the browser's generator (any whole number up to 2^53 − 1 is accepted). */
export function randomSeed(): number {
  const word = new Uint32Array(1);
  crypto.getRandomValues(word);
  return word[0];
}

export function initialForm(seed: number = randomSeed()): BatchFormState {
  return {
    kind: 'table',
    quota: '',
    halfSize: '',
    alpha: '1',
    method: 'sampled',
    stopBy: 'permutations',
    permutations: '2000',
    targetStandardError: '0.01',
    seed: String(seed),
    antithetic: false,
    stratified: false,
    threshold: '0.5',
    mode: 'market',
  };
}

export type ParsedCells = { kind: 'table'; source: string; table: TableFromCells } | { kind: 'voting' | 'saturatingScale'; source: string; players: WeightedPlayers };

/** Reads cells as the game `kind` expects them; throws SelectionError naming the row. */
export function parseCells(kind: Exclude<GameKind, 'similarity'>, cells: SelectedCells): ParsedCells {
  if (kind === 'table') return { kind, source: cells.source, table: tableFromGrid(cells.grid) };
  return { kind, source: cells.source, players: weightedPlayersFromGrid(cells.grid, kind === 'voting' ? 'weight' : 'size') };
}

/** "3 players: A, B, C" — what was read, for the user to check. */
export function summariseCells(parsed: ParsedCells): string {
  const players = parsed.kind === 'table' ? parsed.table.players : parsed.players.players;
  const shown = players.slice(0, 8).join(', ') + (players.length > 8 ? `, … (${players.length - 8} more)` : '');
  const extra = parsed.kind === 'table' ? `, ${parsed.table.values.length.toLocaleString('en-US')} coalitions` : '';
  return `${players.length} player${players.length === 1 ? '' : 's'}${extra} from ${parsed.source}: ${shown}`;
}

/** Suggested values for the game's own fields once its cells are read (quota, half size). */
export function suggestions(parsed: ParsedCells): Partial<BatchFormState> {
  if (parsed.kind === 'voting') return { quota: String(majorityQuota(parsed.players.amounts)) };
  if (parsed.kind === 'saturatingScale') {
    const { amounts } = parsed.players;
    const mean = amounts.reduce((a, b) => a + b, 0) / amounts.length;
    return { halfSize: String(mean > 0 ? Number(mean.toPrecision(3)) : 1) };
  }
  return {};
}

function positive(text: string, field: FormField, errors: FormErrors, what: string): number | undefined {
  const value = parseNumberText(text);
  if (value === undefined) errors[field] = text.trim() === '' ? `Give ${what}.` : `"${text}" is not a number.`;
  else if (!(value > 0)) errors[field] = `${what[0].toUpperCase()}${what.slice(1)} must be greater than 0.`;
  return value;
}

function wholeNumber(text: string, field: FormField, errors: FormErrors, least: number, what: string): number | undefined {
  const trimmed = text.trim().replace(/[,\s'_]/g, '');
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(value) || value < least) {
    errors[field] = `${what} must be a whole number of at least ${least.toLocaleString('en-US')}${trimmed === '' ? '' : `, got "${text}"`}.`;
    return undefined;
  }
  return value;
}

export function buildMethod(form: BatchFormState, errors: FormErrors): BatchMethod | undefined {
  if (form.method === 'exact') return { kind: 'exact' };
  if (form.method === 'nucleolus' || form.method === 'prenucleolus') return { kind: form.method };
  const seed = wholeNumber(form.seed, 'seed', errors, 0, 'The seed');
  let maxPermutations: number | undefined;
  let targetStandardError: number | undefined;
  const antithetic = form.antithetic && !form.stratified;
  if (form.stopBy === 'permutations') {
    maxPermutations = wholeNumber(form.permutations, 'permutations', errors, antithetic ? 2 : 1, 'The number of permutations');
  } else if (form.stratified) {
    errors.targetStandardError = 'Stratified sampling spends a fixed budget: stop after a number of permutations (their marginal contributions are its budget).';
  } else {
    targetStandardError = positive(form.targetStandardError, 'targetStandardError', errors, 'a target standard error');
  }
  if (seed === undefined || (maxPermutations === undefined && targetStandardError === undefined)) return undefined;
  return {
    kind: 'sampled',
    seed,
    antithetic,
    ...(form.stratified ? { stratified: true } : {}),
    ...(maxPermutations !== undefined ? { maxPermutations } : {}),
    ...(targetStandardError !== undefined ? { targetStandardError } : {}),
  };
}

export function buildGame(form: BatchFormState, parsed: ParsedCells | undefined, errors: FormErrors): TableGame | VotingGame | ScaleGame | undefined {
  if (!parsed || parsed.kind !== form.kind) {
    errors.cells = 'Read the game first: select its cells in the sheet and press "Use selected range", or paste them.';
    return undefined;
  }
  if (parsed.kind === 'table') return { kind: 'table', players: parsed.table.players, values: parsed.table.values, source: parsed.source };
  if (parsed.kind === 'voting') {
    const quota = positive(form.quota, 'quota', errors, 'a quota');
    if (quota === undefined || errors.quota) return undefined;
    const total = parsed.players.amounts.reduce((a, b) => a + b, 0);
    if (quota > total) {
      errors.quota = `The quota ${quota} is more than the total weight ${total}: no coalition could win.`;
      return undefined;
    }
    return { kind: 'voting', players: parsed.players.players, weights: parsed.players.amounts, quota, source: parsed.source };
  }
  const halfSize = positive(form.halfSize, 'halfSize', errors, 'a half size D₀');
  const alpha = positive(form.alpha, 'alpha', errors, 'an exponent α');
  if (halfSize === undefined || alpha === undefined || errors.halfSize || errors.alpha) return undefined;
  return { kind: 'saturatingScale', players: parsed.players.players, sizes: parsed.players.amounts, halfSize, alpha, source: parsed.source };
}

/** A nucleolus asked of a table that has none (no imputation): said under Method, with the way out. */
export function checkMethodForGame(game: TableGame | VotingGame | ScaleGame, method: BatchMethod, errors: FormErrors): void {
  if (!isNucleolusMethod(method)) return;
  if (game.kind !== 'table') {
    errors.method = 'The nucleolus is computed from a coalition table.';
    return;
  }
  if (method.kind === 'nucleolus') {
    const problem = noImputationMessage(game.values, game.players.length);
    if (problem) errors.method = problem;
  }
}

/** The similarity threshold: a cosine similarity, at most 1. */
export function buildThreshold(form: BatchFormState, errors: FormErrors): number | undefined {
  const value = parseNumberText(form.threshold);
  if (value === undefined || value < -1 || value > 1) {
    errors.threshold = `The threshold is a cosine similarity from −1 to 1${form.threshold.trim() ? `, got "${form.threshold}"` : ''}.`;
    return undefined;
  }
  return value;
}

/** npy, csv or parquet, from a file's name. */
export function datasetFormat(name: string): 'npy' | 'csv' | 'parquet' | undefined {
  const match = /\.(npy|csv|parquet)$/i.exec(name);
  return match ? (match[1].toLowerCase() as 'npy' | 'csv' | 'parquet') : undefined;
}

export { SelectionError };
