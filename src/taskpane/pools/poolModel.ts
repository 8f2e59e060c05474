/*
 * The pool distribution screen's model: one usage log [user, holder, plays, (activePlays)], a
 * pool amount and the parameters of PARTAGE.POOLSPLIT, and the pane's preview of the three
 * distribution models (market-, user-, artist-centric) with who wins and who loses against
 * market-centric. The log is checked, and the preview computed, by calling POOLSPLIT through the
 * registry (the adapter Excel calls): the pane and the sheet cannot disagree on what a valid log
 * is or on a cent.
 */
import { isEmptyCell, parseNumberText, type Cell } from '../../functions/cells';
import { FunctionError } from '../../functions/errors';
import { callFunction, FUNCTIONS } from '../../functions/registry';
import { gridFromText, SelectionError, type Grid } from '../batch/selection';

export type PoolMode = 'market' | 'user' | 'artist';
export const POOL_MODES: readonly PoolMode[] = ['market', 'user', 'artist'];

export const MODE_TITLES: Readonly<Record<PoolMode, string>> = {
  market: 'Market-centric',
  user: 'User-centric',
  artist: 'Artist-centric',
};

/**
 * The most log rows the pane copies onto a sheet. Excel's grid stops at 1,048,576 rows, and a
 * log copied cell by cell through Office.js, then read by three live formulas on every edit, is
 * slow well before that; larger logs belong to a streamed job over the log file.
 */
export const POOL_SHEET_ROW_LIMIT = 100_000;

export interface PoolInputs {
  title: string;
  /** "Sheet1!A1:D50", "pasted cells", "README example". */
  source: string;
  amount: number;
  /** The log without its header or blank rows: [user, holder, plays] or [user, holder, plays, activePlays]. */
  usage: Cell[][];
  minPlays: number;
  minUsers: number;
  boost: number;
  decimals: number;
  /** Plays per user above which a user's plays are scaled down; absent: no cap. */
  userCap?: number;
}

/** POOLSPLIT's arguments after `usage`, as the sheet passes them (threshold a column). */
export function poolArguments(inputs: PoolInputs, mode: PoolMode): unknown[] {
  return [[[inputs.amount]], inputs.usage, [[mode]], [[inputs.minPlays], [inputs.minUsers]], [[inputs.boost]], [[inputs.decimals]], [[inputs.userCap ?? '']]];
}

export interface HolderChange {
  holder: string;
  /** The model's amount minus the market-centric amount. */
  change: number;
}

export interface PoolPreview {
  holders: string[];
  amounts: Readonly<Record<PoolMode, number[]>>;
  /** Per holder, user-centric − market-centric and artist-centric − market-centric. */
  changes: Readonly<Record<'user' | 'artist', number[]>>;
}

function call(inputs: PoolInputs, mode: PoolMode): Array<[string, number]> {
  const result = callFunction(FUNCTIONS.POOLSPLIT, poolArguments(inputs, mode));
  if (!Array.isArray(result)) throw new Error(`PARTAGE.POOLSPLIT returned ${String(result)}, not a table`);
  return result as Array<[string, number]>;
}

/** The difference as the sheet's `=C15-B15` gives it, rounded to the pool's decimals (no float dust). */
function difference(a: number, b: number, decimals: number): number {
  const d = Number((a - b).toFixed(decimals));
  return d === 0 ? 0 : d;
}

/** The three models on the same log; POOLSPLIT lists every holder, in the log's order, in every mode. */
export async function previewPools(inputs: PoolInputs): Promise<PoolPreview> {
  const rows = Object.fromEntries(POOL_MODES.map((mode) => [mode, call(inputs, mode)])) as Record<PoolMode, Array<[string, number]>>;
  const holders = rows.market.map((r) => String(r[0]));
  const amounts = Object.fromEntries(POOL_MODES.map((mode) => [mode, rows[mode].map((r) => Number(r[1]))])) as Record<PoolMode, number[]>;
  const changes = {
    user: amounts.user.map((x, h) => difference(x, amounts.market[h], inputs.decimals)),
    artist: amounts.artist.map((x, h) => difference(x, amounts.market[h], inputs.decimals)),
  };
  return { holders, amounts, changes };
}

/** Largest gain first, largest loss last; equal changes keep the log's order (as SORTBY does). */
export function ranked(holders: readonly string[], changes: readonly number[]): HolderChange[] {
  return holders.map((holder, h) => ({ holder, change: changes[h], h })).sort((a, b) => b.change - a.change || a.h - b.h).map(({ holder, change }) => ({ holder, change }));
}

