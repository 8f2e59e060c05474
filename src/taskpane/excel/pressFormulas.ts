/*
 * The formulas of a press sheet. They reference the sheet's names, never addresses, so that
 * an auditor reads "=PARTAGE.TRANSFERBASE(Revenue,LinkShare,CounterfactualShare)" and a
 * counterpart who moves rows keeps a working sheet.
 *
 * A sensitivity cell recomputes the whole chain with one input replaced by its scaled value.
 * A value inside a column of inputs is replaced with IF(ROW(column)=ROW(cell), scaled, column),
 * an array the PARTAGE functions take like the column itself (Excel evaluates it element-wise;
 * custom functions only exist in Excel versions with dynamic arrays). The caps are those of
 * press/sensitivity.ts.
 */
import type { PressInputs } from '../press/pressModel';
import type { SensitivityInput } from '../press/sensitivity';

/** The sheet-scoped names of a press sheet. */
export const PRESS_NAMES = {
  revenue: 'Revenue',
  deductions: 'Deductions',
  link: 'LinkShare',
  counterfactual: 'CounterfactualShare',
  linked: 'LinkedRevenue',
  base: 'TransferBase',
  splitRate: 'SplitRate',
  purpose: 'Purpose',
  schedule: 'RateSchedule',
  minimum: 'MinimumAmount',
  mode: 'ScheduleMode',
  amount: 'AmountToCulture',
} as const;

export type LineNameKind = 'Revenue' | 'Deduction' | 'LinkShare' | 'CounterfactualShare';

/** "Revenue_2": the cell of line i (0-based). */
export function lineName(kind: LineNameKind, line: number): string {
  return `${kind}_${line + 1}`;
}

/** "Rate_3": the rate cell of schedule row j (0-based). */
export function rateName(row: number): string {
  return `Rate_${row + 1}`;
}

interface TransferBaseArguments {
  revenue: string;
  link: string;
  counterfactual: string;
  deductions?: string;
}

function defaultArguments(inputs: PressInputs): TransferBaseArguments {
  return {
    revenue: PRESS_NAMES.revenue,
    link: PRESS_NAMES.link,
    counterfactual: PRESS_NAMES.counterfactual,
    deductions: inputs.hasDeductions ? PRESS_NAMES.deductions : undefined,
  };
}

function transferBaseCall(args: TransferBaseArguments): string {
  const deductions = args.deductions === undefined ? '' : `,${args.deductions}`;
  return `PARTAGE.TRANSFERBASE(${args.revenue},${args.link},${args.counterfactual}${deductions})`;
}

function splitCall(inputs: PressInputs, base: string, rate: string, schedule: string, minimum: string): string {
  if (inputs.split.kind === 'bargaining') return `${base}*${rate}`;
  return `PARTAGE.PURPOSESHARE(${base},${PRESS_NAMES.purpose},${schedule},${minimum},${PRESS_NAMES.mode})`;
}

/** Revenue linked to the works: step A without the counterfactual share. */
export function linkedFormula(inputs: PressInputs): string {
  return `=${transferBaseCall({ ...defaultArguments(inputs), counterfactual: '1' })}`;
}

export function transferBaseFormula(inputs: PressInputs): string {
  return `=${transferBaseCall(defaultArguments(inputs))}`;
}

export function amountFormula(inputs: PressInputs): string {
  return `=${splitCall(inputs, PRESS_NAMES.base, PRESS_NAMES.splitRate, PRESS_NAMES.schedule, PRESS_NAMES.minimum)}`;
}

/** The value of `column` with its element at `cell` replaced, or the replacement alone for a one-cell column. */
function replaceInColumn(column: string, cell: string, replacement: string, height: number): string {
  return height === 1 ? replacement : `IF(ROW(${column})=ROW(${cell}),${replacement},${column})`;
}

/**
 * The amount to culture with `input` multiplied by (1 + stepCell), stepCell being the cell
 * that holds the step ("C$40").
 */
export function scenarioFormula(inputs: PressInputs, input: SensitivityInput, stepCell: string): string {
  const factor = `(1+${stepCell})`;
  const n = inputs.lines.length;
  const args = defaultArguments(inputs);
  let rate: string = PRESS_NAMES.splitRate;
  let schedule: string = PRESS_NAMES.schedule;
  let minimum: string = PRESS_NAMES.minimum;
  let baseChanged = true;

  switch (input.kind) {
    case 'revenue': {
      const cell = lineName('Revenue', input.line);
      const scaled = inputs.hasDeductions ? `MAX(${lineName('Deduction', input.line)},${cell}*${factor})` : `${cell}*${factor}`;
      args.revenue = replaceInColumn(PRESS_NAMES.revenue, cell, scaled, n);
      break;
    }
    case 'deduction': {
      const cell = lineName('Deduction', input.line);
      args.deductions = replaceInColumn(PRESS_NAMES.deductions, cell, `MIN(${lineName('Revenue', input.line)},${cell}*${factor})`, n);
      break;
    }
    case 'linkShare':
    case 'counterfactualShare': {
      const column = input.kind === 'linkShare' ? PRESS_NAMES.link : PRESS_NAMES.counterfactual;
      const kind: LineNameKind = input.kind === 'linkShare' ? 'LinkShare' : 'CounterfactualShare';
      const replaced =
        input.line === undefined
          ? `MIN(1,${column}*${factor})`
          : replaceInColumn(column, lineName(kind, input.line), `MIN(1,${lineName(kind, input.line)}*${factor})`, n);
      if (input.kind === 'linkShare') args.link = replaced;
      else args.counterfactual = replaced;
      break;
    }
    case 'splitRate':
      rate = `MIN(1,${PRESS_NAMES.splitRate}*${factor})`;
      baseChanged = false;
      break;
    case 'scheduleRate': {
      const cell = rateName(input.row);
      schedule = `IF((ROW(${PRESS_NAMES.schedule})=ROW(${cell}))*(COLUMN(${PRESS_NAMES.schedule})=COLUMN(${cell})),MIN(1,${cell}*${factor}),${PRESS_NAMES.schedule})`;
      baseChanged = false;
      break;
    }
    case 'minimum':
      minimum = `${PRESS_NAMES.minimum}*${factor}`;
      baseChanged = false;
      break;
  }
  const base = baseChanged ? transferBaseCall(args) : PRESS_NAMES.base;
  return `=${splitCall(inputs, base, rate, schedule, minimum)}`;
}
