/*
 * One-way sensitivity of the amount to culture: each input in turn moved by −20 %, −10 %,
 * +10 %, +20 % (factor 1 + step), the others held. The same rules are written into the sheet's
 * formulas (excel/pressFormulas.ts), so that the pane's preview and the sheet agree:
 *  - a share or a rate never exceeds 100 %: min(1, share × factor);
 *  - a deduction never exceeds its line's revenue, min(revenue, deduction × factor), and a
 *    revenue never falls below its deduction, max(deduction, revenue × factor) (the engine
 *    refuses a negative net line; the net is then 0).
 * The caps are applied whatever the sign of the step, as in the sheet, where the steps are
 * cells a counterpart may change.
 * Inputs that cannot move the result are left out: a deduction or a minimum of 0, and the
 * schedule rows of purposes other than the chosen one.
 */
import { pressAmount } from './pressFigures';
import { PURPOSE_NAMES, type PressInputs } from './pressModel';
import { amountEntryText, percentEntryText } from './numberEntry';

/** The steps as fractions; the factors are 1 + step, as the sheet's formulas compute them. */
export const SENSITIVITY_STEPS = [-0.2, -0.1, 0.1, 0.2] as const;
export const SENSITIVITY_FACTORS: readonly number[] = SENSITIVITY_STEPS.map((step) => 1 + step);

export type SensitivityInput =
  | { kind: 'revenue'; line: number }
  | { kind: 'deduction'; line: number }
  | { kind: 'linkShare'; line?: number }
  | { kind: 'counterfactualShare'; line?: number }
  | { kind: 'splitRate' }
  | { kind: 'scheduleRate'; row: number }
  | { kind: 'minimum' };

export interface SensitivityCase {
  input: SensitivityInput;
  label: string;
  /** The input's current value. */
  value: number;
  unit: 'money' | 'share';
  /** The amount to culture at each of SENSITIVITY_FACTORS. */
  amounts: number[];
  /** amount at −20 % minus the base amount. */
  lowDelta: number;
  /** amount at +20 % minus the base amount. */
  highDelta: number;
  /** |highDelta − lowDelta|: the length of the tornado bar. */
  swing: number;
}

function scaleShare(share: number, factor: number): number {
  return Math.min(1, share * factor);
}

/** The inputs with one of them scaled, under the caps described above. */
export function scaledInputs(inputs: PressInputs, input: SensitivityInput, factor: number): PressInputs {
  const lines = inputs.lines.map((line) => ({ ...line }));
  let { link, counterfactual, split } = inputs;
  switch (input.kind) {
    case 'revenue': {
      const line = lines[input.line];
      line.revenue = Math.max(line.deduction, line.revenue * factor);
      break;
    }
    case 'deduction': {
      const line = lines[input.line];
      line.deduction = Math.min(line.revenue, line.deduction * factor);
      break;
    }
    case 'linkShare':
    case 'counterfactualShare': {
      const share = input.kind === 'linkShare' ? link : counterfactual;
      const scaled = share.perLine
        ? { ...share, shares: share.shares.map((s, i) => (i === input.line ? scaleShare(s, factor) : s)) }
        : { ...share, share: scaleShare(share.share, factor) };
      if (input.kind === 'linkShare') link = scaled;
      else counterfactual = scaled;
      break;
    }
    case 'splitRate':
      if (split.kind === 'bargaining') split = { ...split, rate: scaleShare(split.rate, factor) };
      break;
    case 'scheduleRate':
      if (split.kind === 'purpose') {
        split = { ...split, schedule: split.schedule.map((row, j) => (j === input.row ? { ...row, rate: scaleShare(row.rate, factor) } : row)) };
      }
      break;
    case 'minimum':
      if (split.kind === 'purpose') split = { ...split, minimum: split.minimum * factor };
      break;
  }
  return { ...inputs, lines, link, counterfactual, split };
}

/** The inputs that can move the amount, in the order of the sheet. */
export function sensitivityInputs(inputs: PressInputs): Array<{ input: SensitivityInput; label: string; value: number; unit: 'money' | 'share' }> {
  const out: Array<{ input: SensitivityInput; label: string; value: number; unit: 'money' | 'share' }> = [];
  inputs.lines.forEach((line, i) => out.push({ input: { kind: 'revenue', line: i }, label: `Revenue: ${line.label}`, value: line.revenue, unit: 'money' }));
  if (inputs.hasDeductions) {
    inputs.lines.forEach((line, i) => {
      if (line.deduction > 0) out.push({ input: { kind: 'deduction', line: i }, label: `Deduction: ${line.label}`, value: line.deduction, unit: 'money' });
    });
  }
  const shares = (kind: 'linkShare' | 'counterfactualShare', title: string): void => {
    const share = kind === 'linkShare' ? inputs.link : inputs.counterfactual;
    if (share.perLine) {
      share.shares.forEach((s, i) => out.push({ input: { kind, line: i }, label: `${title}: ${inputs.lines[i].label}`, value: s, unit: 'share' }));
    } else {
      out.push({ input: { kind }, label: title, value: share.share, unit: 'share' });
    }
  };
  shares('linkShare', 'Share linked to the works');
  shares('counterfactualShare', 'Counterfactual share');
  const split = inputs.split;
  if (split.kind === 'bargaining') {
    out.push({ input: { kind: 'splitRate' }, label: 'Bargaining split', value: split.rate, unit: 'share' });
  } else {
    split.schedule.forEach((row, j) => {
      if (row.purpose !== split.purpose) return;
      out.push({
        input: { kind: 'scheduleRate', row: j },
        label: `Rate, ${PURPOSE_NAMES[split.purpose]} from ${amountEntryText(row.from)}`,
        value: row.rate,
        unit: 'share',
      });
    });
    if (split.minimum > 0) out.push({ input: { kind: 'minimum' }, label: 'Minimum guarantee', value: split.minimum, unit: 'money' });
  }
  return out;
}

/**
 * Every case, largest swing first, as the tornado chart shows them. Swings equal to 12
 * significant digits are ties and keep the sheet's order: in the Fehr case every input is a
 * factor of one product, and float noise must not shuffle them. Requires valid inputs.
 */
export function sensitivityCases(inputs: PressInputs): SensitivityCase[] {
  const baseAmount = pressAmount(inputs);
  const cases = sensitivityInputs(inputs).map(({ input, label, value, unit }): SensitivityCase => {
    const amounts = SENSITIVITY_FACTORS.map((factor) => pressAmount(scaledInputs(inputs, input, factor)));
    const lowDelta = amounts[0] - baseAmount;
    const highDelta = amounts[amounts.length - 1] - baseAmount;
    return { input, label, value, unit, amounts, lowDelta, highDelta, swing: Math.abs(highDelta - lowDelta) };
  });
  return cases
    .map((c, order) => ({ c, order, key: Number(c.swing.toPrecision(12)) }))
    .sort((a, b) => b.key - a.key || a.order - b.order)
    .map(({ c }) => c);
}

/** A stable key of an input, for React lists and test ids: "revenue-0", "linkShare", "scheduleRate-2". */
export function sensitivityKey(input: SensitivityInput): string {
  if ('line' in input && input.line !== undefined) return `${input.kind}-${input.line}`;
  if (input.kind === 'scheduleRate') return `${input.kind}-${input.row}`;
  return input.kind;
}

/** "55 %" or "1,000,000": the value as the pane shows it next to the case. */
export function sensitivityValueText(c: Pick<SensitivityCase, 'value' | 'unit'>): string {
  return c.unit === 'share' ? `${percentEntryText(c.value)} %` : amountEntryText(c.value);
}
