/*
 * Shapley batch results in the workbook: a new sheet "Shapley n" with an Excel table
 * partageShapley<n> (Player, Value, Share, Standard error, 95 % low, 95 % high), the metadata a
 * counterpart needs to re-run the computation beside it (DESIGN §4: seed, method, backend,
 * engine version, and the LP solver of a nucleolus), and a bar chart of the values. A nucleolus
 * or pre-nucleolus is written in the same table (it is an allocation too, and exact: no standard
 * error), titled as what it is. The distribution screen finds the latest such table by its name.
 */
import { cellAddress, columnLetter, rangeAddress } from './a1';
import { addSourceNote } from './plannedSheet';
import type { SourceNoteMode } from './pressSheet';
import { sheetNames } from './sheetNames';

export interface ShapleyResultForSheet {
  game: string;
  players: string[];
  values: number[];
  standardErrors?: number[];
  method: string;
  seed?: number;
  samples?: number;
  permutations?: number;
  stoppedBy?: string;
  /** The LP solver of a nucleolus ("nucleolus" or "prenucleolus" method). */
  solver?: { name: string; version: string };
  backend: string;
  engineVersion: string;
  jobId?: string;
  elapsedMs?: number;
}

export interface ShapleyResultsOptions {
  /** The time written as "Written"; now by default. */
  now?: Date;
  /** Where the provenance note of the values goes: a note (ExcelApi 1.18), else the cell's prompt. Default 'prompts'. */
  sourceNotes?: SourceNoteMode;
}

/** The provenance of the values, in a note on the first value: it travels with the cell when copied. */
export function shapleySourceNote(result: ShapleyResultForSheet): string {
  const sampled = !isExact(result) || result.seed !== undefined;
  const parts = [
    `${resultTitle(result)} of ${result.game}: ${result.method}`,
    ...(sampled ? [`seed ${result.seed ?? '—'}`, `${(result.permutations ?? result.samples ?? 0).toLocaleString('en-US')} ${result.permutations !== undefined ? 'permutations' : 'samples'}`] : []),
    `backend ${result.backend}`,
    ...(result.solver ? [`LP solver ${result.solver.name} ${result.solver.version}`] : []),
    `engine ${result.engineVersion}`,
  ];
  return `${parts.join('; ')}. The full record is beside the table.`;
}

export const SHAPLEY_TABLE_PREFIX = 'partageShapley';
export const SHAPLEY_SHEET_PREFIX = 'Shapley';
export const SHAPLEY_COLUMNS = ['Player', 'Value', 'Share', 'Standard error', '95 % low', '95 % high'] as const;

/** z for a two-sided 95 % normal interval. */
const Z95 = 1.96;
const VALUE_FORMAT = '#,##0.00####';
const SHARE_FORMAT = '0.00%';
/** Zero standard errors of exact results read "0 (exact)". */
const EXACT_SE_FORMAT = '0;-0;"0 (exact)"';
const TABLE_TOP = 3;
const META_COLUMN = SHAPLEY_COLUMNS.length + 1;

const TABLE_NAME = new RegExp(`^${SHAPLEY_TABLE_PREFIX}(\\d+)$`, 'i');
const SHEET_NAME = new RegExp(`^${SHAPLEY_SHEET_PREFIX} (\\d+)$`, 'i');

function checkResult(result: ShapleyResultForSheet): void {
  const n = result.players.length;
  if (n === 0) throw new Error('writeShapleyResults: players is empty');
  if (result.values.length !== n) throw new Error(`writeShapleyResults: values has ${result.values.length} entries but players has ${n}`);
  if (result.standardErrors !== undefined && result.standardErrors.length !== n) {
    throw new Error(`writeShapleyResults: standardErrors has ${result.standardErrors.length} entries but players has ${n}`);
  }
  result.players.forEach((player, i) => {
    if (typeof player !== 'string' || player.trim() === '') throw new Error(`writeShapleyResults: players, item ${i + 1}: a player needs a name`);
  });
  result.values.forEach((value, i) => {
    if (!Number.isFinite(value)) throw new Error(`writeShapleyResults: values, item ${i + 1}: expected a finite number, got ${String(value)}`);
  });
  result.standardErrors?.forEach((se, i) => {
    if (!Number.isFinite(se) || se < 0) throw new Error(`writeShapleyResults: standardErrors, item ${i + 1}: expected a finite number ≥ 0, got ${String(se)}`);
  });
}

