/*
 * Multi-stage allocation (seed 003, the AME framework): the stages of a generative-AI pipeline
 * are a priori unions and their contributors the members. The value of every coalition of
 * contributors (typed in a generated grid, pasted as a coalition table, or — for pipelines too
 * large for a sheet — a file valued on the companion by Owen sampling) gives the Owen value of
 * each contributor, whose stage totals are the Shapley values of the game among stages; the
 * contributors' amounts are then mapped to the rightholders of their works (RIGHTSMAP).
 *
 * The pane's preview calls PARTAGE.OWEN and PARTAGE.RIGHTSMAP through the registry, the
 * adapters Excel calls; only the stage totals (sums) are the pane's own.
 */
import { parseNumberText } from '../../functions/cells';
import { FunctionError } from '../../functions/errors';
import { callFunction, findFunction } from '../../functions/registry';
import { gridFromText, SelectionError, tableFromGrid } from '../batch/selection';
import { coalitionLabel, coalitionOrder } from '../compare/compareModel';
import { groupNames, groupsText, parseGroups, GroupsError } from './groups';

export interface Contributor {
  name: string;
  stage: string;
}

export interface OwnershipLine {
  work: string;
  rightholder: string;
  share: number;
}

/** Owen values sampled on the companion from a file of coalition values. */
export interface SampledOwen {
  file: string;
  jobId: string;
  seed: number;
  permutations: number;
  /** In contributors order. */
  values: number[];
  standardErrors?: number[];
  engineVersion: string;
  backend: string;
  /** The contributors the job was run for, to notice edits made since. */
  contributors: string[];
}

export type CoalitionValues = { kind: 'table'; values: number[]; source: string } | ({ kind: 'sampled' } & SampledOwen);

export interface MultiStageInputs {
  title: string;
  /** Grouped by stage, in the order listed: OWEN lists them in this order. */
  contributors: Contributor[];
  coalitions: CoalitionValues;
  ownership: OwnershipLine[];
  decimals: number;
}

export type ValuesMode = 'grid' | 'paste' | 'file';

export interface MultiStageDraft {
  title: string;
  stagesText: string;
  valuesMode: ValuesMode;
  /** Typed grid values, keyed by coalitionKey (so they survive reordering the contributors). */
  gridValues: Readonly<Record<string, string>>;
  tableText: string;
  sampled?: SampledOwen;
  ownershipText: string;
  decimalsText: string;
}

/** The grid offers one input per coalition up to this many contributors (2^8 = 256 rows). */
export const MAX_GRID_CONTRIBUTORS = 8;
/** A sheet holds exact tables up to 20 players (PARTAGE.OWEN reads the whole table). */
export const MAX_TABLE_CONTRIBUTORS = 20;

export function coalitionKey(names: readonly string[]): string {
  return names
    .map((n) => n.toLowerCase())
    .sort()
    .join('\u0001');
}

export function maskKey(mask: number, contributors: readonly string[]): string {
  return coalitionKey(contributors.filter((_, i) => (mask >> i) & 1));
}

export type IssueField = 'stages' | 'values' | 'ownership' | 'decimals';

export interface MultiStageIssue {
  field: IssueField;
  message: string;
}

export interface MultiStageValidation {
  contributors?: Contributor[];
  inputs?: MultiStageInputs;
  issues: MultiStageIssue[];
}

function stageContributors(entries: ReturnType<typeof parseGroups>): Contributor[] {
  // Grouped by stage (first appearance), so that OWEN's rows come stage by stage.
  const stages = groupNames(entries);
  return stages.flatMap((stage) => entries.filter((e) => e.group === stage).map((e) => ({ name: e.member, stage })));
}

