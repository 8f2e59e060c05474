/*
 * Draft → validated inputs, with one message per problem naming the row ("Revenue line 2:
 * amount must be a number ≥ 0"), and the running figure of every step whose inputs (and those
 * of the steps before it) are valid.
 *
 * The text is parsed here; the domain rules (a deduction above its revenue, a schedule whose
 * slices do not start at 0 or go backwards) are the engine's, whose errors are mapped to rows.
 */
import { EngineInputError } from '../../engine/errors';
import type { Purpose, RateSlice } from '../../engine/remuneration/purposeShare';
import { purposeShare } from '../../engine/remuneration/purposeShare';
import { transferBase } from '../../engine/remuneration/transferBase';
import { parseAmount, parsePercent, type Parsed } from './numberEntry';
import { engineLines, splitAmount } from './pressFigures';
import type { PressDraft, PressInputs, RevenueLineInput, ShareDraft, ShareInput, SplitInput } from './pressModel';

export const PRESS_STEPS = ['revenue', 'link', 'counterfactual', 'split', 'review'] as const;
export type PressStep = (typeof PRESS_STEPS)[number];

export interface PressIssue {
  step: PressStep;
  /** Which control: "lines.1.amount", "link.share", "split.schedule.0.rate"… (0-based rows). */
  field: string;
  message: string;
}

/** The running figure of each step; undefined until that step and those before it are valid. */
export interface RunningFigures {
  revenue?: number;
  afterDeductions?: number;
  linked?: number;
  base?: number;
  amount?: number;
  shareOfRevenue?: number | null;
  minimumApplied?: boolean;
}

export interface PressValidation {
  issues: PressIssue[];
  /** Present when there is no issue at all. */
  inputs?: PressInputs;
  figures: RunningFigures;
}

/** "must be a number ≥ 0" for what is not a number, the parser's own reason otherwise. */
function amountReason(parsed: Parsed & { ok: false }): string {
  if (parsed.reason === 'is empty') return 'is required';
  if (parsed.reason === 'must be a number' || parsed.reason === 'must be ≥ 0') return 'must be a number ≥ 0';
  return parsed.reason;
}

function percentReason(parsed: Parsed & { ok: false }): string {
  if (parsed.reason === 'is empty') return 'is required';
  if (parsed.reason === 'must be a percentage' || parsed.reason === 'must be from 0 % to 100 %') return 'must be a percentage from 0 % to 100 %';
  return parsed.reason;
}

export function lineLabel(draft: PressDraft, i: number): string {
  return draft.lines[i].label.trim() === '' ? `Revenue line ${i + 1}` : draft.lines[i].label.trim();
}

export function validatePress(draft: PressDraft): PressValidation {
  const issues: PressIssue[] = [];
  const figures: RunningFigures = {};
  const add = (step: PressStep, field: string, message: string): void => {
    issues.push({ step, field, message });
  };

  // Revenue lines.
  const lines: RevenueLineInput[] = [];
  let linesValid = draft.lines.length > 0;
  if (draft.lines.length === 0) add('revenue', 'lines', 'At least one revenue line is needed');
  draft.lines.forEach((line, i) => {
    const row = `Revenue line ${i + 1}`;
    const amount = parseAmount(line.amount);
    if (!amount.ok) add('revenue', `lines.${i}.amount`, `${row}: amount ${amountReason(amount)}`);
    let deduction = 0;
    if (draft.useDeductions && line.deduction.trim() !== '') {
      const parsed = parseAmount(line.deduction);
      if (parsed.ok) deduction = parsed.value;
      else add('revenue', `lines.${i}.deduction`, `${row}: deduction ${amountReason(parsed)}`);
    }
    if (!amount.ok || issues.some((issue) => issue.field === `lines.${i}.deduction`)) linesValid = false;
    lines.push({ label: lineLabel(draft, i), revenue: amount.ok ? amount.value : 0, deduction, source: line.source.trim() });
  });
  if (linesValid) {
    const checked = engineStep(() => transferBase(engineLines(lines)), (error) => {
      if (error.field === 'deductions' || error.field === 'revenue') {
        const i = error.index ?? 0;
        add('revenue', `lines.${i}.${error.field === 'deductions' ? 'deduction' : 'amount'}`, `Revenue line ${i + 1}: ${error.detail}`);
        return true;
      }
      return false;
    });
    if (checked === undefined) linesValid = false;
    else {
      figures.revenue = checked.steps.revenue;
      figures.afterDeductions = checked.steps.afterDeductions;
    }
  }

  const link = readShare(draft, draft.link, 'link', 'Share linked to the works', 'share linked to the works', add);
  const counterfactual = readShare(draft, draft.counterfactual, 'counterfactual', 'Counterfactual share', 'counterfactual share', add);

  if (linesValid && link !== undefined) {
    figures.linked = transferBase(engineLines(lines, link)).base;
    if (counterfactual !== undefined) figures.base = transferBase(engineLines(lines, link, counterfactual)).base;
  }

  const split = readSplit(draft, figures.base ?? 0, add);
  if (split !== undefined && figures.base !== undefined && figures.revenue !== undefined) {
    const { amount, minimumApplied } = splitAmount(figures.base, split);
    figures.amount = amount;
    figures.minimumApplied = minimumApplied;
    figures.shareOfRevenue = figures.revenue === 0 ? null : amount / figures.revenue;
  }

  if (issues.length > 0 || link === undefined || counterfactual === undefined || split === undefined) return { issues, figures };
  return {
    issues,
    figures,
    inputs: {
      title: draft.title.trim() === '' ? 'Press calculation' : draft.title.trim(),
      currency: draft.currency,
      hasDeductions: draft.useDeductions,
      lines,
      link,
      counterfactual,
      split,
    },
  };
}

