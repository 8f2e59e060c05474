/*
 * A pool distribution sheet: the usage log and the pool's parameters as named, editable inputs;
 * the three distribution models side by side as live PARTAGE.POOLSPLIT formulas; what each
 * holder wins or loses under user- and artist-centric against market-centric, with Excel's own
 * formulas (differences, MAX/MIN/MATCH for the biggest winner and loser, a SORTBY ranking); two
 * charts; notes; and the inputs kept in custom properties so that the pane edits the sheet again.
 *
 * Names (scoped to the sheet): PoolAmount, Threshold ([minimum plays; minimum distinct users]),
 * Boost, UserCap (empty: no cap), Decimals, Usage (the log), and over the results Holders,
 * Market, UserCentric, ArtistCentric, UserGain, ArtistGain. The results are sized to the holders
 * of the log as written; the formulas spill, so an edited log recalculates, and Update from the
 * pane resizes the table when holders are added.
 */
import { ENGINE_VERSION } from '../../engine/version';
import type { Cell } from '../../functions/cells';
import type { PoolInputs } from '../pools/poolModel';
import { cellAddress, rangeAddress } from './a1';
import { writeSheetPlan, type SheetCell, type SheetName, type SheetNote, type SheetPlan } from './plannedSheet';
import type { SourceNoteMode } from './pressSheet';
import { payloadFromProperties, StoredSheetError, type StoreKind } from './sheetStore';

export const POOL_STORE: StoreKind = { key: 'partage.pools', version: 1, what: 'pool distribution' };
export const POOL_CHART_NAME = 'partage pool models';
export const POOL_CHANGE_CHART_NAME = 'partage pool winners and losers';
export const POOL_PREFIX = 'Pools';

export const POOL_NAMES = {
  amount: 'PoolAmount',
  threshold: 'Threshold',
  boost: 'Boost',
  userCap: 'UserCap',
  decimals: 'Decimals',
  usage: 'Usage',
  holders: 'Holders',
  market: 'Market',
  user: 'UserCentric',
  artist: 'ArtistCentric',
  userGain: 'UserGain',
  artistGain: 'ArtistGain',
} as const;

const N = POOL_NAMES;
const ARGS = `${N.amount},${N.usage}`;
const OPTIONS = `${N.threshold},${N.boost},${N.decimals},${N.userCap}`;

/** The live formula of one model: `=PARTAGE.POOLSPLIT(PoolAmount,Usage,"user",Threshold,Boost,Decimals,UserCap)`. */
export function poolCall(mode: 'market' | 'user' | 'artist'): string {
  return `PARTAGE.POOLSPLIT(${ARGS},"${mode}",${OPTIONS})`;
}

/** "#,##0.00" for 2 decimals, "#,##0" for none. */
export function amountFormat(decimals: number): string {
  const d = Math.max(0, Math.min(10, Math.floor(decimals)));
  return d === 0 ? '#,##0' : `#,##0.${'0'.repeat(d)}`;
}

/** Gains with their sign, losses with a minus, no change as 0. */
export function changeFormat(decimals: number): string {
  const f = amountFormat(decimals);
  return `+${f};-${f};${f.replace('#,##', '')}`;
}

export interface PoolSheetPlan extends SheetPlan {
  /** Rows of the models table: header, first and last holder. */
  table: { header: number; first: number; last: number; total: number };
  /** The winners/losers summary (label rows) and the ranked lists' first row. */
  winners: { winnerRow: number; gainRow: number; loserRow: number; lossRow: number; betterRow: number; worseRow: number; rankedHeader: number };
  usage: { header: number; first: number; last: number; address: string; width: number; values: Array<Array<string | number>> };
  holders: string[];
}

