/*
 * A compare-methods sheet: the coalition table (and unions) copied onto the sheet as named,
 * editable inputs, every method as one live formula that spills one value per player, each
 * method's PARTAGE.COREGAP with a verdict in words, a clustered column chart of the methods by
 * player, and the inputs kept in custom properties so that the pane edits the sheet again.
 *
 * Names (scoped to the sheet): Coalitions, Values (the table), Players, StandAlone, GrandValue
 * (v(N)), NucleolusKind, and Unions when given. Methods that do not split v(N) by themselves
 * (Banzhaf, leave-one-out) are scaled to v(N) with Excel's own arithmetic, like the pro-rata
 * column, so that COREGAP can judge them; their unscaled sums are shown below the table.
 */
import { ENGINE_VERSION } from '../../engine/version';
import { coalitionLabel, coalitionOrder, methodsFor, type CompareInputs, type MethodKey } from '../compare/compareModel';
import { cellAddress, columnLetter, rangeAddress } from './a1';
import { writeSheetPlan, type SheetCell, type SheetName, type SheetNote, type SheetPlan } from './plannedSheet';
import type { SourceNoteMode } from './pressSheet';
import { payloadFromProperties, StoredSheetError, type StoreKind } from './sheetStore';

export const COMPARE_STORE: StoreKind = { key: 'partage.compare', version: 1, what: 'compare methods' };
export const COMPARE_CHART_NAME = 'partage methods';
export const COMPARE_PREFIX = 'Compare';

export const COMPARE_NAMES = {
  coalitions: 'Coalitions',
  values: 'Values',
  players: 'Players',
  unions: 'Unions',
  standAlone: 'StandAlone',
  grandValue: 'GrandValue',
  nucleolusKind: 'NucleolusKind',
} as const;

const ALLOCATION_FORMAT = '#,##0.00';
const TABLE_FIRST_ROW = 7;

export interface CompareSheetPlan extends SheetPlan {
  /** The allocation column of each method, first to last player ("C20:C22"). */
  methodRanges: Array<{ method: MethodKey; range: string; coalition: string; excess: string; verdict: string }>;
  /** Rows of the coalition table, in sheet order (masks). */
  coalitionMasks: number[];
}

const N = COMPARE_NAMES;
const ARGS = `${N.coalitions},${N.values},${N.players}`;

/** The spilled values column of a [player, value] function. */
function valuesOf(call: string): string {
  return `INDEX(${call},0,2)`;
}

/** v(N)-scaled, as the pane's scaleToGrand: unscaled when the sum is 0. */
function scaled(call: string): string {
  return `=LET(x,${valuesOf(call)},IF(SUM(x)=0,x,x*${N.grandValue}/SUM(x)))`;
}

const METHOD_FORMULAS: Readonly<Record<MethodKey, string>> = {
  shapley: `=${valuesOf(`PARTAGE.SHAPLEY(${ARGS})`)}`,
  banzhaf: scaled(`PARTAGE.BANZHAF(${ARGS})`),
  leaveOneOut: scaled(`PARTAGE.LEAVEONEOUT(${ARGS})`),
  nucleolus: `=${valuesOf(`PARTAGE.NUCLEOLUS(${ARGS},${N.nucleolusKind})`)}`,
  owen: `=INDEX(PARTAGE.OWEN(${N.coalitions},${N.values},${N.unions}),0,3)`,
  // Excel's own arithmetic: no partage function where Excel has one.
  proRata: `=IF(SUM(${N.standAlone})=0,${N.standAlone},${N.grandValue}*${N.standAlone}/SUM(${N.standAlone}))`,
};

const METHOD_HEADERS: Readonly<Record<MethodKey, { value?: string; formula?: string }>> = {
  shapley: { value: 'Shapley' },
  banzhaf: { value: 'Banzhaf (scaled to v(N))' },
  leaveOneOut: { value: 'Leave-one-out (scaled to v(N))' },
  nucleolus: { formula: `=IF(${N.nucleolusKind}="prenucleolus","Pre-nucleolus","Nucleolus")` },
  owen: { value: 'Owen (a priori unions)' },
  proRata: { value: 'Pro rata of stand-alone values' },
};

