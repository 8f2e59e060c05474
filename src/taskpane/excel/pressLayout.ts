/*
 * Where everything goes on a press sheet: a pure plan (cells, names, notes, chart) computed
 * from the inputs, which pressSheet.ts applies to the workbook. Keeping the layout pure lets
 * the tests read it, and lets the reader of stored inputs find the named cells again.
 *
 * Layout, top to bottom: title; A · revenue lines (label, revenue, [deduction], [per-line
 * shares], source); the shares when they are one for all lines; P · split; the result chain;
 * the sensitivity table; the tornado chart to the right of the sensitivity table.
 */
import { ENGINE_VERSION } from '../../engine/version';
import { EXCEL_PERCENT_FORMAT, excelMoneyFormat } from '../press/numberEntry';
import { PURPOSE_NAMES, type PressInputs } from '../press/pressModel';
import { SENSITIVITY_STEPS, sensitivityCases, type SensitivityCase } from '../press/sensitivity';
import { cellAddress, columnLetter, rangeAddress } from './a1';
import { amountFormula, lineName, linkedFormula, PRESS_NAMES, rateName, scenarioFormula, transferBaseFormula, type LineNameKind } from './pressFormulas';

export type CellStyle = 'title' | 'intro' | 'section' | 'header' | 'label' | 'input' | 'formula' | 'keyResult' | 'source';

export interface PlannedCell {
  address: string;
  value?: string | number;
  formula?: string;
  numberFormat?: string;
  style?: CellStyle;
}

export interface PlannedName {
  name: string;
  /** On the press sheet, e.g. "B6" or "B6:B8". */
  address: string;
  comment: string;
}

export interface PlannedNote {
  address: string;
  text: string;
}

export interface TornadoPlan {
  title: string;
  /** The two change columns with their header row: the chart's series. */
  seriesAddress: string;
  /** The inputs' labels: the categories. */
  categoriesAddress: string;
  /** Cells the chart covers. */
  topLeft: string;
  bottomRight: string;
}

export interface PressSheetPlan {
  cells: PlannedCell[];
  names: PlannedName[];
  notes: PlannedNote[];
  columnWidths: Array<{ column: string; points: number }>;
  sensitivity: SensitivityCase[];
  tornado: TornadoPlan;
}

export const TORNADO_CHART_NAME = 'partage tornado';

const COLUMN_WIDTHS: Readonly<Record<string, number>> = { A: 250, B: 120, C: 120, D: 120, E: 120, F: 120, G: 120, H: 120, I: 100 };
const SOURCE_WIDTH = 260;