/** The biggest winner and loser, as the sheet's MAX/MATCH formulas pick them (the first holder on a tie); none when nobody gains or loses. */
export function extremes(holders: readonly string[], changes: readonly number[]): { winner?: HolderChange; loser?: HolderChange } {
  const max = Math.max(...changes);
  const min = Math.min(...changes);
  return {
    ...(max > 0 ? { winner: { holder: holders[changes.indexOf(max)], change: max } } : {}),
    ...(min < 0 ? { loser: { holder: holders[changes.indexOf(min)], change: min } } : {}),
  };
}

export function formatAmount(x: number, decimals: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function formatChange(x: number, decimals: number): string {
  return x > 0 ? `+${formatAmount(x, decimals)}` : x < 0 ? `−${formatAmount(-x, decimals)}` : formatAmount(0, decimals);
}

// ---------------------------------------------------------------------------------------------
// Reading the form

export interface PoolDraft {
  title: string;
  amountText: string;
  /** Cells pasted (tab-separated) or typed; empty when the selection is used. */
  usageText: string;
  selection?: { source: string; grid: Grid };
  minPlaysText: string;
  minUsersText: string;
  boostText: string;
  userCapText: string;
  decimalsText: string;
  /** What the pasted text is when the pane put it there (the example, a reopened sheet); cleared on edit. */
  sourceLabel?: string;
}

export type PoolField = 'amount' | 'usage' | 'threshold' | 'boost' | 'userCap' | 'decimals';

export interface PoolValidation {
  inputs?: PoolInputs;
  errors: Partial<Record<PoolField, string>>;
  /** Rows of the log (after its header and blank rows). */
  rows?: number;
}

const FIELD_LABELS: Readonly<Record<Exclude<PoolField, 'usage' | 'threshold'>, string>> = {
  amount: 'Pool amount',
  boost: 'Boost',
  userCap: 'Cap per user',
  decimals: 'Decimals',
};

/** A typed number: undefined when empty; an error naming the field for anything but a number. */
function numberField(text: string, label: string): number | undefined | { error: string } {
  if (text.trim() === '') return undefined;
  const x = parseNumberText(text);
  return x === undefined ? { error: `${label}: expected a number, got "${text.trim()}"` } : x;
}

/** Log cells as Excel would hold them: numbers for the plays columns, text elsewhere. */
function cellOf(cell: Cell, column: number): Cell {
  if (column < 2 || typeof cell !== 'string') return cell;
  if (cell.trim() === '') return '';
  return parseNumberText(cell) ?? cell;
}

/** The log's rows without a header (a first row whose plays cell is text) and without blank rows, as POOLSPLIT skips them. */
function dataRows(grid: Grid): Cell[][] {
  return grid
    .map((row) => row.map(cellOf))
    .filter((row, r) => {
      if (row.every((c) => isEmptyCell(c))) return false;
      return !(r === 0 && typeof row[2] === 'string' && !isEmptyCell(row[2]));
    });
}

/**
 * Rewrites POOLSPLIT's places in the log ("usage, row 3, column 3") as lines of the pasted
 * text or rows of the selection; the function counts the rows of the grid it is given, which is
 * the grid of the text or of the selection itself.
 */
function inLog(message: string, pasted: boolean): string {
  const where = pasted ? 'Usage log, line' : 'selection, row';
  return message
    .replace(/^usage, row (\d+)(?:, column (\d+))?/, (_all, row: string, column?: string) => `${where} ${row}${column === undefined ? '' : `, column ${column} (${['user', 'holder', 'plays', 'active plays'][Number(column) - 1]})`}`)
    .replace(/^usage\b/, pasted ? 'Usage log' : 'selection');
}

function fieldOf(message: string): PoolField {
  if (/^amount\b/.test(message)) return 'amount';
  if (/^(threshold|minimum plays|minimum distinct users)\b/.test(message)) return 'threshold';
  if (/^boost\b/.test(message)) return 'boost';
  if (/^userCap\b/.test(message)) return 'userCap';
  if (/^decimals\b/.test(message)) return 'decimals';
  return 'usage';
}

export function validatePools(draft: PoolDraft): PoolValidation {
  const errors: PoolValidation['errors'] = {};
  const read = (field: Exclude<PoolField, 'usage' | 'threshold'>, text: string): number | undefined => {
    const x = numberField(text, FIELD_LABELS[field]);
    if (typeof x === 'object') {
      errors[field] = x.error;
      return undefined;
    }
    return x;
  };
  const amount = read('amount', draft.amountText);
  if (draft.amountText.trim() === '') errors.amount = 'Pool amount: type the amount to share (e.g. a month of subscription revenue for rightholders)';
  const boost = read('boost', draft.boostText) ?? 2;
  const decimals = read('decimals', draft.decimalsText) ?? 2;
  const userCap = read('userCap', draft.userCapText);
  const minPlays = numberField(draft.minPlaysText, 'Threshold, minimum plays');
  const minUsers = numberField(draft.minUsersText, 'Threshold, minimum distinct users');
  if (typeof minPlays === 'object') errors.threshold = minPlays.error;
  else if (typeof minUsers === 'object') errors.threshold = minUsers.error;

  const pasted = draft.usageText.trim() !== '' || draft.selection === undefined;
  let grid: Grid | undefined;
  try {
    if (!pasted) grid = draft.selection!.grid;
    else if (draft.usageText.trim() !== '') grid = gridFromText(draft.usageText);
    else errors.usage = 'Paste a usage log (user, holder, plays, and optionally active plays), or select one in the sheet and press Use selection.';
  } catch (error) {
    if (!(error instanceof SelectionError)) throw error;
    errors.usage = error.message;
  }
  if (grid === undefined) return { errors };
  const rows = dataRows(grid);
  if (rows.length > POOL_SHEET_ROW_LIMIT) {
    errors.usage = `The log has ${rows.length.toLocaleString('en-US')} rows: too large for a sheet written by the pane (at most ${POOL_SHEET_ROW_LIMIT.toLocaleString('en-US')}). Split a log this size from its file with the companion's streaming job, or type =PARTAGE.POOLSPLIT on the range where the log already is.`;
    return { errors, rows: rows.length };
  }
  // The function itself judges the log, in every mode (a log can be valid in one and not
  // another: no counted play once the threshold leaves everyone out); its places are those of
  // the grid as pasted or selected, header and blank rows included. A parameter that is missing
  // or unreadable is replaced by its default for this check, so that the log is judged anyway.
  const valid = (x: unknown): x is number => typeof x === 'number';
  const inputs: PoolInputs = {
    title: draft.title.trim() === '' ? `Usage log (${pasted ? (draft.sourceLabel ?? 'pasted cells') : draft.selection!.source})` : draft.title.trim(),
    source: pasted ? (draft.sourceLabel ?? 'pasted cells') : draft.selection!.source,
    amount: amount ?? 1,
    usage: rows,
    minPlays: valid(minPlays) ? minPlays : 0,
    minUsers: valid(minUsers) ? minUsers : 0,
    boost,
    decimals,
    ...(userCap !== undefined ? { userCap } : {}),
  };
  const asGiven: PoolInputs = { ...inputs, usage: grid.map((row) => row.map(cellOf)) };
  for (const mode of POOL_MODES) {
    try {
      call(asGiven, mode);
    } catch (error) {
      if (!(error instanceof FunctionError)) throw error;
      const message = inLog(error.message, pasted);
      const field = fieldOf(message);
      errors[field] ??= `${error.code} ${mode === 'market' ? '' : `(${MODE_TITLES[mode].toLowerCase()}) `}${message}`;
      break;
    }
  }
  if (Object.keys(errors).length > 0) return { errors, rows: rows.length };
  return { inputs, errors, rows: rows.length };
}

/** The log of the README's worked example (DESIGN §7.2), with its pool of 100 and threshold {5, 2}. */
export const EXAMPLE_LOG = ['User\tHolder\tPlays\tActive', 'U1\tA\t6\t2', 'U1\tB\t2\t0', 'U2\tA\t1\t0', 'U2\tC\t1\t1', 'U3\tB\t10\t0'].join('\n');

export function exampleDraft(): PoolDraft {
  return {
    title: 'Worked example (README)',
    amountText: '100',
    usageText: EXAMPLE_LOG,
    minPlaysText: '5',
    minUsersText: '2',
    boostText: '2',
    userCapText: '',
    decimalsText: '2',
    sourceLabel: 'README example',
  };
}

export function emptyPoolDraft(): PoolDraft {
  return { title: '', amountText: '', usageText: '', minPlaysText: '', minUsersText: '', boostText: '', userCapText: '', decimalsText: '' };
}

/** The form's content for stored inputs (reopening a pool sheet). */
export function draftFromPoolInputs(inputs: PoolInputs): PoolDraft {
  const four = inputs.usage.some((row) => row.length > 3);
  const header = four ? 'User\tHolder\tPlays\tActive' : 'User\tHolder\tPlays';
  const lines = inputs.usage.map((row) => row.slice(0, four ? 4 : 3).map((c) => (c === null || c === undefined ? '' : String(c))).join('\t'));
  return {
    title: inputs.title,
    amountText: String(inputs.amount),
    usageText: [header, ...lines].join('\n'),
    minPlaysText: String(inputs.minPlays),
    minUsersText: String(inputs.minUsers),
    boostText: String(inputs.boost),
    userCapText: inputs.userCap === undefined ? '' : String(inputs.userCap),
    decimalsText: String(inputs.decimals),
    sourceLabel: inputs.source,
  };
}