const NOTES = {
  market: 'PARTAGE.POOLSPLIT, market-centric (Spotify’s model): the pool shared pro rata of all counted plays; this formula spills the holders and their amounts. Holders below the threshold are left out and their plays leave the pool.',
  user: 'PARTAGE.POOLSPLIT, user-centric: each user who has a counted play carries an equal part of the pool, split by that user’s own plays. A heavy listener no longer weighs more than a light one.',
  artist:
    'PARTAGE.POOLSPLIT, artist-centric (Deezer and Universal): plays of holders that reach the threshold count Boost times, others once; an active play (sought out, not served) counts Boost times again; the cap per user scales down heavy listeners.',
  userGain: 'Excel formula: user-centric minus market-centric. Positive: the holder gains from the switch; negative: it loses. The column sums to 0, since both split the same pool.',
  artistGain: 'Excel formula: artist-centric minus market-centric. The column sums to 0.',
  threshold: 'Threshold: a holder counts (market, user) or is boosted (artist) only with at least this many plays and this many distinct users, counted before any cap. 0 and 0: no threshold.',
  boost: 'Boost: at least 1 (at most 100, three decimals); 2 makes a boosted play count twice, and an active boosted play four times.',
  userCap: 'Cap per user: a user with more plays than this has each play scaled by cap ÷ that user’s plays (Deezer: 1,000 a month). Empty: no cap.',
  ranking: 'Excel formula: SORTBY over Holders and the change, largest gain first, largest loss last (equal changes keep the log’s order).',
} as const;