const METHOD_NOTES: Readonly<Record<MethodKey, string>> = {
  shapley: 'PARTAGE.SHAPLEY: exact Shapley value, each player’s marginal contribution averaged over all orders of arrival.',
  banzhaf: 'PARTAGE.BANZHAF: raw Banzhaf value (marginal contribution averaged over all coalitions of the others), scaled here to v(N) so that it is a split of v(N).',
  leaveOneOut:
    'PARTAGE.LEAVEONEOUT: v(N) − v(N∖{i}), scaled here to v(N). The report (§4.1.1) warns against it: two duplicate catalogues both get 0.',
  nucleolus:
    'PARTAGE.NUCLEOLUS: the split that makes the most dissatisfied coalition as little dissatisfied as possible, then the next (Schmeidler); the pre-nucleolus when no imputation exists (see NucleolusKind). Exact up to the LP solver’s tolerance.',
  owen: 'PARTAGE.OWEN: Owen value with a priori unions (the unions arrive in random order, the members of each together, in random order).',
  proRata: 'Excel formula: v(N) × v({i}) / Σ v({j}), each player paid in proportion to what it is worth alone.',
};

export function planCompareSheet(inputs: CompareInputs): CompareSheetPlan {
  const n = inputs.players.length;
  const cells: SheetCell[] = [];
  const names: SheetName[] = [];
  const notes: SheetNote[] = [];
  const put = (address: string, cell: Omit<SheetCell, 'address'>): void => {
    cells.push({ address, ...cell });
  };
  const name = (n_: string, address: string, comment: string): void => {
    names.push({ name: n_, address, comment: comment.slice(0, 255) });
  };
  const methods = methodsFor(inputs);

  put('A1', { value: `Compare methods: ${inputs.title}`, style: 'title' });
  put('A2', {
    value:
      'Each method is a live PARTAGE formula over the coalition table below: edit a value (orange) and every column, its core check and the chart recalculate. COREGAP finds the coalition with the largest excess v(S) − Σ xᵢ; an excess ≤ 0 means no group would do better alone (the split is in the core).',
    style: 'intro',
  });
  put('A3', { value: `Coalition table from ${inputs.source}; engine ${ENGINE_VERSION}.`, style: 'muted' });

  // The coalition table.
  const order = coalitionOrder(n);
  const tableLast = TABLE_FIRST_ROW + order.length - 1;
  put('A5', { value: 'Coalition table', style: 'section' });
  put('A6', { value: 'Coalition', style: 'header' });
  put('B6', { value: 'Value v(S)', style: 'header' });
  order.forEach((mask, k) => {
    const row = TABLE_FIRST_ROW + k;
    put(`A${row}`, { value: coalitionLabel(mask, inputs.players) });
    put(`B${row}`, { value: inputs.values[mask], numberFormat: 'General', style: 'input' });
  });
  name(N.coalitions, `A${TABLE_FIRST_ROW}:A${tableLast}`, 'The coalitions: members joined by "," (∅ is the empty coalition)');
  name(N.values, `B${TABLE_FIRST_ROW}:B${tableLast}`, 'The value v(S) of each coalition');
  name(N.grandValue, `B${tableLast}`, 'v(N): the value of the grand coalition, the amount every method splits');

  if (inputs.unions !== undefined) {
    put('D5', { value: 'A priori unions', style: 'section' });
    put('D6', { value: 'Player', style: 'header' });
    put('E6', { value: 'Union', style: 'header' });
    inputs.players.forEach((p, i) => {
      put(`D${TABLE_FIRST_ROW + i}`, { value: p });
      put(`E${TABLE_FIRST_ROW + i}`, { value: inputs.unions![i], style: 'input' });
    });
    name(N.unions, `D${TABLE_FIRST_ROW}:E${TABLE_FIRST_ROW + n - 1}`, 'Each player and its a priori union, for PARTAGE.OWEN');
  }

  // The allocations.
  const top = tableLast + 2;
  put(`A${top}`, { value: 'Allocations of v(N), side by side', style: 'section' });
  put(`A${top + 1}`, { value: 'v(N), the grand coalition’s value' });
  put(`B${top + 1}`, { formula: `=${N.grandValue}`, numberFormat: ALLOCATION_FORMAT });
  put(`A${top + 2}`, { value: 'Nucleolus or pre-nucleolus' });
  put(`B${top + 2}`, { formula: `=IF(SUM(${N.standAlone})>${N.grandValue},"prenucleolus","nucleolus")` });
  name(N.nucleolusKind, `B${top + 2}`, 'prenucleolus when the stand-alone values sum to more than v(N) (no imputation), else nucleolus');
  put(`C${top + 2}`, {
    formula: `="The stand-alone values sum to "&ROUND(SUM(${N.standAlone}),6)&IF(${N.nucleolusKind}="prenucleolus",", more than v(N) = "&ROUND(${N.grandValue},6)&": no split gives every player at least its stand-alone value (no imputation), so the pre-nucleolus is shown.",", at most v(N) = "&ROUND(${N.grandValue},6)&": the nucleolus over imputations is shown.")`,
    style: 'muted',
  });

  const header = top + 4;
  const first = header + 1;
  const last = header + n;
  put(`A${header}`, { value: 'Player', style: 'header' });
  put(`B${header}`, { value: 'Stand-alone v({i})', style: 'header' });
  inputs.players.forEach((p, i) => {
    put(`A${first + i}`, { value: p });
    put(`B${first + i}`, { formula: `=INDEX(${N.values},MATCH(A${first + i},${N.coalitions},0))`, numberFormat: ALLOCATION_FORMAT });
  });
  name(N.players, `A${first}:A${last}`, 'The players, in the order every method lists them');
  name(N.standAlone, `B${first}:B${last}`, 'v({i}): what each player is worth alone');

  const totalRow = last + 1;
  const rawRow = last + 2;
  const coalitionRow = last + 4;
  const excessRow = last + 5;
  const verdictRow = last + 6;
  put(`A${totalRow}`, { value: 'Total', style: 'keyResult' });
  put(`B${totalRow}`, { formula: `=SUM(B${first}:B${last})`, numberFormat: ALLOCATION_FORMAT, style: 'keyResult' });
  put(`A${rawRow}`, { value: 'Sum before scaling to v(N)', style: 'muted' });
  put(`A${last + 3}`, { value: 'Core check (PARTAGE.COREGAP)', style: 'section' });
  put(`A${coalitionRow}`, { value: 'Coalition with the largest excess' });
  put(`A${excessRow}`, { value: 'Its excess v(S) − Σ xᵢ' });
  put(`A${verdictRow}`, { value: 'Verdict' });

  const methodRanges: CompareSheetPlan['methodRanges'] = [];
  methods.forEach((method, k) => {
    const col = 2 + k;
    const range = rangeAddress(col, first, col, last);
    put(cellAddress(col, header), { ...METHOD_HEADERS[method], style: 'header' });
    put(cellAddress(col, first), { formula: METHOD_FORMULAS[method], numberFormat: ALLOCATION_FORMAT });
    // The spill's other cells get the format too.
    for (let row = first + 1; row <= last; row++) put(cellAddress(col, row), { numberFormat: ALLOCATION_FORMAT });
    notes.push({ address: cellAddress(col, first), text: `${METHOD_NOTES[method]} Engine ${ENGINE_VERSION}.` });
    put(cellAddress(col, totalRow), { formula: `=SUM(${range})`, numberFormat: ALLOCATION_FORMAT, style: 'keyResult' });
    if (method === 'banzhaf' || method === 'leaveOneOut') {
      const fn = method === 'banzhaf' ? 'BANZHAF' : 'LEAVEONEOUT';
      put(cellAddress(col, rawRow), { formula: `=SUM(${valuesOf(`PARTAGE.${fn}(${ARGS})`)})`, numberFormat: ALLOCATION_FORMAT, style: 'muted' });
    }
    const gap = `PARTAGE.COREGAP(${N.coalitions},${N.values},${range},${N.players})`;
    const coalition = cellAddress(col, coalitionRow);
    const excess = cellAddress(col, excessRow);
    const verdict = cellAddress(col, verdictRow);
    put(coalition, { formula: `=INDEX(${gap},1,1)` });
    put(excess, { formula: `=INDEX(${gap},1,2)`, numberFormat: ALLOCATION_FORMAT });
    put(verdict, { formula: `=IFERROR(IF(${excess}<=0,"stable",${coalition}&" would gain "&ROUND(${excess},6)&" alone"),"no verdict: see the COREGAP cells above")` });
    notes.push({ address: excess, text: `PARTAGE.COREGAP: the largest excess over the coalitions S (∅ ≠ S ≠ N) under the ${METHOD_HEADERS[method].value ?? 'nucleolus'} split; ties go to fewer members. Engine ${ENGINE_VERSION}.` });
    methodRanges.push({ method, range, coalition, excess, verdict });
  });

  const lastMethodCol = 1 + methods.length;
  const chartTop = verdictRow + 2;
  const charts = [
    {
      name: COMPARE_CHART_NAME,
      type: 'ColumnClustered' as const,
      title: 'Allocation of v(N) by method',
      seriesAddress: rangeAddress(2, header, lastMethodCol, last),
      seriesCount: methods.length,
      categoriesAddress: `A${first}:A${last}`,
      topLeft: `A${chartTop}`,
      bottomRight: cellAddress(Math.max(lastMethodCol, 5), chartTop + 18),
    },
  ];
  const columnWidths = [
    { column: 'A', points: 220 },
    { column: 'B', points: 110 },
    ...methods.map((_, k) => ({ column: columnLetter(2 + k), points: 130 })),
  ];
  return { cells, names, notes, charts, columnWidths, methodRanges, coalitionMasks: order };
}