/** The next free number n for both the sheet "Shapley n" and the table partageShapley<n>. */
export function nextShapleyNumber(tableNames: Iterable<string>, sheets: Iterable<string>): number {
  let highest = 0;
  for (const name of tableNames) highest = Math.max(highest, Number(TABLE_NAME.exec(name)?.[1] ?? 0));
  for (const name of sheets) highest = Math.max(highest, Number(SHEET_NAME.exec(name)?.[1] ?? 0));
  return highest + 1;
}

function isExact(result: ShapleyResultForSheet): boolean {
  return result.standardErrors === undefined || result.standardErrors.every((se) => se === 0);
}

function isNucleolus(result: ShapleyResultForSheet): boolean {
  return result.method === 'nucleolus' || result.method === 'prenucleolus';
}

/** "Shapley values", or "Nucleolus" / "Pre-nucleolus": the sheet's title and the chart's. */
export function resultTitle(result: ShapleyResultForSheet): string {
  if (result.method === 'nucleolus') return 'Nucleolus';
  if (result.method === 'prenucleolus') return 'Pre-nucleolus';
  return 'Shapley values';
}

/** The metadata rows written beside the table. */
export function shapleyMetadata(result: ShapleyResultForSheet, tableName: string, now: Date): Array<[string, string | number]> {
  const orDash = (value: string | number | undefined): string | number => (value === undefined || value === '' ? '—' : value);
  const uncertainty = isNucleolus(result)
    ? 'None: computed, not sampled (linear programs, then the tight system solved exactly; standard error 0)'
    : isExact(result)
      ? 'None: exact values (standard error 0)'
      : `95 % interval: value ± ${Z95} × standard error (normal approximation); see ${tableName}[Standard error]`;
  return [
    ['Game', result.game],
    ['Method', result.method],
    ['Players', result.players.length],
    ['Seed', orDash(result.seed)],
    ['Samples', orDash(result.samples)],
    ['Permutations', orDash(result.permutations)],
    ['Stopping rule', orDash(result.stoppedBy)],
    ['Backend', result.backend],
    ['Engine version', result.engineVersion],
    ...(result.solver ? [['LP solver', `${result.solver.name} ${result.solver.version}`] as [string, string]] : []),
    ['Job id', orDash(result.jobId)],
    ['Elapsed (ms)', orDash(result.elapsedMs)],
    ['Written', now.toISOString()],
    ['Uncertainty', uncertainty],
  ];
}

