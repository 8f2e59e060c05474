/*
 * A distribution sheet: the payouts of a holders range as one live PARTAGE.PAYTOTRAIN formula
 * (it spills one payout per holder), and, when a Shapley batch table exists, a comparison:
 * each holder's Shapley share looked up in that table by name, times the same amount.
 *
 * The names Holders, Counts and Weights (scoped to this sheet) refer to the holders range
 * itself, so that PAYTOTRAIN reads it as it stands (empty rows included) and edits there flow
 * through. The holder, count and weight columns here mirror it for reading.
 */
import { excelMoneyFormat, type Currency } from '../press/numberEntry';
import { cellAddress, columnLetter, parseAddress, quoteSheetName, rangeAddress, sheetReference } from './a1';
import { PRESS_NAMES } from './pressFormulas';
import { addSourceNote, type SheetNote } from './plannedSheet';
import type { SourceNoteMode } from './pressSheet';
import { uniqueSheetName } from './sheetNames';
import { ENGINE_VERSION } from '../../engine/version';

export type DistributionAmount = { kind: 'value'; value: number } | { kind: 'press'; sheetName: string };

export interface DistributionSpec {
  /** The holders' rows without their header: "'Holders'!A2:C6" (sheet-qualified). */
  holdersAddress: string;
  /** Whether the range has a third column of weights. */
  hasWeights: boolean;
  amount: DistributionAmount;
  currency: Currency;
  minimumPayout: number;
  decimals: number;
  /** The partageShapley table to compare with, if any. */
  shapleyTable?: string;
}

export const DISTRIBUTION_NAMES = {
  amount: 'Amount',
  minimumPayout: 'MinimumPayout',
  decimals: 'Decimals',
  holders: 'Holders',
  counts: 'Counts',
  weights: 'Weights',
} as const;

const SHARE_FORMAT = '0.00%';
const HEADER_ROW = 8;

export interface DistributionLayout {
  cells: Array<{ address: string; value?: string | number; formula?: string; numberFormat?: string; bold?: boolean }>;
  names: Array<{ name: string; reference: string; comment: string }>;
  notes: SheetNote[];
  /** The payout column's first cell (the PAYTOTRAIN formula) and the rows it spills over. */
  payoutAddress: string;
  rows: number;
}