/** Runs an engine call; an EngineInputError the mapper reports is swallowed (undefined), others rethrown. */
function engineStep<T>(call: () => T, report: (error: EngineInputError) => boolean): T | undefined {
  try {
    return call();
  } catch (error) {
    if (error instanceof EngineInputError && report(error)) return undefined;
    throw error;
  }
}

function readShare(
  draft: PressDraft,
  share: ShareDraft,
  step: 'link' | 'counterfactual',
  title: string,
  lower: string,
  add: (step: PressStep, field: string, message: string) => void,
): ShareInput | undefined {
  const source = share.source.trim();
  // With one line, "per line" is one share: the form then shows the single field.
  if (!share.perLine || draft.lines.length < 2) {
    const parsed = parsePercent(share.share);
    if (parsed.ok) return { perLine: false, share: parsed.value, source };
    add(step, `${step}.share`, `${title}: ${percentReason(parsed)}`);
    return undefined;
  }
  const key = step === 'link' ? 'linkShare' : 'counterfactualShare';
  const shares: number[] = [];
  draft.lines.forEach((line, i) => {
    const parsed = parsePercent(line[key]);
    if (parsed.ok) shares.push(parsed.value);
    else add(step, `lines.${i}.${key}`, `Revenue line ${i + 1}: ${lower} ${percentReason(parsed)}`);
  });
  return shares.length === draft.lines.length && shares.length > 0 ? { perLine: true, shares, source } : undefined;
}

function readSplit(draft: PressDraft, base: number, add: (step: PressStep, field: string, message: string) => void): SplitInput | undefined {
  const split = draft.split;
  const source = split.source.trim();
  if (split.kind === 'bargaining') {
    const rate = parsePercent(split.rate);
    if (rate.ok) return { kind: 'bargaining', rate: rate.value, source };
    add('split', 'split.rate', `Bargaining split: rate ${percentReason(rate)}`);
    return undefined;
  }

  let valid = true;
  const schedule: RateSlice[] = [];
  if (split.schedule.length === 0) {
    add('split', 'split.schedule', 'Rate schedule: at least one row [purpose, from, rate] is needed');
    valid = false;
  }
  split.schedule.forEach((row, j) => {
    const from = parseAmount(row.from);
    const rate = parsePercent(row.rate);
    if (!from.ok) add('split', `split.schedule.${j}.from`, `Rate schedule row ${j + 1}: from ${amountReason(from)}`);
    if (!rate.ok) add('split', `split.schedule.${j}.rate`, `Rate schedule row ${j + 1}: rate ${percentReason(rate)}`);
    if (!from.ok || !rate.ok) valid = false;
    else schedule.push({ purpose: Number(row.purpose), from: from.value, rate: rate.value });
  });
  let minimum = 0;
  if (split.minimum.trim() !== '') {
    const parsed = parseAmount(split.minimum);
    if (parsed.ok) minimum = parsed.value;
    else {
      add('split', 'split.minimum', `Minimum guarantee: ${amountReason(parsed)}`);
      valid = false;
    }
  }
  if (!valid) return undefined;

  const purpose = Number(split.purpose) as Purpose;
  const checked = engineStep(() => purposeShare(base, purpose, schedule, { minimum, mode: split.mode }), (error) => {
    if (error.field !== 'rates') return false;
    if (error.index === undefined) add('split', 'split.schedule', `Rate schedule: ${error.detail}`);
    else add('split', `split.schedule.${error.index}`, `Rate schedule row ${error.index + 1}: ${error.detail}`);
    return true;
  });
  if (checked === undefined) return undefined;
  return { kind: 'purpose', purpose, schedule, minimum, mode: split.mode, source };
}