export function planPressSheet(inputs: PressInputs): PressSheetPlan {
  const money = excelMoneyFormat(inputs.currency);
  const cells: PlannedCell[] = [];
  const names: PlannedName[] = [];
  const notes: PlannedNote[] = [];
  const put = (column: number, row: number, cell: Omit<PlannedCell, 'address'>): string => {
    const address = cellAddress(column, row);
    cells.push({ address, ...cell });
    return address;
  };
  const name = (n: string, address: string, comment: string): void => {
    names.push({ name: n, address, comment: comment.slice(0, 255) });
  };
  const note = (address: string, text: string): void => {
    if (text.trim() !== '') notes.push({ address, text });
  };

  const n = inputs.lines.length;
  put(0, 1, { value: inputs.title, style: 'title' });
  put(0, 2, {
    value: `Fehr-style press calculation (value transfer steps A and P). Shaded cells are inputs; every figure is a live PARTAGE formula on the named inputs. Amounts in ${inputs.currency}. Written by partage ${ENGINE_VERSION}.`,
    style: 'intro',
  });

  // A · revenue lines.
  put(0, 4, { value: 'A · Transfer base: revenue lines', style: 'section' });
  const header = 5;
  const firstLine = header + 1;
  const lastLine = header + n;
  type LineColumn = { title: string; kind?: LineNameKind; column: string; format: string; value: (i: number) => number };
  const lineColumns: LineColumn[] = [{ title: 'Revenue', kind: 'Revenue', column: PRESS_NAMES.revenue, format: money, value: (i) => inputs.lines[i].revenue }];
  if (inputs.hasDeductions) {
    lineColumns.push({ title: 'Deduction', kind: 'Deduction', column: PRESS_NAMES.deductions, format: money, value: (i) => inputs.lines[i].deduction });
  }
  if (inputs.link.perLine) {
    const shares = inputs.link.shares;
    lineColumns.push({ title: 'Share linked to the works', kind: 'LinkShare', column: PRESS_NAMES.link, format: EXCEL_PERCENT_FORMAT, value: (i) => shares[i] });
  }
  if (inputs.counterfactual.perLine) {
    const shares = inputs.counterfactual.shares;
    lineColumns.push({ title: 'Counterfactual share', kind: 'CounterfactualShare', column: PRESS_NAMES.counterfactual, format: EXCEL_PERCENT_FORMAT, value: (i) => shares[i] });
  }
  const sourceColumn = 1 + lineColumns.length;
  put(0, header, { value: 'Revenue line', style: 'header' });
  lineColumns.forEach((c, k) => put(1 + k, header, { value: c.title, style: 'header' }));
  put(sourceColumn, header, { value: 'Source', style: 'header' });
  inputs.lines.forEach((line, i) => {
    const row = firstLine + i;
    put(0, row, { value: line.label, style: 'label' });
    lineColumns.forEach((c, k) => {
      const address = put(1 + k, row, { value: c.value(i), numberFormat: c.format, style: 'input' });
      const kind = c.kind as LineNameKind;
      name(lineName(kind, i), address, `${c.title}, revenue line ${i + 1}: ${line.label}`);
      if (kind === 'Revenue') note(address, line.source);
      if (kind === 'LinkShare') note(address, inputs.link.source);
      if (kind === 'CounterfactualShare') note(address, inputs.counterfactual.source);
    });
    put(sourceColumn, row, { value: line.source, style: 'source' });
  });
  lineColumns.forEach((c, k) => name(c.column, rangeAddress(1 + k, firstLine, 1 + k, lastLine), `${c.title} of every revenue line`));
  const totalRow = lastLine + 1;
  put(0, totalRow, { value: 'Total', style: 'label' });
  put(1, totalRow, { formula: `=SUM(${PRESS_NAMES.revenue})`, numberFormat: money, style: 'formula' });
  if (inputs.hasDeductions) put(2, totalRow, { formula: `=SUM(${PRESS_NAMES.deductions})`, numberFormat: money, style: 'formula' });

  // Shares that are one for every line.
  let row = totalRow + 2;
  const shareRow = (label: string, nameText: string, share: number, source: string): void => {
    put(0, row, { value: label, style: 'label' });
    const address = put(1, row, { value: share, numberFormat: EXCEL_PERCENT_FORMAT, style: 'input' });
    put(2, row, { value: source, style: 'source' });
    name(nameText, address, label);
    note(address, source);
    row += 1;
  };
  if (!inputs.link.perLine) shareRow('Share linked to the works', PRESS_NAMES.link, inputs.link.share, inputs.link.source);
  if (!inputs.counterfactual.perLine) {
    shareRow('Counterfactual share: users who would not use the service without the works', PRESS_NAMES.counterfactual, inputs.counterfactual.share, inputs.counterfactual.source);
  }
  if (!inputs.link.perLine || !inputs.counterfactual.perLine) row += 1;

  // P · split.
  put(0, row, { value: 'P · Split', style: 'section' });
  row += 1;
  const split = inputs.split;
  if (split.kind === 'bargaining') {
    put(0, row, { value: 'Bargaining split: share of the base paid to rightholders', style: 'label' });
    const address = put(1, row, { value: split.rate, numberFormat: EXCEL_PERCENT_FORMAT, style: 'input' });
    put(2, row, { value: split.source, style: 'source' });
    name(PRESS_NAMES.splitRate, address, 'Bargaining split');
    note(address, split.source);
    row += 2;
  } else {
    put(0, row, { value: 'Intended purpose (generalist, specialised or competing)', style: 'label' });
    const purposeAddress = put(1, row, { value: PURPOSE_NAMES[split.purpose], style: 'input' });
    put(2, row, { value: split.source, style: 'source' });
    name(PRESS_NAMES.purpose, purposeAddress, 'Intended purpose of the AI system (report §4.3.1)');
    note(purposeAddress, split.source);
    row += 1;
    put(0, row, { value: 'Minimum guarantee', style: 'label' });
    name(PRESS_NAMES.minimum, put(1, row, { value: split.minimum, numberFormat: money, style: 'input' }), 'Minimum guarantee');
    row += 1;
    put(0, row, { value: 'Schedule mode (marginal or bracket)', style: 'label' });
    name(PRESS_NAMES.mode, put(1, row, { value: split.mode, style: 'input' }), 'marginal: each slice at its rate; bracket: the whole base at the rate of the highest slice reached');
    row += 2;
    put(0, row, { value: 'Rate schedule: purpose', style: 'header' });
    put(1, row, { value: 'From', style: 'header' });
    put(2, row, { value: 'Rate', style: 'header' });
    const firstSlice = row + 1;
    split.schedule.forEach((slice, j) => {
      const r = firstSlice + j;
      put(0, r, { value: PURPOSE_NAMES[slice.purpose as 1 | 2 | 3], style: 'input' });
      put(1, r, { value: slice.from, numberFormat: money, style: 'input' });
      name(rateName(j), put(2, r, { value: slice.rate, numberFormat: EXCEL_PERCENT_FORMAT, style: 'input' }), `Rate of schedule row ${j + 1}`);
    });
    const lastSlice = firstSlice + split.schedule.length - 1;
    name(PRESS_NAMES.schedule, rangeAddress(0, firstSlice, 2, lastSlice), 'Rate schedule [purpose, from, rate]: marginal slices starting at 0');
    row = lastSlice + 2;
  }

  // The chain.
  put(0, row, { value: 'Result', style: 'section' });
  row += 1;
  const result = (label: string, formula: string, format: string, nameText?: string, key = false, source?: string): void => {
    put(0, row, { value: label, style: 'label' });
    const address = put(1, row, { formula, numberFormat: format, style: key ? 'keyResult' : 'formula' });
    if (nameText !== undefined) name(nameText, address, label);
    if (source !== undefined) note(address, source);
    row += 1;
  };
  // The provenance of each figure, in its note (it travels with the cell when copied).
  const exact = `exact decimal arithmetic; engine ${ENGINE_VERSION}`;
  const baseSource = `PARTAGE.TRANSFERBASE: Σ (revenue − deduction) × link share × counterfactual share over the lines; ${exact}.`;
  const amountSource =
    inputs.split.kind === 'bargaining'
      ? `Transfer base × bargaining split (Excel arithmetic on the PARTAGE.TRANSFERBASE figure); engine ${ENGINE_VERSION}.`
      : `PARTAGE.PURPOSESHARE: the transfer base on the rate schedule of the purpose (${inputs.split.mode}), at least the minimum guarantee; ${exact}.`;
  result('Revenue', `=SUM(${PRESS_NAMES.revenue})`, money);
  if (inputs.hasDeductions) result('After deductions', `=SUM(${PRESS_NAMES.revenue})-SUM(${PRESS_NAMES.deductions})`, money);
  result('Linked to the works', linkedFormula(inputs), money, PRESS_NAMES.linked);
  result('Transfer base (A)', transferBaseFormula(inputs), money, PRESS_NAMES.base, true, baseSource);
  result('Amount to culture (P)', amountFormula(inputs), money, PRESS_NAMES.amount, true, amountSource);
  result('Share of revenue', `=IF(SUM(${PRESS_NAMES.revenue})=0,"",${PRESS_NAMES.amount}/SUM(${PRESS_NAMES.revenue}))`, EXCEL_PERCENT_FORMAT);

  // Sensitivity.
  row += 1;
  put(0, row, {
    value: 'Sensitivity: the amount to culture with one input changed at a time (shares and rates capped at 100 %; steps editable)',
    style: 'section',
  });
  row += 1;
  const sensitivityHeader = row;
  const cases = sensitivityCases(inputs);
  put(0, row, { value: 'Input', style: 'header' });
  put(1, row, { value: 'Value', style: 'header' });
  SENSITIVITY_STEPS.forEach((step, k) => put(2 + k, row, { value: step, numberFormat: '+0%;-0%;0%', style: 'header' }));
  const firstStep = `${columnLetter(2)}$${row}`;
  const lastStep = `${columnLetter(2 + SENSITIVITY_STEPS.length - 1)}$${row}`;
  const lowColumn = 2 + SENSITIVITY_STEPS.length;
  put(lowColumn, row, { formula: `="Change at "&TEXT(${firstStep},"+0%;-0%")`, style: 'header' });
  put(lowColumn + 1, row, { formula: `="Change at "&TEXT(${lastStep},"+0%;-0%")`, style: 'header' });
  put(lowColumn + 2, row, { value: 'Swing', style: 'header' });
  cases.forEach((c, k) => {
    const r = sensitivityHeader + 1 + k;
    put(0, r, { value: c.label, style: 'label' });
    put(1, r, { formula: `=${valueReference(c)}`, numberFormat: c.unit === 'share' ? EXCEL_PERCENT_FORMAT : money, style: 'formula' });
    SENSITIVITY_STEPS.forEach((_, s) => {
      const address = put(2 + s, r, { formula: scenarioFormula(inputs, c.input, `${columnLetter(2 + s)}$${sensitivityHeader}`), numberFormat: money, style: 'formula' });
      if (k === 0 && s === 0) note(address, `The amount to culture recomputed with one input changed by the step of its column (PARTAGE.TRANSFERBASE${inputs.split.kind === 'purpose' ? ' and PARTAGE.PURPOSESHARE' : ''}); ${exact}.`);
    });
    put(lowColumn, r, { formula: `=${cellAddress(2, r)}-${PRESS_NAMES.amount}`, numberFormat: money, style: 'formula' });
    put(lowColumn + 1, r, { formula: `=${cellAddress(lowColumn - 1, r)}-${PRESS_NAMES.amount}`, numberFormat: money, style: 'formula' });
    put(lowColumn + 2, r, { formula: `=ABS(${cellAddress(lowColumn + 1, r)}-${cellAddress(lowColumn, r)})`, numberFormat: money, style: 'formula' });
  });
  const lastCase = sensitivityHeader + Math.max(cases.length, 1);
  const chartColumn = lowColumn + 4;

  const maxColumn = Math.max(lowColumn + 2, sourceColumn);
  const columnWidths = Array.from({ length: maxColumn + 1 }, (_, c) => ({
    column: columnLetter(c),
    points: c === sourceColumn ? SOURCE_WIDTH : COLUMN_WIDTHS[columnLetter(c)] ?? 120,
  }));

  return {
    cells,
    names,
    notes,
    columnWidths,
    sensitivity: cases,
    tornado: {
      title: `Sensitivity of the amount to culture (${inputs.currency})`,
      seriesAddress: rangeAddress(lowColumn, sensitivityHeader, lowColumn + 1, lastCase),
      categoriesAddress: rangeAddress(0, sensitivityHeader + 1, 0, lastCase),
      topLeft: cellAddress(chartColumn, sensitivityHeader),
      bottomRight: cellAddress(chartColumn + 7, Math.max(lastCase, sensitivityHeader + 18)),
    },
  };
}

/** The name of the input cell a sensitivity row moves. */
function valueReference(c: SensitivityCase): string {
  const input = c.input;
  switch (input.kind) {
    case 'revenue':
      return lineName('Revenue', input.line);
    case 'deduction':
      return lineName('Deduction', input.line);
    case 'linkShare':
      return input.line === undefined ? PRESS_NAMES.link : lineName('LinkShare', input.line);
    case 'counterfactualShare':
      return input.line === undefined ? PRESS_NAMES.counterfactual : lineName('CounterfactualShare', input.line);
    case 'splitRate':
      return PRESS_NAMES.splitRate;
    case 'scheduleRate':
      return rateName(input.row);
    case 'minimum':
      return PRESS_NAMES.minimum;
  }
}
