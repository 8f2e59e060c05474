/*
 * A multi-stage allocation sheet: the stages and contributors (Unions), the coalition table
 * (Coalitions, Values) and the ownership of the works (Ownership) as named inputs; the Owen
 * value of each contributor as one live PARTAGE.OWEN formula; totals by stage with Excel's SUMIF;
 * the rightholders' amounts as one live PARTAGE.RIGHTSMAP formula over the contributors' Owen
 * values; a column chart of the stage totals; the inputs kept in custom properties.
 *
 * When the coalition values were a file valued on the companion (too large for a sheet), the
 * Owen values are written as numbers with a note saying how they were sampled (job, seed,
 * permutations, engine), and everything after them stays live.
 */
import { ENGINE_VERSION } from '../../engine/version';
import { coalitionLabel, coalitionOrder } from '../compare/compareModel';
import { stageList, type MultiStageInputs, type OwnershipLine } from '../multistage/multiStageModel';
import { cellAddress } from './a1';
import { writeSheetPlan, type SheetCell, type SheetName, type SheetNote, type SheetPlan } from './plannedSheet';
import type { SourceNoteMode } from './pressSheet';
import { payloadFromProperties, StoredSheetError, type StoreKind } from './sheetStore';

export const MULTISTAGE_STORE: StoreKind = { key: 'partage.multistage', version: 1, what: 'multi-stage allocation' };
export const MULTISTAGE_CHART_NAME = 'partage stages';
export const MULTISTAGE_PREFIX = 'Multi-stage';

export const MULTISTAGE_NAMES = {
  unions: 'Unions',
  coalitions: 'Coalitions',
  values: 'Values',
  ownership: 'Ownership',
  decimals: 'Decimals',
  contributors: 'Contributors',
  owenStages: 'OwenStages',
  owenValues: 'OwenValues',
} as const;

const N = MULTISTAGE_NAMES;
const AMOUNT_FORMAT = '#,##0.00';
const SHARE_FORMAT = '0.00%';
const FIRST_ROW = 7;

export interface MultiStageSheetPlan extends SheetPlan {
  owenAddress: string;
  stageRows: Array<{ stage: string; address: string }>;
  rightsAddress: string;
  rightholderCount: number;
}

/** The rightholders in first-appearance order in the ownership table, as RIGHTSMAP lists them. */
export function rightholderList(ownership: readonly OwnershipLine[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const o of ownership) {
    const key = o.rightholder.trim().toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(o.rightholder);
    }
  }
  return out;
}