/** Ownership lines: [work, rightholder, share], tab-separated (from Excel) or with ";". */
export function parseOwnership(text: string, contributors: readonly Contributor[]): OwnershipLine[] {
  const names = new Map(contributors.map((c) => [c.name.toLowerCase(), c.name]));
  const out: OwnershipLine[] = [];
  const linesOf = new Map<string, number[]>();
  const sums = new Map<string, number>();
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  raw.forEach((lineText, k) => {
    const line = k + 1;
    if (lineText.trim() === '') return;
    const cells = (lineText.includes('\t') ? lineText.split('\t') : lineText.split(';')).map((c) => c.trim());
    while (cells.length > 3 && cells[cells.length - 1] === '') cells.pop();
    const place = `Ownership, line ${line}`;
    if (cells.length !== 3) throw new GroupsError(`${place}: expected three cells (work, rightholder, share) separated by tabs or ";", got ${cells.length}`);
    const [workText, rightholder, shareText] = cells;
    if (out.length === 0 && parseNumberText(shareText) === undefined && /^(work|catalogue|contributor)s?$/i.test(workText)) return; // header
    if (workText === '') throw new GroupsError(`${place}: the work is empty`);
    const work = names.get(workText.toLowerCase());
    if (work === undefined) throw new GroupsError(`${place}: "${workText}" is not a contributor of the stages (${contributors.map((c) => c.name).join(', ')})`);
    if (rightholder === '') throw new GroupsError(`${place}: "${work}" has no rightholder`);
    const share = parseNumberText(shareText);
    if (share === undefined) throw new GroupsError(`${place}: the share "${shareText}" is not a number (write 0.6 or 60%)`);
    if (share < 0) throw new GroupsError(`${place}: the share ${shareText} is negative`);
    if (share > 1) throw new GroupsError(`${place}: the share ${shareText} is above 1 (60 % is 0.6 or 60%)`);
    out.push({ work, rightholder, share });
    linesOf.set(work, [...(linesOf.get(work) ?? []), line]);
    sums.set(work, (sums.get(work) ?? 0) + share);
  });
  for (const [work, sum] of sums) {
    if (Math.abs(sum - 1) > 1e-9) {
      const lines = linesOf.get(work)!;
      throw new GroupsError(`Ownership, line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}: the shares of "${work}" sum to ${Number(sum.toFixed(10))}, not 1`);
    }
  }
  for (const c of contributors) {
    if (!linesOf.has(c.name)) throw new GroupsError(`Ownership: no line for "${c.name}"; every contributor's work needs its rightholders`);
  }
  return out;
}

/** The table's values in the contributors' order (bit i ↔ contributors[i]), from a pasted table. */
function tableInContributorOrder(text: string, contributors: readonly Contributor[]): number[] {
  let table: ReturnType<typeof tableFromGrid>;
  try {
    table = tableFromGrid(gridFromText(text));
  } catch (error) {
    if (!(error instanceof SelectionError)) throw error;
    throw new SelectionError(`Coalition table${error.message.replace(/^selection(, row (\d+))?/, (_all, _row: string | undefined, line: string | undefined) => (line === undefined ? '' : `, line ${line}`)).replace(/^(?![,:])/, ': ')}`);
  }
  const position = new Map(table.players.map((p, i) => [p.toLowerCase(), i]));
  const known = new Set(contributors.map((c) => c.name.toLowerCase()));
  const stranger = table.players.find((p) => !known.has(p.toLowerCase()));
  if (stranger !== undefined) throw new SelectionError(`Coalition table: "${stranger}" is not a contributor of the stages`);
  const missing = contributors.find((c) => !position.has(c.name.toLowerCase()));
  if (missing !== undefined) throw new SelectionError(`Coalition table: contributor "${missing.name}" appears in no coalition`);
  const n = contributors.length;
  const from = contributors.map((c) => position.get(c.name.toLowerCase())!);
  const values = new Array<number>(1 << n);
  for (let mask = 0; mask < 1 << n; mask++) {
    let tableMask = 0;
    for (let i = 0; i < n; i++) if ((mask >> i) & 1) tableMask |= 1 << from[i];
    values[mask] = table.values[tableMask];
  }
  return values;
}

function gridValues(draft: MultiStageDraft, contributors: readonly Contributor[]): number[] {
  const names = contributors.map((c) => c.name);
  const n = names.length;
  const values = new Array<number>(1 << n).fill(0);
  for (const mask of coalitionOrder(n)) {
    if (mask === 0) continue; // v(∅) = 0
    const label = coalitionLabel(mask, names);
    const text = (draft.gridValues[maskKey(mask, names)] ?? '').trim();
    if (text === '') throw new SelectionError(`Coalition values, {${label}}: no value typed`);
    const value = parseNumberText(text);
    if (value === undefined) throw new SelectionError(`Coalition values, {${label}}: "${text}" is not a number`);
    values[mask] = value;
  }
  return values;
}