export function planPoolSheet(inputs: PoolInputs, holders: readonly string[]): PoolSheetPlan {
  const cells: SheetCell[] = [];
  const names: SheetName[] = [];
  const notes: SheetNote[] = [];
  const put = (address: string, cell: Omit<SheetCell, 'address'>): void => {
    cells.push({ address, ...cell });
  };
  const name = (n: string, address: string, comment: string): void => {
    names.push({ name: n, address, comment: comment.slice(0, 255) });
  };
  const note = (address: string, text: string): void => {
    notes.push({ address, text: `${text} Engine ${ENGINE_VERSION}.` });
  };
  const money = amountFormat(inputs.decimals);
  const signed = changeFormat(inputs.decimals);
  const h = Math.max(1, holders.length);

  put('A1', { value: `Pool distribution: ${inputs.title}`, style: 'title' });
  put('A2', {
    value:
      'The same pool and the same usage log under the three distribution models fought over in music streaming (CSPLA report §4.2.3). Every figure is a live formula: edit an input (orange) or the log below and the models, the winners and losers and the charts recalculate.',
    style: 'intro',
  });
  put('A3', { value: `Usage log from ${inputs.source}, ${inputs.usage.length} rows; engine ${ENGINE_VERSION}.`, style: 'muted' });

  put('A5', { value: 'Inputs', style: 'section' });
  put('A6', { value: 'Pool amount' });
  put('B6', { value: inputs.amount, numberFormat: money, style: 'input' });
  put('A7', { value: 'Threshold: minimum plays per holder' });
  put('B7', { value: inputs.minPlays, numberFormat: 'General', style: 'input' });
  put('A8', { value: 'Threshold: minimum distinct users per holder' });
  put('B8', { value: inputs.minUsers, numberFormat: 'General', style: 'input' });
  put('A9', { value: 'Boost (artist-centric)' });
  put('B9', { value: inputs.boost, numberFormat: 'General', style: 'input' });
  put('A10', { value: 'Cap per user, in plays (empty: none)' });
  put('B10', { ...(inputs.userCap !== undefined ? { value: inputs.userCap } : {}), numberFormat: 'General', style: 'input' });
  put('A11', { value: 'Decimals' });
  put('B11', { value: inputs.decimals, numberFormat: 'General', style: 'input' });
  name(N.amount, 'B6', 'The pool shared among the holders');
  name(N.threshold, 'B7:B8', 'Minimum plays and minimum distinct users a holder needs to count (market, user) or be boosted (artist)');
  name(N.boost, 'B9', 'Artist-centric: how many times a play of a holder above the threshold counts');
  name(N.userCap, 'B10', 'Plays per user above which the user’s plays are scaled down; empty: no cap');
  name(N.decimals, 'B11', 'Decimals of the amounts; the rounding is by largest remainder, so each model sums exactly to the pool');
  note('B7', NOTES.threshold);
  note('B9', NOTES.boost);
  note('B10', NOTES.userCap);

  // The models, side by side.
  const header = 14;
  const first = header + 1;
  const last = header + h;
  const total = last + 1;
  put('A13', { value: 'The three models, side by side', style: 'section' });
  ['Holder', 'Market-centric', 'User-centric', 'Artist-centric', 'User − market', 'Artist − market'].forEach((title, c) => put(cellAddress(c, header), { value: title, style: 'header' }));
  put(`A${first}`, { formula: `=${poolCall('market')}` });
  put(`C${first}`, { formula: `=INDEX(${poolCall('user')},0,2)`, numberFormat: money });
  put(`D${first}`, { formula: `=INDEX(${poolCall('artist')},0,2)`, numberFormat: money });
  note(`A${first}`, NOTES.market);
  note(`C${first}`, NOTES.user);
  note(`D${first}`, NOTES.artist);
  note(`E${first}`, NOTES.userGain);
  note(`F${first}`, NOTES.artistGain);
  for (let row = first; row <= last; row++) {
    // The spills' other cells get the format, not a formula.
    if (row > first) put(`A${row}`, { numberFormat: '@' });
    put(`B${row}`, { numberFormat: money });
    if (row > first) {
      put(`C${row}`, { numberFormat: money });
      put(`D${row}`, { numberFormat: money });
    }
  }
  for (let row = first; row <= last; row++) {
    put(`E${row}`, { formula: `=C${row}-B${row}`, numberFormat: signed });
    put(`F${row}`, { formula: `=D${row}-B${row}`, numberFormat: signed });
  }
  put(`A${total}`, { value: 'Total', style: 'keyResult' });
  for (const [col, format] of [['B', money], ['C', money], ['D', money], ['E', signed], ['F', signed]] as const) {
    put(`${col}${total}`, { formula: `=SUM(${col}${first}:${col}${last})`, numberFormat: format, style: 'keyResult' });
  }
  name(N.holders, `A${first}:A${last}`, 'The holders, in order of first appearance in the log');
  name(N.market, `B${first}:B${last}`, 'Market-centric amounts');
  name(N.user, `C${first}:C${last}`, 'User-centric amounts');
  name(N.artist, `D${first}:D${last}`, 'Artist-centric amounts');
  name(N.userGain, `E${first}:E${last}`, 'User-centric minus market-centric, per holder');
  name(N.artistGain, `F${first}:F${last}`, 'Artist-centric minus market-centric, per holder');

  // Winners and losers.
  const w = total + 2;
  put(`A${w}`, { value: 'Winners and losers against market-centric', style: 'section' });
  put(`B${w + 1}`, { value: 'User-centric', style: 'header' });
  put(`C${w + 1}`, { value: 'Artist-centric', style: 'header' });
  const winnerRow = w + 2;
  const gainRow = w + 3;
  const loserRow = w + 4;
  const lossRow = w + 5;
  const betterRow = w + 6;
  const worseRow = w + 7;
  put(`A${winnerRow}`, { value: 'Biggest winner' });
  put(`A${gainRow}`, { value: 'Its gain' });
  put(`A${loserRow}`, { value: 'Biggest loser' });
  put(`A${lossRow}`, { value: 'Its loss' });
  put(`A${betterRow}`, { value: 'Holders better off' });
  put(`A${worseRow}`, { value: 'Holders worse off' });
  for (const [col, gain] of [['B', N.userGain], ['C', N.artistGain]] as const) {
    put(`${col}${winnerRow}`, { formula: `=IF(MAX(${gain})>0,INDEX(${N.holders},MATCH(MAX(${gain}),${gain},0)),"no one gains")`, style: 'keyResult' });
    put(`${col}${gainRow}`, { formula: `=MAX(${gain})`, numberFormat: signed, style: 'keyResult' });
    put(`${col}${loserRow}`, { formula: `=IF(MIN(${gain})<0,INDEX(${N.holders},MATCH(MIN(${gain}),${gain},0)),"no one loses")`, style: 'keyResult' });
    put(`${col}${lossRow}`, { formula: `=MIN(${gain})`, numberFormat: signed, style: 'keyResult' });
    put(`${col}${betterRow}`, { formula: `=COUNTIF(${gain},">0")`, numberFormat: 'General' });
    put(`${col}${worseRow}`, { formula: `=COUNTIF(${gain},"<0")`, numberFormat: 'General' });
  }
  const rankedHeader = worseRow + 3;
  put(`A${rankedHeader - 1}`, { value: 'Every holder, largest gain first', style: 'section' });
  put(`A${rankedHeader}`, { value: 'Holder', style: 'header' });
  put(`B${rankedHeader}`, { value: 'User − market', style: 'header' });
  put(`D${rankedHeader}`, { value: 'Holder', style: 'header' });
  put(`E${rankedHeader}`, { value: 'Artist − market', style: 'header' });
  put(`A${rankedHeader + 1}`, { formula: `=SORTBY(CHOOSE({1,2},${N.holders},${N.userGain}),${N.userGain},-1)` });
  put(`D${rankedHeader + 1}`, { formula: `=SORTBY(CHOOSE({1,2},${N.holders},${N.artistGain}),${N.artistGain},-1)` });
  note(`A${rankedHeader + 1}`, NOTES.ranking);
  for (let k = 1; k <= h; k++) {
    put(`B${rankedHeader + k}`, { numberFormat: signed });
    put(`E${rankedHeader + k}`, { numberFormat: signed });
  }

  // Charts, then the log (it can be long, so nothing comes after it).
  const chartTop = rankedHeader + h + 2;
  const charts: SheetPlan['charts'] = [
    {
      name: POOL_CHART_NAME,
      type: 'ColumnClustered',
      title: 'The pool by distribution model',
      seriesAddress: `B${header}:D${last}`,
      seriesCount: 3,
      categoriesAddress: `A${first}:A${last}`,
      topLeft: `A${chartTop}`,
      bottomRight: `F${chartTop + 17}`,
    },
    {
      name: POOL_CHANGE_CHART_NAME,
      type: 'ColumnClustered',
      title: 'Gain or loss against market-centric',
      seriesAddress: `E${header}:F${last}`,
      seriesCount: 2,
      categoriesAddress: `A${first}:A${last}`,
      topLeft: `A${chartTop + 19}`,
      bottomRight: `F${chartTop + 36}`,
    },
  ];

  const logSection = chartTop + 38;
  const logHeader = logSection + 1;
  const logFirst = logHeader + 1;
  const width = inputs.usage.some((row) => row.length > 3) ? 4 : 3;
  const logLast = logFirst + inputs.usage.length - 1;
  put(`A${logSection}`, { value: 'Usage log (one row per user and holder)', style: 'section' });
  ['User', 'Holder', 'Plays', 'Active plays'].slice(0, width).forEach((title, c) => put(cellAddress(c, logHeader), { value: title, style: 'header' }));
  // The log goes in as blocks of cells (writeUsage), not cell by cell: it can be long.
  const usageValues = inputs.usage.map((row) => Array.from({ length: width }, (_, c) => logCell(row[c])));
  const usageAddress = rangeAddress(0, logFirst, width - 1, logLast);
  name(N.usage, usageAddress, width === 4 ? 'The usage log: user, holder, plays, active plays (sought out rather than served)' : 'The usage log: user, holder, plays');

  const columnWidths = [
    { column: 'A', points: 220 },
    ...['B', 'C', 'D', 'E', 'F'].map((column) => ({ column, points: 105 })),
  ];
  return {
    cells,
    names,
    notes,
    charts,
    columnWidths,
    table: { header, first, last, total },
    winners: { winnerRow, gainRow, loserRow, lossRow, betterRow, worseRow, rankedHeader },
    usage: { header: logHeader, first: logFirst, last: logLast, address: usageAddress, width, values: usageValues },
    holders: [...holders],
  };
}