export function planMultiStageSheet(inputs: MultiStageInputs): MultiStageSheetPlan {
  const cells: SheetCell[] = [];
  const names: SheetName[] = [];
  const notes: SheetNote[] = [];
  const put = (address: string, cell: Omit<SheetCell, 'address'>): void => {
    cells.push({ address, ...cell });
  };
  const name = (n: string, address: string, comment: string): void => {
    names.push({ name: n, address, comment: comment.slice(0, 255) });
  };
  const contributors = inputs.contributors;
  const n = contributors.length;
  const sampled = inputs.coalitions.kind === 'sampled' ? inputs.coalitions : undefined;

  put('A1', { value: `Multi-stage allocation: ${inputs.title}`, style: 'title' });
  put('A2', {
    value:
      'The stages of the pipeline are a priori unions and their contributors the members: PARTAGE.OWEN gives each contributor its Owen value (the stage totals are the Shapley values of the game among stages), and PARTAGE.RIGHTSMAP maps each contributor’s amount to the rightholders of its work. Inputs are orange; everything below recalculates from them.',
    style: 'intro',
  });
  put('A3', { value: 'Decimals of the rightholders’ amounts' });
  put('B3', { value: inputs.decimals, numberFormat: '0', style: 'input' });
  name(N.decimals, 'B3', 'RIGHTSMAP rounds the amounts to these decimals by largest remainder');

  put('A5', { value: 'Stages and contributors', style: 'section' });
  put('A6', { value: 'Contributor', style: 'header' });
  put('B6', { value: 'Stage', style: 'header' });
  contributors.forEach((c, i) => {
    put(`A${FIRST_ROW + i}`, { value: c.name });
    put(`B${FIRST_ROW + i}`, { value: c.stage, style: 'input' });
  });
  name(N.unions, `A${FIRST_ROW}:B${FIRST_ROW + n - 1}`, 'Each contributor and its stage (its a priori union), for PARTAGE.OWEN');

  let tableRows = 0;
  if (inputs.coalitions.kind === 'table') {
    const order = coalitionOrder(n);
    tableRows = order.length;
    put('D5', { value: 'Coalition values', style: 'section' });
    put('D6', { value: 'Coalition', style: 'header' });
    put('E6', { value: 'Value v(S)', style: 'header' });
    order.forEach((mask, k) => {
      put(`D${FIRST_ROW + k}`, { value: coalitionLabel(mask, contributors.map((c) => c.name)) });
      put(`E${FIRST_ROW + k}`, { value: (inputs.coalitions as { values: number[] }).values[mask], numberFormat: 'General', style: 'input' });
    });
    name(N.coalitions, `D${FIRST_ROW}:D${FIRST_ROW + tableRows - 1}`, 'The coalitions of contributors: members joined by "," (∅ is the empty coalition)');
    name(N.values, `E${FIRST_ROW}:E${FIRST_ROW + tableRows - 1}`, `The value of each coalition (${inputs.coalitions.source})`);
  } else {
    put('D5', { value: 'Coalition values', style: 'section' });
    put('D6', { value: `From the file "${sampled!.file}", valued on the companion (too large for a sheet): see the note on the Owen values.`, style: 'muted' });
  }

  const m = inputs.ownership.length;
  put('G5', { value: 'Ownership of the works', style: 'section' });
  put('G6', { value: 'Work', style: 'header' });
  put('H6', { value: 'Rightholder', style: 'header' });
  put('I6', { value: 'Share', style: 'header' });
  inputs.ownership.forEach((o, k) => {
    put(`G${FIRST_ROW + k}`, { value: o.work });
    put(`H${FIRST_ROW + k}`, { value: o.rightholder, style: 'input' });
    put(`I${FIRST_ROW + k}`, { value: o.share, numberFormat: SHARE_FORMAT, style: 'input' });
  });
  name(N.ownership, `G${FIRST_ROW}:I${FIRST_ROW + m - 1}`, 'Work, rightholder, share: the shares of each work sum to 100 %');

  const top = FIRST_ROW + Math.max(n, tableRows, m) + 1;
  const header = top + 1;
  const first = header + 1;
  const last = first + n - 1;
  put(`A${top}`, { value: 'Owen value by contributor', style: 'section' });
  put(`A${header}`, { value: 'Contributor', style: 'header' });
  put(`B${header}`, { value: 'Stage', style: 'header' });
  put(`C${header}`, { value: sampled ? 'Owen value (sampled)' : 'Owen value', style: 'header' });
  const owenAddress = `A${first}`;
  if (sampled === undefined) {
    put(owenAddress, { formula: `=PARTAGE.OWEN(${N.coalitions},${N.values},${N.unions})` });
    for (let row = first; row <= last; row++) put(`C${row}`, { numberFormat: AMOUNT_FORMAT });
    notes.push({
      address: `C${first}`,
      text: `PARTAGE.OWEN: exact Owen value with the stages as a priori unions (stages arrive in random order, the contributors of each together, in random order). Engine ${ENGINE_VERSION}.`,
    });
  } else {
    contributors.forEach((c, i) => {
      put(`A${first + i}`, { value: c.name });
      put(`B${first + i}`, { value: c.stage });
      put(`C${first + i}`, { value: sampled.values[i], numberFormat: AMOUNT_FORMAT });
    });
    if (sampled.standardErrors !== undefined) {
      put(`D${header}`, { value: 'Standard error', style: 'header' });
      sampled.standardErrors.forEach((se, i) => put(`D${first + i}`, { value: se, numberFormat: '0.0000' }));
    }
    notes.push({
      address: `C${first}`,
      text: `Owen value sampled on the companion (shapley.sample with unions): file "${sampled.file}", job ${sampled.jobId}, seed ${sampled.seed}, ${sampled.permutations.toLocaleString('en-US')} permutations, backend ${sampled.backend}, engine ${sampled.engineVersion}. Re-run the job with the same seed to check.`,
    });
  }
  name(N.contributors, `A${first}:A${last}`, 'The contributors as PARTAGE.OWEN lists them');
  name(N.owenStages, `B${first}:B${last}`, 'The stage of each contributor as PARTAGE.OWEN lists it');
  name(N.owenValues, `C${first}:C${last}`, 'The Owen value of each contributor');
  put(`A${last + 1}`, { value: 'Total', style: 'keyResult' });
  put(`C${last + 1}`, { formula: `=SUM(${N.owenValues})`, numberFormat: AMOUNT_FORMAT, style: 'keyResult' });

  const stages = stageList(contributors);
  put(`E${top}`, { value: 'Totals by stage', style: 'section' });
  put(`E${header}`, { value: 'Stage', style: 'header' });
  put(`F${header}`, { value: 'Owen total', style: 'header' });
  const stageRows = stages.map((stage, k) => {
    const row = first + k;
    put(`E${row}`, { value: stage });
    put(`F${row}`, { formula: `=SUMIF(${N.owenStages},E${row},${N.owenValues})`, numberFormat: AMOUNT_FORMAT });
    return { stage, address: `F${row}` };
  });
  const stageLast = first + stages.length - 1;
  put(`E${stageLast + 1}`, { value: 'Total', style: 'keyResult' });
  put(`F${stageLast + 1}`, { formula: `=SUM(F${first}:F${stageLast})`, numberFormat: AMOUNT_FORMAT, style: 'keyResult' });
  notes.push({ address: `F${first}`, text: 'Excel SUMIF of the Owen values by stage: the Shapley values of the game among the stages.' });

  const holders = rightholderList(inputs.ownership);
  const rightsAddress = `H${first}`;
  put(`H${top}`, { value: 'Rightholders', style: 'section' });
  put(`H${header}`, { value: 'Rightholder', style: 'header' });
  put(`I${header}`, { value: 'Amount', style: 'header' });
  put(rightsAddress, { formula: `=PARTAGE.RIGHTSMAP(HSTACK(${N.contributors},${N.owenValues}),${N.ownership},${N.decimals})` });
  const rightsLast = first + holders.length - 1;
  for (let row = first; row <= rightsLast; row++) put(`I${row}`, { numberFormat: AMOUNT_FORMAT });
  put(`H${rightsLast + 1}`, { value: 'Total', style: 'keyResult' });
  put(`I${rightsLast + 1}`, { formula: `=SUM(I${first}:I${rightsLast})`, numberFormat: AMOUNT_FORMAT, style: 'keyResult' });
  notes.push({
    address: `I${first}`,
    text: `PARTAGE.RIGHTSMAP: each contributor’s Owen value split among the rightholders of its work by their shares, rounded to Decimals by largest remainder so that the amounts sum exactly to the total. Engine ${ENGINE_VERSION}.`,
  });

  const bottom = Math.max(last, stageLast, rightsLast) + 3;
  const charts = [
    {
      name: MULTISTAGE_CHART_NAME,
      type: 'ColumnClustered' as const,
      title: 'Owen value by stage',
      seriesAddress: `F${header}:F${stageLast}`,
      seriesCount: 1,
      categoriesAddress: `E${first}:E${stageLast}`,
      topLeft: `A${bottom}`,
      bottomRight: cellAddress(5, bottom + 16),
    },
  ];
  const columnWidths = [
    { column: 'A', points: 200 },
    { column: 'B', points: 140 },
    { column: 'C', points: 120 },
    { column: 'D', points: 140 },
    { column: 'E', points: 140 },
    { column: 'F', points: 110 },
    { column: 'G', points: 140 },
    { column: 'H', points: 160 },
    { column: 'I', points: 110 },
  ];
  return { cells, names, notes, charts, columnWidths, owenAddress, stageRows, rightsAddress, rightholderCount: holders.length };
}

