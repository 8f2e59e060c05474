/*
 * The press calculation (report §4.2.2, "Fehr-style"): revenue lines → share linked to the
 * works → counterfactual share → split. Two shapes of the same inputs: the draft is what the
 * form edits (text as typed, so that an invalid entry survives until corrected); the inputs are
 * the validated numbers that the sheet is written from and that the workbook stores.
 */
import type { Purpose, PurposeShareMode, RateSlice } from '../../engine/remuneration/purposeShare';
import { amountEntryText, percentEntryText, type Currency } from './numberEntry';

export type PurposeText = '1' | '2' | '3';

export interface RevenueLineDraft {
  label: string;
  amount: string;
  /** Used only when the draft's useDeductions is on. */
  deduction: string;
  /** Used only when the link share is per line. */
  linkShare: string;
  /** Used only when the counterfactual share is per line. */
  counterfactualShare: string;
  source: string;
}

export interface ShareDraft {
  /** One share for every line, or one per revenue line (on the lines themselves). */
  perLine: boolean;
  share: string;
  source: string;
}

export interface ScheduleRowDraft {
  purpose: PurposeText;
  from: string;
  rate: string;
}

export type SplitKind = 'bargaining' | 'purpose';

export interface SplitDraft {
  kind: SplitKind;
  /** The bargaining split, in percent. */
  rate: string;
  purpose: PurposeText;
  schedule: ScheduleRowDraft[];
  /** Minimum guarantee, optional (empty is none). */
  minimum: string;
  mode: PurposeShareMode;
  source: string;
}

export interface PressDraft {
  title: string;
  currency: Currency;
  useDeductions: boolean;
  lines: RevenueLineDraft[];
  link: ShareDraft;
  counterfactual: ShareDraft;
  split: SplitDraft;
}

export interface RevenueLineInput {
  label: string;
  revenue: number;
  /** 0 when the line has none. */
  deduction: number;
  source: string;
}

export type ShareInput =
  | { perLine: false; share: number; source: string }
  | { perLine: true; shares: number[]; source: string };

export type SplitInput =
  | { kind: 'bargaining'; rate: number; source: string }
  | { kind: 'purpose'; purpose: Purpose; schedule: RateSlice[]; minimum: number; mode: PurposeShareMode; source: string };

export interface PressInputs {
  title: string;
  currency: Currency;
  /** Whether the sheet has a deductions column (and TRANSFERBASE its deductions argument). */
  hasDeductions: boolean;
  lines: RevenueLineInput[];
  link: ShareInput;
  counterfactual: ShareInput;
  split: SplitInput;
}

export const PURPOSE_LABELS: Readonly<Record<PurposeText, string>> = {
  '1': '1 · generalist (basic rates)',
  '2': '2 · specialised, no output competition (intermediate)',
  '3': '3 · specialised, competing with the works (high)',
};

/** The names PARTAGE.PURPOSESHARE reads; written in the sheet so a schedule row reads as prose. */
export const PURPOSE_NAMES: Readonly<Record<Purpose, string>> = { 1: 'generalist', 2: 'specialised', 3: 'competing' };

export function emptyLine(index: number): RevenueLineDraft {
  return { label: `Revenue line ${index + 1}`, amount: '', deduction: '', linkShare: '', counterfactualShare: '', source: '' };
}

export function emptyDraft(): PressDraft {
  return {
    title: 'Press calculation',
    currency: 'CHF',
    useDeductions: false,
    lines: [emptyLine(0)],
    link: { perLine: false, share: '', source: '' },
    counterfactual: { perLine: false, share: '', source: '' },
    split: { kind: 'bargaining', rate: '', purpose: '1', schedule: [{ purpose: '1', from: '0', rate: '' }], minimum: '', mode: 'marginal', source: '' },
  };
}

/** The draft that shows validated inputs again (reopening a press sheet). */
export function draftFromInputs(inputs: PressInputs): PressDraft {
  const shareDraft = (share: ShareInput): ShareDraft => ({
    perLine: share.perLine,
    share: share.perLine ? '' : percentEntryText(share.share),
    source: share.source,
  });
  const lineShare = (share: ShareInput, i: number): string => (share.perLine ? percentEntryText(share.shares[i]) : '');
  const split = inputs.split;
  const base = emptyDraft().split;
  return {
    title: inputs.title,
    currency: inputs.currency,
    useDeductions: inputs.hasDeductions,
    lines: inputs.lines.map((line, i) => ({
      label: line.label,
      amount: amountEntryText(line.revenue),
      deduction: inputs.hasDeductions && line.deduction !== 0 ? amountEntryText(line.deduction) : '',
      linkShare: lineShare(inputs.link, i),
      counterfactualShare: lineShare(inputs.counterfactual, i),
      source: line.source,
    })),
    link: shareDraft(inputs.link),
    counterfactual: shareDraft(inputs.counterfactual),
    split:
      split.kind === 'bargaining'
        ? { ...base, kind: 'bargaining', rate: percentEntryText(split.rate), source: split.source }
        : {
            ...base,
            kind: 'purpose',
            purpose: String(split.purpose) as PurposeText,
            schedule: split.schedule.map((row) => ({
              purpose: String(row.purpose) as PurposeText,
              from: amountEntryText(row.from),
              rate: percentEntryText(row.rate),
            })),
            minimum: split.minimum === 0 ? '' : amountEntryText(split.minimum),
            mode: split.mode,
            source: split.source,
          },
  };
}

/**
 * The report's worked example (§4.2.2, after Fehr): CHF 1 bn of search revenue, 55 % linked to
 * news, 70 % who would not use the service without it, 40 % bargaining split. The wizard offers
 * it as a starting point; the figures (385 M base, 154 M to culture) are computed, not copied.
 */
export function fehrExample(): PressDraft {
  const draft = emptyDraft();
  draft.title = 'Press calculation: the report’s worked example';
  draft.lines = [
    {
      label: 'Search engine revenue, Switzerland',
      amount: '1,000,000,000',
      deduction: '',
      linkShare: '',
      counterfactualShare: '',
      source: 'CSPLA report §4.2.2 (after Fehr): market revenue CHF 1 bn',
    },
  ];
  draft.link = { perLine: false, share: '55', source: 'Share of queries linked to news content' };
  draft.counterfactual = { perLine: false, share: '70', source: 'Users who would not use the service without news content' };
  draft.split = { ...draft.split, kind: 'bargaining', rate: '40', source: 'Bargaining split between the operator and publishers' };
  return draft;
}