function logCell(value: Cell | undefined): string | number {
  if (value === null || value === undefined) return '';
  return typeof value === 'boolean' ? String(value) : value;
}

/** Rows per request when writing the log: Office.js refuses very large payloads. */
const LOG_BLOCK_ROWS = 5_000;
const INPUT_FILL = '#FFCC99';
const INPUT_FONT = '#3F3F76';

async function writeUsage(context: Excel.RequestContext, sheetName: string, plan: PoolSheetPlan): Promise<void> {
  const sheet = context.workbook.worksheets.getItem(sheetName);
  const { first, width, values } = plan.usage;
  const formats = ['@', '@', 'General', 'General'].slice(0, width);
  for (let at = 0; at < values.length; at += LOG_BLOCK_ROWS) {
    const block = values.slice(at, at + LOG_BLOCK_ROWS);
    const range = sheet.getRange(rangeAddress(0, first + at, width - 1, first + at + block.length - 1));
    range.numberFormat = block.map(() => formats);
    range.values = block;
    range.format.fill.color = INPUT_FILL;
    range.format.font.color = INPUT_FONT;
    await context.sync();
  }
}

/**
 * A log of more than this many rows is not copied into the custom properties (255-character
 * parts): the sheet's Usage range is read back instead, and only its size is kept.
 */