export interface MultiStageWriteOptions {
  sheetName?: string;
  sourceNotes: SourceNoteMode;
}

export async function writeMultiStageSheet(
  context: Excel.RequestContext,
  inputs: MultiStageInputs,
  options: MultiStageWriteOptions,
): Promise<{ sheetName: string; plan: MultiStageSheetPlan }> {
  const plan = planMultiStageSheet(inputs);
  const { sheetName } = await writeSheetPlan(context, plan, {
    prefix: MULTISTAGE_PREFIX,
    sheetName: options.sheetName,
    sourceNotes: options.sourceNotes,
    store: { kind: MULTISTAGE_STORE, payload: inputs },
  });
  return { sheetName, plan };
}

/** The stored inputs, checked; undefined when the sheet has none. */
export function multiStageInputsFromProperties(sheetName: string, items: ReadonlyArray<{ key: string; value: string }>): MultiStageInputs | undefined {
  const payload = payloadFromProperties(sheetName, MULTISTAGE_STORE, items) as Partial<MultiStageInputs> | undefined;
  if (payload === undefined) return undefined;
  const bad = (detail: string): never => {
    throw new StoredSheetError(sheetName, MULTISTAGE_STORE.what, detail);
  };
  const contributors = payload.contributors;
  if (typeof payload.title !== 'string') bad('title missing');
  if (!Array.isArray(contributors) || contributors.length < 2 || !contributors.every((c) => typeof c?.name === 'string' && typeof c?.stage === 'string')) bad('contributors missing');
  const n = contributors!.length;
  const c = payload.coalitions;
  if (c?.kind === 'table') {
    if (!Array.isArray(c.values) || c.values.length !== 1 << n || !c.values.every((v) => typeof v === 'number')) bad(`coalition values: expected 2^${n} numbers`);
  } else if (c?.kind === 'sampled') {
    if (!Array.isArray(c.values) || c.values.length !== n) bad('sampled Owen values: expected one per contributor');
  } else bad('coalition values missing');
  if (!Array.isArray(payload.ownership) || !payload.ownership.every((o) => typeof o?.work === 'string' && typeof o?.rightholder === 'string' && typeof o?.share === 'number')) bad('ownership missing');
  if (typeof payload.decimals !== 'number') bad('decimals missing');
  return payload as MultiStageInputs;
}