export function validateMultiStage(draft: MultiStageDraft): MultiStageValidation {
  const issues: MultiStageIssue[] = [];
  let contributors: Contributor[] | undefined;
  try {
    const entries = parseGroups(draft.stagesText, 'Stages', 'contributor', 'stage');
    if (entries.length === 0) issues.push({ field: 'stages', message: 'Stages: list each stage and its contributors, e.g. "Base model: Model lab".' });
    else if (entries.length < 2) issues.push({ field: 'stages', message: 'Stages: an allocation needs at least two contributors.' });
    else contributors = stageContributors(entries);
  } catch (error) {
    if (!(error instanceof GroupsError)) throw error;
    issues.push({ field: 'stages', message: error.message });
  }

  let coalitions: CoalitionValues | undefined;
  if (contributors !== undefined) {
    const n = contributors.length;
    try {
      if (draft.valuesMode === 'grid') {
        if (n > MAX_GRID_CONTRIBUTORS) throw new SelectionError(`Coalition values: ${n} contributors make ${2 ** n} coalitions, too many to type; paste a table or value a file on the companion`);
        coalitions = { kind: 'table', values: gridValues(draft, contributors), source: 'typed in the pane' };
      } else if (draft.valuesMode === 'paste') {
        if (n > MAX_TABLE_CONTRIBUTORS) throw new SelectionError(`Coalition values: ${n} contributors are more than a sheet's table holds (${MAX_TABLE_CONTRIBUTORS}); value a file on the companion`);
        if (draft.tableText.trim() === '') throw new SelectionError('Coalition values: paste a coalition table (coalition, value) of the contributors');
        coalitions = { kind: 'table', values: tableInContributorOrder(draft.tableText, contributors), source: 'pasted cells' };
      } else {
        const sampled = draft.sampled;
        if (sampled === undefined) throw new SelectionError('Coalition values: choose a file and run it on the companion first');
        if (coalitionKey(sampled.contributors) !== coalitionKey(contributors.map((c) => c.name)) || sampled.contributors.some((c, i) => c !== contributors![i].name)) {
          throw new SelectionError('Coalition values: the stages changed since the file was valued; run it on the companion again');
        }
        coalitions = { kind: 'sampled', ...sampled };
      }
    } catch (error) {
      if (!(error instanceof SelectionError)) throw error;
      issues.push({ field: 'values', message: error.message });
    }
  }

  let ownership: OwnershipLine[] | undefined;
  if (contributors !== undefined) {
    try {
      ownership = parseOwnership(draft.ownershipText, contributors);
    } catch (error) {
      if (!(error instanceof GroupsError)) throw error;
      issues.push({ field: 'ownership', message: error.message });
    }
  }

  const decimals = Number(draft.decimalsText.trim());
  if (draft.decimalsText.trim() === '' || !Number.isInteger(decimals) || decimals < 0 || decimals > 10) {
    issues.push({ field: 'decimals', message: `Decimals: a whole number from 0 to 10, got "${draft.decimalsText}"` });
  }

  const inputs =
    issues.length === 0 && contributors !== undefined && coalitions !== undefined && ownership !== undefined
      ? { title: draft.title.trim() === '' ? 'Multi-stage pipeline' : draft.title.trim(), contributors, coalitions, ownership, decimals }
      : undefined;
  return { contributors, inputs, issues };
}

// ---------------------------------------------------------------------------------------------
// The preview

export interface MultiStagePreview {
  /** In contributors order. */
  owen?: number[];
  owenError?: string;
  stageTotals?: Array<{ stage: string; total: number }>;
  rightholders?: Array<{ rightholder: string; amount: number }>;
  rightsError?: string;
}