export const STORED_LOG_ROWS = 1_000;

export type StoredPoolInputs = Omit<PoolInputs, 'usage'> & { usage?: Cell[][]; usageRows: number };

export function storedPayload(inputs: PoolInputs): StoredPoolInputs {
  const { usage, ...rest } = inputs;
  return { ...rest, usageRows: usage.length, ...(usage.length <= STORED_LOG_ROWS ? { usage } : {}) };
}

export interface PoolWriteOptions {
  sheetName?: string;
  sourceNotes: SourceNoteMode;
}

/** `holders`: the log's holders (from the pane's preview), which size the results table. */
export async function writePoolSheet(
  context: Excel.RequestContext,
  inputs: PoolInputs,
  holders: readonly string[],
  options: PoolWriteOptions,
): Promise<{ sheetName: string; plan: PoolSheetPlan }> {
  const plan = planPoolSheet(inputs, holders);
  const { sheetName } = await writeSheetPlan(context, plan, {
    prefix: POOL_PREFIX,
    sheetName: options.sheetName,
    sourceNotes: options.sourceNotes,
    store: { kind: POOL_STORE, payload: storedPayload(inputs) },
  });
  await writeUsage(context, sheetName, plan);
  return { sheetName, plan };
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function isLogRow(row: unknown): row is Cell[] {
  return Array.isArray(row) && (row.length === 3 || row.length === 4) && row.every((c) => c === null || ['string', 'number', 'boolean'].includes(typeof c));
}

/** The stored inputs, checked; undefined when the sheet has none. */
export function poolInputsFromProperties(sheetName: string, items: ReadonlyArray<{ key: string; value: string }>): StoredPoolInputs | undefined {
  const payload = payloadFromProperties(sheetName, POOL_STORE, items) as Partial<StoredPoolInputs> | undefined;
  if (payload === undefined) return undefined;
  const bad = (detail: string): never => {
    throw new StoredSheetError(sheetName, POOL_STORE.what, detail);
  };
  if (typeof payload.title !== 'string' || typeof payload.source !== 'string') bad('title or source missing');
  for (const key of ['amount', 'minPlays', 'minUsers', 'boost', 'decimals'] as const) if (!finite(payload[key])) bad(`${key}: expected a number`);
  if (payload.userCap !== undefined && !finite(payload.userCap)) bad('userCap: expected a number');
  if (!Number.isInteger(payload.usageRows) || payload.usageRows! < 1) bad('usageRows: expected a number of rows');
  if (payload.usage !== undefined && (!Array.isArray(payload.usage) || payload.usage.length !== payload.usageRows || !payload.usage.every(isLogRow))) {
    bad('usage: expected rows of three or four cells');
  }
  return payload as StoredPoolInputs;
}

export interface PoolSheetInputs {
  sheetName: string;
  inputs: PoolInputs;
  warnings: string[];
}

/**
 * A pool sheet as it stands: the stored inputs with the current contents of the named input
 * cells and of the log taken over; undefined when the sheet is not a pool sheet.
 */
export async function readPoolSheet(context: Excel.RequestContext, sheet: Excel.Worksheet): Promise<PoolSheetInputs | undefined> {
  sheet.load('name');
  const properties = sheet.customProperties;
  properties.load('items/key,items/value');
  await context.sync();
  const stored = poolInputsFromProperties(sheet.name, properties.items.map((i) => ({ key: i.key, value: i.value })));
  if (stored === undefined) return undefined;
  const range = (name: string): Excel.Range => {
    const r = sheet.names.getItemOrNullObject(name).getRangeOrNullObject();
    r.load('values');
    return r;
  };
  const ranges = { amount: range(N.amount), threshold: range(N.threshold), boost: range(N.boost), userCap: range(N.userCap), decimals: range(N.decimals), usage: range(N.usage) };
  await context.sync();
  const warnings: string[] = [];
  const { usageRows, usage: storedUsage, ...rest } = stored;
  const inputs: PoolInputs = { ...rest, usage: (storedUsage ?? []).map((row) => [...row]) };
  const single = (key: 'amount' | 'boost' | 'decimals', name: string): void => {
    const r = ranges[key];
    const value = r.isNullObject ? undefined : r.values[0]?.[0];
    if (finite(value)) inputs[key] = value;
    else warnings.push(`${name} holds ${r.isNullObject ? 'nothing (the name is gone)' : JSON.stringify(value)}, not a number: the stored ${rest[key]} is shown`);
  };
  single('amount', N.amount);
  single('boost', N.boost);
  single('decimals', N.decimals);
  const cap = ranges.userCap.isNullObject ? undefined : ranges.userCap.values[0]?.[0];
  if (finite(cap)) inputs.userCap = cap;
  else if (cap === '' || cap === null) delete inputs.userCap;
  else warnings.push(`${N.userCap} holds ${JSON.stringify(cap)}, not a number: the stored cap is shown`);
  const t = ranges.threshold;
  if (t.isNullObject || t.values.length !== 2) warnings.push(`The name ${N.threshold} no longer covers two cells: the stored threshold is shown`);
  else {
    const [plays, users] = [t.values[0][0], t.values[1][0]];
    if (finite(plays)) inputs.minPlays = plays;
    else warnings.push(`${N.threshold} row 1 holds ${JSON.stringify(plays)}, not a number: the stored minimum plays are shown`);
    if (finite(users)) inputs.minUsers = users;
    else warnings.push(`${N.threshold} row 2 holds ${JSON.stringify(users)}, not a number: the stored minimum users are shown`);
  }
  const u = ranges.usage;
  if (u.isNullObject || u.values.length === 0) {
    warnings.push(
      storedUsage !== undefined
        ? `The name ${N.usage} no longer covers the log: the stored log is shown`
        : `The name ${N.usage} no longer covers the log, and a log of ${usageRows} rows is not stored with the sheet: select it and press Use selection`,
    );
  } else inputs.usage = (u.values as Cell[][]).filter((row) => row.some((c) => c !== '' && c !== null)).map((row) => [...row]);
  return { sheetName: sheet.name, inputs, warnings };
}

export async function readActivePoolSheet(context: Excel.RequestContext): Promise<PoolSheetInputs | undefined> {
  return readPoolSheet(context, context.workbook.worksheets.getActiveWorksheet());
}