export async function writeShapleyResults(
  context: Excel.RequestContext,
  result: ShapleyResultForSheet,
  options: ShapleyResultsOptions = {},
): Promise<{ sheetName: string; tableName: string }> {
  checkResult(result);
  const now = options.now ?? new Date();
  const tables = context.workbook.tables;
  tables.load('items/name');
  const existingSheets = await sheetNames(context);
  const number = nextShapleyNumber(tables.items.map((t) => t.name), existingSheets);
  const sheetName = `${SHAPLEY_SHEET_PREFIX} ${number}`;
  const tableName = `${SHAPLEY_TABLE_PREFIX}${number}`;
  const n = result.players.length;
  const exact = isExact(result);

  const sheet = context.workbook.worksheets.add(sheetName);
  const title = sheet.getRange('A1');
  title.numberFormat = [['@']];
  title.values = [[`${resultTitle(result)}: ${result.game}`]];
  title.format.font.bold = true;
  title.format.font.size = 14;

  const lastRow = TABLE_TOP + n;
  const table = sheet.tables.add(rangeAddress(0, TABLE_TOP, SHAPLEY_COLUMNS.length - 1, lastRow), true);
  table.name = tableName;
  table.getHeaderRowRange().values = [[...SHAPLEY_COLUMNS]];
  const players = sheet.getRange(rangeAddress(0, TABLE_TOP + 1, 0, lastRow));
  players.numberFormat = result.players.map(() => ['@']);
  players.values = result.players.map((p) => [p]);
  const values = sheet.getRange(rangeAddress(1, TABLE_TOP + 1, 1, lastRow));
  values.values = result.values.map((v) => [v]);
  values.numberFormat = result.values.map(() => [VALUE_FORMAT]);
  addSourceNote(sheet, { address: cellAddress(1, TABLE_TOP + 1), text: shapleySourceNote(result) }, options.sourceNotes ?? 'prompts');
  const shares = sheet.getRange(rangeAddress(2, TABLE_TOP + 1, 2, lastRow));
  shares.formulas = result.values.map(() => ['=[@Value]/SUM([Value])']);
  shares.numberFormat = result.values.map(() => [SHARE_FORMAT]);
  const errors = sheet.getRange(rangeAddress(3, TABLE_TOP + 1, 3, lastRow));
  errors.values = result.values.map((_, i) => [result.standardErrors?.[i] ?? 0]);
  errors.numberFormat = result.values.map(() => [exact ? EXACT_SE_FORMAT : VALUE_FORMAT]);
  const bounds = sheet.getRange(rangeAddress(4, TABLE_TOP + 1, 5, lastRow));
  bounds.formulas = result.values.map(() => [`=[@Value]-${Z95}*[@[Standard error]]`, `=[@Value]+${Z95}*[@[Standard error]]`]);
  bounds.numberFormat = result.values.map(() => [VALUE_FORMAT, VALUE_FORMAT]);

  const metadata = shapleyMetadata(result, tableName, now);
  const metaTop = TABLE_TOP;
  const meta = sheet.getRange(rangeAddress(META_COLUMN, metaTop, META_COLUMN + 1, metaTop + metadata.length - 1));
  meta.numberFormat = metadata.map(([, value]) => ['@', typeof value === 'number' ? 'General' : '@']);
  meta.values = metadata;
  sheet.getRange(rangeAddress(META_COLUMN, metaTop, META_COLUMN, metaTop + metadata.length - 1)).format.font.bold = true;
  const sumRow = metaTop + metadata.length;
  const sumLabel = sheet.getRange(rangeAddress(META_COLUMN, sumRow, META_COLUMN, sumRow));
  sumLabel.values = [['Sum of values']];
  sumLabel.format.font.bold = true;
  const sum = sheet.getRange(rangeAddress(META_COLUMN + 1, sumRow, META_COLUMN + 1, sumRow));
  sum.formulas = [[`=SUM(${tableName}[Value])`]];
  sum.numberFormat = [[VALUE_FORMAT]];

  sheet.getRange(`A:${columnLetter(SHAPLEY_COLUMNS.length - 1)}`).format.columnWidth = 90;
  sheet.getRange('A:A').format.columnWidth = 160;
  sheet.getRange(`${columnLetter(META_COLUMN)}:${columnLetter(META_COLUMN)}`).format.columnWidth = 110;
  sheet.getRange(`${columnLetter(META_COLUMN + 1)}:${columnLetter(META_COLUMN + 1)}`).format.columnWidth = 220;

  const chart = sheet.charts.add('BarClustered', sheet.getRange(rangeAddress(0, TABLE_TOP, 1, lastRow)), 'Columns');
  chart.name = `${tableName} chart`;
  chart.title.text = `${resultTitle(result)}: ${result.game}`;
  chart.legend.visible = false;
  // The first player on top, as in the table.
  chart.axes.categoryAxis.reversePlotOrder = true;
  const chartTop = sumRow + 2;
  chart.setPosition(rangeAddress(META_COLUMN, chartTop, META_COLUMN, chartTop), rangeAddress(META_COLUMN + 5, chartTop + Math.max(15, n + 2), META_COLUMN + 5, chartTop + Math.max(15, n + 2)));

  sheet.activate();
  await context.sync();
  return { sheetName, tableName };
}

export interface ShapleyTableSummary {
  tableName: string;
  sheetName: string;
  players: string[];
  shares: number[];
}

/** The partageShapley table with the highest number, read; undefined when the workbook has none. */
export async function findLatestShapleyTable(context: Excel.RequestContext): Promise<ShapleyTableSummary | undefined> {
  const tables = context.workbook.tables;
  tables.load('items/name');
  await context.sync();
  let latest: { name: string; number: number } | undefined;
  for (const table of tables.items) {
    const match = TABLE_NAME.exec(table.name);
    if (match && (latest === undefined || Number(match[1]) > latest.number)) latest = { name: table.name, number: Number(match[1]) };
  }
  if (latest === undefined) return undefined;
  const table = tables.getItem(latest.name);
  const worksheet = table.worksheet;
  worksheet.load('name');
  const players = table.columns.getItem('Player').getDataBodyRange();
  const shares = table.columns.getItem('Share').getDataBodyRange();
  players.load('values');
  shares.load('values');
  await context.sync();
  return {
    tableName: latest.name,
    sheetName: worksheet.name,
    players: players.values.map((row) => String(row[0])),
    shares: shares.values.map((row) => Number(row[0])),
  };
}