function messageOf(error: unknown): string {
  if (error instanceof FunctionError) return `${error.code} ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** A function called as Excel calls it (through the registry, which may answer asynchronously). */
async function call(name: string, args: unknown[]): Promise<unknown[][]> {
  const spec = findFunction(name);
  if (spec === undefined) throw new Error(`PARTAGE.${name} is not available in this version of the add-in`);
  const result = await callFunction(spec, args);
  if (!Array.isArray(result)) throw new Error(`PARTAGE.${name} returned ${String(result)}, not a table`);
  return result as unknown[][];
}

/** The coalition table and unions as the sheet holds them (and OWEN reads them). */
export function owenArguments(inputs: MultiStageInputs & { coalitions: { kind: 'table' } }): { coalitions: string[][]; values: number[][]; unions: string[][] } {
  const names = inputs.contributors.map((c) => c.name);
  const order = coalitionOrder(names.length);
  return {
    coalitions: order.map((m) => [coalitionLabel(m, names)]),
    values: order.map((m) => [inputs.coalitions.values[m]]),
    unions: inputs.contributors.map((c) => [c.name, c.stage]),
  };
}

export function stageList(contributors: readonly Contributor[]): string[] {
  return groupNames(contributors.map((c, k) => ({ member: c.name, group: c.stage, line: k + 1 })));
}

export async function previewMultiStage(inputs: MultiStageInputs): Promise<MultiStagePreview> {
  const out: MultiStagePreview = {};
  try {
    if (inputs.coalitions.kind === 'sampled') out.owen = [...inputs.coalitions.values];
    else {
      const args = owenArguments(inputs as MultiStageInputs & { coalitions: { kind: 'table' } });
      const rows = await call('OWEN', [args.coalitions, args.values, args.unions]);
      out.owen = rows.map((row, r) => {
        if (typeof row[2] !== 'number') throw new Error(`PARTAGE.OWEN, row ${r + 1}: expected a number, got ${JSON.stringify(row[2])}`);
        return row[2];
      });
    }
  } catch (error) {
    out.owenError = messageOf(error);
    return out;
  }
  const owen = out.owen;
  out.stageTotals = stageList(inputs.contributors).map((stage) => ({
    stage,
    total: inputs.contributors.reduce((sum, c, i) => (c.stage === stage ? sum + owen[i] : sum), 0),
  }));
  try {
    const rows = await call('RIGHTSMAP', [inputs.contributors.map((c, i) => [c.name, owen[i]]), inputs.ownership.map((o) => [o.work, o.rightholder, o.share]), inputs.decimals]);
    out.rightholders = rows.map((row) => ({ rightholder: String(row[0]), amount: Number(row[1]) }));
  } catch (error) {
    out.rightsError = messageOf(error);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The example and the form

/**
 * A pipeline after seed 003: five stages, six contributors. The utility is made up for the
 * example: nothing without the base model; pre-training data saturates (30 for one archive, 40
 * for both); fine-tuning data only helps a model trained on some data; retrieval and prompts
 * add to any working model.
 */
export const PIPELINE_STAGES = [
  'Pre-training data: Press archive, Image library',
  'Base model: Model lab',
  'Fine-tuning data: Annotators',
  'Retrieval corpus: News agency',
  'Prompts: Prompt writers',
].join('\n');

export const PIPELINE_OWNERSHIP = [
  'Work\tRightholder\tShare',
  'Press archive\tLe Monde\t0.6',
  'Press archive\tRingier\t0.4',
  'Image library\tPhotographers CMO\t1',
  'Model lab\tModel lab\t1',
  'Annotators\tAnnotation co-op\t1',
  'News agency\tNews agency\t0.5',
  'News agency\tLe Monde\t0.5',
  'Prompt writers\tPrompt writers\t1',
].join('\n');

const PIPELINE_NAMES = ['Press archive', 'Image library', 'Model lab', 'Annotators', 'News agency', 'Prompt writers'];

export function pipelineUtility(members: ReadonlySet<string>): number {
  if (!members.has('Model lab')) return 0;
  const archives = Number(members.has('Press archive')) + Number(members.has('Image library'));
  const pre = [0, 30, 40][archives];
  return 10 + pre + (members.has('Annotators') && archives > 0 ? 15 : 0) + (members.has('News agency') ? 20 : 0) + (members.has('Prompt writers') ? 10 : 0);
}

export function pipelineDraft(): MultiStageDraft {
  const gridValues: Record<string, string> = {};
  for (let mask = 1; mask < 1 << PIPELINE_NAMES.length; mask++) {
    const members = PIPELINE_NAMES.filter((_, i) => (mask >> i) & 1);
    gridValues[coalitionKey(members)] = String(pipelineUtility(new Set(members)));
  }
  return {
    title: 'Generative AI pipeline (seed 003)',
    stagesText: PIPELINE_STAGES,
    valuesMode: 'grid',
    gridValues,
    tableText: '',
    ownershipText: PIPELINE_OWNERSHIP,
    decimalsText: '2',
  };
}

export function emptyMultiStageDraft(): MultiStageDraft {
  return { title: '', stagesText: '', valuesMode: 'grid', gridValues: {}, tableText: '', ownershipText: '', decimalsText: '2' };
}

export function draftFromMultiStageInputs(inputs: MultiStageInputs): MultiStageDraft {
  const names = inputs.contributors.map((c) => c.name);
  const gridValues: Record<string, string> = {};
  const base: MultiStageDraft = {
    title: inputs.title,
    stagesText: groupsText(inputs.contributors.map((c) => ({ member: c.name, group: c.stage }))),
    valuesMode: 'grid',
    gridValues,
    tableText: '',
    ownershipText: ['Work\tRightholder\tShare', ...inputs.ownership.map((o) => `${o.work}\t${o.rightholder}\t${o.share}`)].join('\n'),
    decimalsText: String(inputs.decimals),
  };
  const c = inputs.coalitions;
  if (c.kind === 'sampled') {
    const { kind: _kind, ...sampled } = c;
    return { ...base, valuesMode: 'file', sampled };
  }
  if (names.length <= MAX_GRID_CONTRIBUTORS) {
    for (let mask = 1; mask < 1 << names.length; mask++) gridValues[maskKey(mask, names)] = String(c.values[mask]);
    return base;
  }
  const order = coalitionOrder(names.length);
  return { ...base, valuesMode: 'paste', tableText: ['Coalition\tValue', ...order.map((m) => `${coalitionLabel(m, names)}\t${c.values[m]}`)].join('\n') };
}