export interface CompareWriteOptions {
  sheetName?: string;
  sourceNotes: SourceNoteMode;
}

export async function writeCompareSheet(context: Excel.RequestContext, inputs: CompareInputs, options: CompareWriteOptions): Promise<{ sheetName: string; plan: CompareSheetPlan }> {
  const plan = planCompareSheet(inputs);
  const { sheetName } = await writeSheetPlan(context, plan, {
    prefix: COMPARE_PREFIX,
    sheetName: options.sheetName,
    sourceNotes: options.sourceNotes,
    store: { kind: COMPARE_STORE, payload: inputs },
  });
  return { sheetName, plan };
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

/** The stored inputs, checked; undefined when the sheet has none. */
export function compareInputsFromProperties(sheetName: string, items: ReadonlyArray<{ key: string; value: string }>): CompareInputs | undefined {
  const payload = payloadFromProperties(sheetName, COMPARE_STORE, items) as Partial<CompareInputs> | undefined;
  if (payload === undefined) return undefined;
  const bad = (detail: string): never => {
    throw new StoredSheetError(sheetName, COMPARE_STORE.what, detail);
  };
  if (typeof payload.title !== 'string' || typeof payload.source !== 'string') bad('title or source missing');
  if (!isStringArray(payload.players) || payload.players.length < 1 || payload.players.length > 20) bad('players missing');
  const n = payload.players!.length;
  if (!Array.isArray(payload.values) || payload.values.length !== 1 << n || !payload.values.every((v) => typeof v === 'number')) bad(`values: expected 2^${n} numbers`);
  if (payload.unions !== undefined && (!isStringArray(payload.unions) || payload.unions.length !== n)) bad('unions: expected one per player');
  return payload as CompareInputs;
}

export interface CompareSheetInputs {
  sheetName: string;
  inputs: CompareInputs;
  warnings: string[];
}

/**
 * A compare sheet as it stands: the stored inputs with the current numbers of the Values cells
 * (and union cells) taken over; undefined when the sheet is not a compare sheet.
 */
export async function readCompareSheet(context: Excel.RequestContext, sheet: Excel.Worksheet): Promise<CompareSheetInputs | undefined> {
  sheet.load('name');
  const properties = sheet.customProperties;
  properties.load('items/key,items/value');
  await context.sync();
  const stored = compareInputsFromProperties(sheet.name, properties.items.map((i) => ({ key: i.key, value: i.value })));
  if (stored === undefined) return undefined;
  const values = sheet.names.getItemOrNullObject(N.values).getRangeOrNullObject();
  values.load('values');
  const unions = stored.unions !== undefined ? sheet.names.getItemOrNullObject(N.unions).getRangeOrNullObject() : undefined;
  unions?.load('values');
  await context.sync();
  const warnings: string[] = [];
  const inputs: CompareInputs = { ...stored, values: [...stored.values], ...(stored.unions ? { unions: [...stored.unions] } : {}) };
  const order = coalitionOrder(stored.players.length);
  if (values.isNullObject || values.values.length !== order.length) {
    warnings.push(`The name ${N.values} no longer covers the ${order.length} coalitions: the stored values are shown`);
  } else {
    order.forEach((mask, k) => {
      const cellValue = values.values[k][0];
      if (typeof cellValue === 'number' && Number.isFinite(cellValue)) inputs.values[mask] = cellValue;
      else warnings.push(`${N.values} row ${k + 1} (${coalitionLabel(mask, stored.players)}) holds ${JSON.stringify(cellValue)}, not a number: its stored value is shown`);
    });
  }
  if (unions !== undefined && inputs.unions !== undefined) {
    if (unions.isNullObject || unions.values.length !== stored.players.length) warnings.push(`The name ${N.unions} no longer covers the ${stored.players.length} players: the stored unions are shown`);
    else
      unions.values.forEach((row, i) => {
        const text = String(row[1] ?? '').trim();
        if (text !== '') inputs.unions![i] = text;
      });
  }
  return { sheetName: sheet.name, inputs, warnings };
}

export async function readActiveCompareSheet(context: Excel.RequestContext): Promise<CompareSheetInputs | undefined> {
  return readCompareSheet(context, context.workbook.worksheets.getActiveWorksheet());
}