/** The cells and names of a distribution sheet, before any workbook call (pure). */
export function planDistribution(spec: DistributionSpec): DistributionLayout {
  const parsed = parseAddress(spec.holdersAddress);
  if (parsed === undefined || parsed.sheet === undefined) {
    throw new Error(`holdersAddress: expected a sheet-qualified range such as 'Holders'!A2:C10, got "${spec.holdersAddress}"`);
  }
  const width = parsed.toColumn - parsed.fromColumn + 1;
  if (width !== (spec.hasWeights ? 3 : 2)) {
    throw new Error(`holdersAddress: expected ${spec.hasWeights ? 3 : 2} columns (holder, count${spec.hasWeights ? ', weight' : ''}), got ${width}`);
  }
  const source = parsed.sheet;
  const rows = parsed.toRow - parsed.fromRow + 1;
  const column = (k: number): string => sheetReference(source, rangeAddress(parsed.fromColumn + k, parsed.fromRow, parsed.fromColumn + k, parsed.toRow));
  const money = excelMoneyFormat(spec.currency);
  const cells: DistributionLayout['cells'] = [];
  const names: DistributionLayout['names'] = [
    { name: DISTRIBUTION_NAMES.holders, reference: `=${column(0)}`, comment: 'The holders (from the holders range)' },
    { name: DISTRIBUTION_NAMES.counts, reference: `=${column(1)}`, comment: 'Number of works (or units) of each holder' },
  ];
  if (spec.hasWeights) names.push({ name: DISTRIBUTION_NAMES.weights, reference: `=${column(2)}`, comment: 'Weight of one unit of each holder' });

  cells.push({ address: 'A1', value: 'Distribution: pay to train', bold: true });
  cells.push({
    address: 'A2',
    value: `Payouts pro rata to count × weight (report §4.3.1), live on the holders range ${quoteSheetName(source)}!${rangeAddress(parsed.fromColumn, parsed.fromRow, parsed.toColumn, parsed.toRow)}; they sum exactly to the amount.`,
  });
  const input = (row: number, label: string, name: string, content: { value?: number; formula?: string }, format: string, comment: string): void => {
    cells.push({ address: `A${row}`, value: label });
    cells.push({ address: `B${row}`, ...content, numberFormat: format });
    names.push({ name, reference: `B${row}`, comment });
  };
  input(
    4,
    'Amount to distribute',
    DISTRIBUTION_NAMES.amount,
    spec.amount.kind === 'value' ? { value: spec.amount.value } : { formula: `=${quoteSheetName(spec.amount.sheetName)}!${PRESS_NAMES.amount}` },
    money,
    spec.amount.kind === 'value' ? 'Amount to distribute' : `Amount to culture of press sheet ${spec.amount.sheetName}`,
  );
  input(5, 'Minimum payout', DISTRIBUTION_NAMES.minimumPayout, { value: spec.minimumPayout }, money, 'Holders below it get 0 and the others share their payout');
  input(6, 'Decimals', DISTRIBUTION_NAMES.decimals, { value: spec.decimals }, '0', 'Payouts are rounded to these decimals by largest remainder');

  const headers = ['Holder', 'Count', ...(spec.hasWeights ? ['Weight'] : []), 'Pay-to-train payout'];
  if (spec.shapleyTable !== undefined) headers.push('Shapley share', 'Shapley-based amount', 'Difference');
  headers.forEach((title, k) => cells.push({ address: cellAddress(k, HEADER_ROW), value: title, bold: true }));
  const first = HEADER_ROW + 1;
  const last = HEADER_ROW + rows;
  const payoutColumn = spec.hasWeights ? 3 : 2;
  for (let i = 0; i < rows; i++) {
    const row = first + i;
    const sourceCell = (k: number): string => sheetReference(source, cellAddress(parsed.fromColumn + k, parsed.fromRow + i));
    // &"" shows an empty holder cell as empty, not 0.
    cells.push({ address: cellAddress(0, row), formula: `=${sourceCell(0)}&""` });
    cells.push({ address: cellAddress(1, row), formula: `=${sourceCell(1)}`, numberFormat: '#,##0.##' });
    if (spec.hasWeights) cells.push({ address: cellAddress(2, row), formula: `=${sourceCell(2)}`, numberFormat: '#,##0.####' });
    if (spec.shapleyTable !== undefined) {
      const table = spec.shapleyTable;
      const share = cellAddress(payoutColumn + 1, row);
      const amount = cellAddress(payoutColumn + 2, row);
      cells.push({
        address: share,
        formula: `=IFERROR(INDEX(${table}[Share],MATCH(TRIM(${cellAddress(0, row)}),TRIM(${table}[Player]),0)),"")`,
        numberFormat: SHARE_FORMAT,
      });
      cells.push({ address: amount, formula: `=IF(${share}="","",${share}*${DISTRIBUTION_NAMES.amount})`, numberFormat: money });
      cells.push({ address: cellAddress(payoutColumn + 3, row), formula: `=IF(${amount}="","",${amount}-${cellAddress(payoutColumn, row)})`, numberFormat: money });
    }
  }
  const weights = spec.hasWeights ? DISTRIBUTION_NAMES.weights : '';
  const payoutAddress = cellAddress(payoutColumn, first);
  cells.push({
    address: payoutAddress,
    formula: `=PARTAGE.PAYTOTRAIN(${DISTRIBUTION_NAMES.amount},${DISTRIBUTION_NAMES.counts},${weights},${DISTRIBUTION_NAMES.minimumPayout},${DISTRIBUTION_NAMES.decimals})`,
    numberFormat: money,
  });
  for (let row = first + 1; row <= last; row++) cells.push({ address: cellAddress(payoutColumn, row), numberFormat: money });

  const totalRow = last + 1;
  const sum = (k: number, format: string): void => {
    cells.push({ address: cellAddress(k, totalRow), formula: `=SUM(${rangeAddress(k, first, k, last)})`, numberFormat: format, bold: true });
  };
  cells.push({ address: cellAddress(0, totalRow), value: 'Total', bold: true });
  sum(1, '#,##0.##');
  sum(payoutColumn, money);
  if (spec.shapleyTable !== undefined) {
    sum(payoutColumn + 1, SHARE_FORMAT);
    sum(payoutColumn + 2, money);
    const table = spec.shapleyTable;
    cells.push({
      address: cellAddress(0, totalRow + 2),
      formula: `=COUNT(${rangeAddress(payoutColumn + 1, first, payoutColumn + 1, last)})&" of "&ROWS(${DISTRIBUTION_NAMES.holders})&" holders found in ${table}; a Shapley share is of the whole game, so those of the holders found need not sum to 100 %."`,
    });
  }
  // The provenance of the figures, in notes that travel with the cells.
  const notes: SheetNote[] = [
    {
      address: payoutAddress,
      text: `PARTAGE.PAYTOTRAIN: the amount pro rata to count${spec.hasWeights ? ' × weight' : ''}, holders below the minimum payout at 0, rounded to Decimals by largest remainder so that the payouts sum to the amount exactly. Engine ${ENGINE_VERSION}.`,
    },
    ...(spec.shapleyTable !== undefined
      ? [{ address: cellAddress(payoutColumn + 2, first), text: `Each holder's share in ${spec.shapleyTable} (its seed, method, backend and engine version are beside that table) × the amount: Excel arithmetic.` }]
      : []),
  ];
  return { cells, names, notes, payoutAddress, rows };
}

/** Writes a new sheet "Distribution n" and returns its name. */
export async function writeDistributionSheet(context: Excel.RequestContext, spec: DistributionSpec, sourceNotes: SourceNoteMode = 'notes'): Promise<{ sheetName: string }> {
  const layout = planDistribution(spec);
  const sheetName = await uniqueSheetName(context, 'Distribution');
  const sheet = context.workbook.worksheets.add(sheetName);
  for (const cell of layout.cells) {
    const range = sheet.getRange(cell.address);
    if (cell.numberFormat !== undefined) range.numberFormat = [[cell.numberFormat]];
    else if (typeof cell.value === 'string') range.numberFormat = [['@']];
    if (cell.formula !== undefined) range.formulas = [[cell.formula]];
    else if (cell.value !== undefined) range.values = [[cell.value]];
    if (cell.bold) range.format.font.bold = true;
  }
  for (const n of layout.names) {
    const reference = n.reference.startsWith('=') ? n.reference : `=${sheetReference(sheetName, n.reference)}`;
    sheet.names.add(n.name, reference, n.comment);
  }
  for (const note of layout.notes) addSourceNote(sheet, note, sourceNotes);
  sheet.getRange('A:A').format.columnWidth = 200;
  sheet.getRange(`B:${columnLetter(6)}`).format.columnWidth = 120;
  sheet.activate();
  await context.sync();
  return { sheetName };
}