export interface MultiStageSheetInputs {
  sheetName: string;
  inputs: MultiStageInputs;
  warnings: string[];
}

/** A multi-stage sheet as it stands: stored inputs with the current values, shares and decimals taken over. */
export async function readMultiStageSheet(context: Excel.RequestContext, sheet: Excel.Worksheet): Promise<MultiStageSheetInputs | undefined> {
  sheet.load('name');
  const properties = sheet.customProperties;
  properties.load('items/key,items/value');
  await context.sync();
  const stored = multiStageInputsFromProperties(sheet.name, properties.items.map((i) => ({ key: i.key, value: i.value })));
  if (stored === undefined) return undefined;
  const rangeOf = (name: string): Excel.Range => {
    const range = sheet.names.getItemOrNullObject(name).getRangeOrNullObject();
    range.load('values');
    return range;
  };
  const values = stored.coalitions.kind === 'table' ? rangeOf(N.values) : undefined;
  const ownership = rangeOf(N.ownership);
  const decimals = rangeOf(N.decimals);
  await context.sync();
  const warnings: string[] = [];
  const inputs: MultiStageInputs = JSON.parse(JSON.stringify(stored)) as MultiStageInputs;
  if (values !== undefined && inputs.coalitions.kind === 'table') {
    const order = coalitionOrder(inputs.contributors.length);
    const table = inputs.coalitions.values;
    if (values.isNullObject || values.values.length !== order.length) warnings.push(`The name ${N.values} no longer covers the ${order.length} coalitions: the stored values are shown`);
    else
      order.forEach((mask, k) => {
        const v = values.values[k][0];
        if (typeof v === 'number' && Number.isFinite(v)) table[mask] = v;
        else warnings.push(`${N.values} row ${k + 1} holds ${JSON.stringify(v)}, not a number: its stored value is shown`);
      });
  }
  if (ownership.isNullObject || ownership.values.length !== inputs.ownership.length) warnings.push(`The name ${N.ownership} no longer covers the ${inputs.ownership.length} lines: the stored ownership is shown`);
  else
    ownership.values.forEach((row, k) => {
      const holder = String(row[1] ?? '').trim();
      if (holder !== '') inputs.ownership[k].rightholder = holder;
      if (typeof row[2] === 'number' && Number.isFinite(row[2])) inputs.ownership[k].share = row[2];
      else warnings.push(`${N.ownership} line ${k + 1} has the share ${JSON.stringify(row[2])}, not a number: its stored share is shown`);
    });
  const d = decimals.isNullObject ? undefined : decimals.values[0]?.[0];
  if (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 10) inputs.decimals = d;
  else warnings.push(`${N.decimals} holds ${JSON.stringify(d)}, not a whole number from 0 to 10: the stored ${stored.decimals} is shown`);
  return { sheetName: sheet.name, inputs, warnings };
}

export async function readActiveMultiStageSheet(context: Excel.RequestContext): Promise<MultiStageSheetInputs | undefined> {
  return readMultiStageSheet(context, context.workbook.worksheets.getActiveWorksheet());
}
