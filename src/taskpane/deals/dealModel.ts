/*
 * The deal comparison's model: one revenue forecast (periods × low, base, high, with optional
 * units for fees per output), several offers, each a structure of PARTAGE.LICENCEPAYMENTS terms,
 * and the pane's preview, computed by calling the function through the registry (the adapter
 * Excel calls), so that the preview and the sheet agree.
 *
 * Every kind of offer is LICENCEPAYMENTS with some terms at zero: a flat fee is an upfront fee
 * (a non-recoupable advance) and/or a fixed fee per period (a minimum with no revenue share);
 * the commons levy (seed 001) is LICENCEPAYMENTS on the revenue above the exemption, and goes to
 * a fund, not to rightholders, so it is shown apart. A revenue share may follow a tiered schedule
 * instead of one rate (rightholders' offers often do): each period's royalties are then
 * PARTAGE.PURPOSESHARE of its revenue on the schedule, and LICENCEPAYMENTS takes them at 100 %,
 * so that advances, minimums and fees apply to them as to a flat share.
 */
import type { PurposeShareMode } from '../../engine/remuneration/purposeShare';
import { parseNumberText } from '../../functions/cells';
import { callFunction, FUNCTIONS } from '../../functions/registry';

export const SCENARIOS = ['low', 'base', 'high'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const SCENARIO_TITLES: Readonly<Record<Scenario, string>> = { low: 'Low', base: 'Base', high: 'High' };

export const OFFER_KINDS = ['share', 'flat', 'advance', 'minimum', 'perOutput', 'levy', 'mix'] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

export const OFFER_KIND_TITLES: Readonly<Record<OfferKind, string>> = {
  share: 'Revenue share',
  flat: 'Flat fee',
  advance: 'Advance + royalties',
  minimum: 'Minimum guarantee',
  perOutput: 'Fee per output',
  levy: 'Commons levy',
  mix: 'Mix',
};

export type TermField = 'rate' | 'advance' | 'recoupable' | 'minimum' | 'unitFee' | 'exemption' | 'schedule';
export type NumberField = Exclude<TermField, 'recoupable' | 'schedule'>;

/** The terms each kind of offer uses; the others are 0 (recoupable: see defaultRecoupable). */
export const KIND_FIELDS: Readonly<Record<OfferKind, readonly TermField[]>> = {
  share: ['rate'],
  flat: ['advance', 'minimum'],
  advance: ['rate', 'advance', 'recoupable'],
  minimum: ['rate', 'minimum'],
  perOutput: ['unitFee'],
  levy: ['rate', 'exemption'],
  mix: ['rate', 'advance', 'recoupable', 'minimum', 'unitFee'],
};

/** The kinds whose revenue share may follow a tiered schedule (not the levy: its rate is a tax's). */
export function canBeTiered(kind: OfferKind): boolean {
  return kind !== 'levy' && KIND_FIELDS[kind].includes('rate');
}

/** How a field is called for each kind (a flat fee's advance is its upfront fee). */
export function fieldLabel(kind: OfferKind, field: TermField): string {
  switch (field) {
    case 'rate':
      return kind === 'levy' ? 'levy rate' : 'revenue share';
    case 'advance':
      return kind === 'flat' ? 'upfront fee' : 'advance';
    case 'recoupable':
      return 'recoupable';
    case 'minimum':
      return kind === 'flat' ? 'fee per period' : 'minimum per period';
    case 'unitFee':
      return 'fee per output';
    case 'exemption':
      return 'exemption per period';
    case 'schedule':
      return 'rate schedule';
  }
}

export interface Offer {
  name: string;
  kind: OfferKind;
  /** A fraction: 0.12 is 12 %. */
  rate: number;
  advance: number;
  recoupable: boolean;
  minimum: number;
  unitFee: number;
  /** Levy only: revenue per period below it pays nothing. */
  exemption: number;
  /**
   * A tiered revenue share in place of `rate` (which is then 0): slices from 0 in increasing
   * order, as PURPOSESHARE reads them; `marginal` (each slice at its rate) or `bracket` (the
   * whole revenue at the rate of the highest slice reached).
   */
  schedule?: RateTier[];
  scheduleMode?: PurposeShareMode;
}

export interface RateTier {
  from: number;
  /** A fraction. */
  rate: number;
}

export function isTiered(offer: Pick<Offer, 'kind' | 'schedule'>): offer is Pick<Offer, 'kind'> & { schedule: RateTier[] } {
  return offer.schedule !== undefined && canBeTiered(offer.kind);
}

export interface DealInputs {
  title: string;
  periods: string[];
  revenue: Record<Scenario, number[]>;
  units: Record<Scenario, number[]>;
  /** Per period, for Excel's NPV. */
  discountRate: number;
  offers: Offer[];
  /** The two offers (indices) whose break-even revenue the sheet works out. */
  breakEven: [number, number];
}

export function isLevy(offer: Pick<Offer, 'kind'>): boolean {
  return offer.kind === 'levy';
}

export function paidTo(offer: Pick<Offer, 'kind'>): string {
  return isLevy(offer) ? 'commons fund' : 'rightholders';
}

// ---------------------------------------------------------------------------------------------
// The draft: what the form holds, as typed.

export interface OfferDraft {
  id: string;
  name: string;
  kind: OfferKind;
  rate: string;
  advance: string;
  recoupable: boolean;
  minimum: string;
  unitFee: string;
  exemption: string;
  /** A tiered schedule in place of the rate, typed as lines "from rate". */
  tiered: boolean;
  schedule: string;
  scheduleMode: PurposeShareMode;
}

export interface DealDraft {
  title: string;
  forecastText: string;
  discountRate: string;
  offers: OfferDraft[];
  breakEven: [string, string];
}

let nextId = 1;
export function newOfferId(): string {
  nextId += 1;
  return `offer-${nextId}`;
}

export function emptyOffer(kind: OfferKind = 'share', name = ''): OfferDraft {
  return { id: newOfferId(), name, kind, rate: '', advance: '', recoupable: kind !== 'flat', minimum: '', unitFee: '', exemption: '', tiered: false, schedule: '', scheduleMode: 'marginal' };
}

export function emptyDealDraft(): DealDraft {
  const a = emptyOffer('share', 'Offer 1');
  const b = emptyOffer('flat', 'Offer 2');
  return { title: '', forecastText: '', discountRate: '8 %', offers: [a, b], breakEven: [a.id, b.id] };
}

/** A five-year licence of a catalogue to a model maker: the offers on the table in seed 002's terms. */
export function exampleDealDraft(): DealDraft {
  const offers: OfferDraft[] = [
    { ...emptyOffer('share', 'Revenue share 10 %'), rate: '10 %' },
    { ...emptyOffer('flat', 'Flat fee'), advance: '250000' },
    { ...emptyOffer('advance', 'Advance + 12 %'), rate: '12 %', advance: '150000' },
    { ...emptyOffer('minimum', 'MG 60k + 8 %'), rate: '8 %', minimum: '60000' },
    { ...emptyOffer('perOutput', 'Per output'), unitFee: '0.002' },
    { ...emptyOffer('share', 'Tiered 8–12 %'), tiered: true, schedule: ['0\t8 %', '500000\t10 %', '1000000\t12 %'].join('\n') },
    { ...emptyOffer('levy', 'Commons levy 2 %'), rate: '2 %', exemption: '300000' },
  ];
  return {
    title: 'Catalogue licence, 2027–2031',
    forecastText: [
      'Year\tLow\tBase\tHigh\tUnits',
      '2027\t200000\t400000\t700000\t30000000',
      '2028\t300000\t600000\t1000000\t45000000',
      '2029\t350000\t800000\t1400000\t60000000',
      '2030\t400000\t950000\t1800000\t70000000',
      '2031\t400000\t1100000\t2200000\t80000000',
    ].join('\n'),
    discountRate: '8 %',
    offers,
    breakEven: [offers[0].id, offers[1].id],
  };
}

function numberText(x: number, percent = false): string {
  return percent ? `${Number((x * 100).toPrecision(12))} %` : String(x);
}

export function draftFromDealInputs(inputs: DealInputs): DealDraft {
  const offers = inputs.offers.map<OfferDraft>((o) => ({
    id: newOfferId(),
    name: o.name,
    kind: o.kind,
    rate: numberText(o.rate, true),
    advance: numberText(o.advance),
    recoupable: o.recoupable,
    minimum: numberText(o.minimum),
    unitFee: numberText(o.unitFee),
    exemption: numberText(o.exemption),
    tiered: o.schedule !== undefined,
    schedule: (o.schedule ?? []).map((t) => `${numberText(t.from)}\t${numberText(t.rate, true)}`).join('\n'),
    scheduleMode: o.scheduleMode ?? 'marginal',
  }));
  const sameUnits = SCENARIOS.every((s) => inputs.units[s].every((u, t) => u === inputs.units.base[t]));
  const anyUnits = SCENARIOS.some((s) => inputs.units[s].some((u) => u !== 0));
  const header = ['Period', 'Low', 'Base', 'High', ...(anyUnits ? (sameUnits ? ['Units'] : ['Units low', 'Units base', 'Units high']) : [])];
  const lines = inputs.periods.map((p, t) =>
    [p, ...SCENARIOS.map((s) => String(inputs.revenue[s][t])), ...(anyUnits ? (sameUnits ? [String(inputs.units.base[t])] : SCENARIOS.map((s) => String(inputs.units[s][t]))) : [])].join('\t'),
  );
  return {
    title: inputs.title,
    forecastText: [header.join('\t'), ...lines].join('\n'),
    discountRate: numberText(inputs.discountRate, true),
    offers,
    breakEven: [offers[inputs.breakEven[0]]?.id ?? '', offers[inputs.breakEven[1]]?.id ?? ''],
  };
}

// ---------------------------------------------------------------------------------------------
// Validation: every message names the line or the offer and the field.

export interface Forecast {
  periods: string[];
  revenue: Record<Scenario, number[]>;
  units: Record<Scenario, number[]>;
}

export class ForecastError extends Error {}

function cellsOf(line: string): string[] {
  if (line.includes('\t')) return line.split('\t').map((c) => c.trim());
  if (line.includes(';')) return line.split(';').map((c) => c.trim());
  return line.trim().split(/\s+/);
}

/**
 * Lines "period, low, base, high" and, for fees per output, one units column (every scenario)
 * or three (low, base, high); tab-separated as Excel copies cells, or spaces or semicolons.
 * A first line whose revenue cells are none of them numbers is a header.
 */
export function parseForecast(text: string): Forecast {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l, k) => ({ cells: cellsOf(l), line: k + 1, blank: l.trim() === '' }))
    .filter((l) => !l.blank);
  if (lines.length === 0) throw new ForecastError('Paste the forecast: one line per period with the low, base and high revenue.');
  if (lines[0].cells.slice(1, 4).every((c) => parseNumberText(c) === undefined)) lines.shift();
  if (lines.length === 0) throw new ForecastError('The forecast has a header but no period.');
  const width = lines[0].cells.length;
  const forecast: Forecast = { periods: [], revenue: { low: [], base: [], high: [] }, units: { low: [], base: [], high: [] } };
  for (const { cells, line } of lines) {
    if (![4, 5, 7].includes(cells.length)) {
      throw new ForecastError(`Forecast line ${line}: expected period, low, base, high (and 1 or 3 units columns), got ${cells.length} cells`);
    }
    if (cells.length !== width) throw new ForecastError(`Forecast line ${line}: ${cells.length} cells where the first line has ${width}`);
    const period = cells[0];
    if (period === '') throw new ForecastError(`Forecast line ${line}: the period has no label`);
    if (forecast.periods.includes(period)) throw new ForecastError(`Forecast line ${line}: the period "${period}" is listed twice`);
    const amount = (text_: string, what: string): number => {
      const x = parseNumberText(text_);
      if (x === undefined) throw new ForecastError(`Forecast line ${line} (${period}), ${what}: expected a number, got "${text_}"`);
      if (x < 0) throw new ForecastError(`Forecast line ${line} (${period}), ${what}: must be ≥ 0, got ${x}`);
      return x;
    };
    forecast.periods.push(period);
    SCENARIOS.forEach((s, k) => forecast.revenue[s].push(amount(cells[1 + k], `${s} revenue`)));
    SCENARIOS.forEach((s, k) => {
      const units = cells.length === 4 ? 0 : cells.length === 5 ? amount(cells[4], 'units') : amount(cells[4 + k], `${s} units`);
      forecast.units[s].push(units);
    });
  }
  return forecast;
}

/** Slices as PURPOSESHARE takes them: at least one, the first from 0, increasing, rates 0–100 %. */
export function isRateSchedule(tiers: unknown): tiers is RateTier[] {
  if (!Array.isArray(tiers) || tiers.length === 0) return false;
  return tiers.every(
    (t: { from?: unknown; rate?: unknown } | null, i) =>
      typeof t?.from === 'number' && typeof t.rate === 'number' && t.rate >= 0 && t.rate <= 1 && (i === 0 ? t.from === 0 : t.from > (tiers[i - 1] as RateTier).from),
  );
}

/**
 * A tiered schedule typed as lines "from rate" ("0 8 %", "500000 10 %"; tab-separated as Excel
 * copies two cells, or spaces or a semicolon): slices from 0 in increasing order, rates 0–100 %.
 */
export function parseSchedule(text: string): RateTier[] {
  const tiers: RateTier[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((raw, k) => {
    const line = raw.trim();
    if (line === '') return;
    const cells = line.includes('\t') ? line.split('\t') : line.includes(';') ? line.split(';') : [line.split(/\s+/)[0], line.slice(line.split(/\s+/)[0].length)];
    const [fromText, rateText = ''] = cells.map((c) => c.trim());
    const where = `line ${k + 1}`;
    // A header line ("from rate") before the first slice.
    if (tiers.length === 0 && parseNumberText(fromText) === undefined && parseNumberText(rateText) === undefined && cells.length === 2) return;
    if (cells.length !== 2 || rateText === '') throw new Error(`${where}: expected "from rate" (500000 10 %), got "${line}"`);
    const from = parseNumberText(fromText);
    if (from === undefined || from < 0) throw new Error(`${where}: the slice must start at an amount ≥ 0, got "${fromText}"`);
    const rate = parseNumberText(rateText);
    if (rate === undefined || rate < 0 || rate > 1) throw new Error(`${where}: expected a rate from 0 to 100 % (12 % or 0.12), got "${rateText}"`);
    if (tiers.length === 0 && from !== 0) throw new Error(`${where}: the first slice must start at 0, got ${fromText}`);
    if (tiers.length > 0 && from <= tiers[tiers.length - 1].from) throw new Error(`${where}: slices must start at increasing amounts, ${fromText} follows ${tiers[tiers.length - 1].from}`);
    tiers.push({ from, rate });
  });
  if (tiers.length === 0) throw new Error('type one slice per line, "from rate", the first from 0 (0 8 %)');
  return tiers;
}

export function offerLabel(index: number, name: string): string {
  return `Offer ${index + 1}${name.trim() !== '' ? ` "${name.trim()}"` : ''}`;
}

export interface DealValidation {
  inputs?: DealInputs;
  forecastError?: string;
  discountError?: string;
  breakEvenError?: string;
  /** By offer id, then by field ("name" too; "schedule" for the tiered rates). */
  offerErrors: Record<string, Partial<Record<TermField | 'name', string>>>;
  /** Every message, in form order. */
  messages: string[];
}

export function validateDeal(draft: DealDraft): DealValidation {
  const result: DealValidation = { offerErrors: {}, messages: [] };
  let forecast: Forecast | undefined;
  try {
    forecast = parseForecast(draft.forecastText);
  } catch (error) {
    result.forecastError = error instanceof Error ? error.message : String(error);
    result.messages.push(result.forecastError);
  }
  const discount = parseNumberText(draft.discountRate);
  if (discount === undefined || discount <= -1) {
    result.discountError = `Discount rate: expected a rate per period (8 % or 0.08), got "${draft.discountRate}"`;
    result.messages.push(result.discountError);
  }
  if (draft.offers.length === 0) result.messages.push('Add at least one offer.');

  const offers: Offer[] = [];
  const seen = new Set<string>();
  draft.offers.forEach((o, index) => {
    const errors: DealValidation['offerErrors'][string] = {};
    const label = offerLabel(index, o.name);
    const fail = (field: TermField | 'name', detail: string): void => {
      const message = `${label}, ${field === 'name' ? 'name' : fieldLabel(o.kind, field)}: ${detail}`;
      errors[field] = message;
      result.messages.push(message);
    };
    const name = o.name.trim();
    if (name === '') fail('name', 'give the offer a name (it heads its column)');
    else if (seen.has(name.toLowerCase())) fail('name', `another offer is already called "${name}"`);
    seen.add(name.toLowerCase());
    const fields = KIND_FIELDS[o.kind];
    const tiered = o.tiered && canBeTiered(o.kind);
    let schedule: RateTier[] | undefined;
    if (tiered) {
      try {
        schedule = parseSchedule(o.schedule);
      } catch (error) {
        fail('schedule', error instanceof Error ? error.message : String(error));
        schedule = [];
      }
    }
    const read = (field: NumberField): number => {
      if (!fields.includes(field) || (field === 'rate' && tiered)) return 0;
      const text = o[field].trim();
      if (text === '') {
        // A revenue share or levy without a rate is not 0 %: say so.
        if (field === 'rate') fail(field, 'a rate is needed (12 % or 0.12)');
        return 0;
      }
      const x = parseNumberText(text);
      if (x === undefined) {
        fail(field, `expected ${field === 'rate' ? 'a rate (12 % or 0.12)' : 'an amount'}, got "${text}"`);
        return 0;
      }
      if (x < 0) fail(field, `must be ≥ 0, got ${text}`);
      else if (field === 'rate' && x > 1) fail(field, `must be at most 100 %, got ${text} (12 % is 0.12)`);
      return x;
    };
    const offer: Offer = {
      name,
      kind: o.kind,
      rate: read('rate'),
      advance: read('advance'),
      recoupable: fields.includes('recoupable') ? o.recoupable : o.kind !== 'flat',
      minimum: read('minimum'),
      unitFee: read('unitFee'),
      exemption: read('exemption'),
      ...(schedule !== undefined ? { schedule, scheduleMode: o.scheduleMode } : {}),
    };
    if (o.kind === 'flat' && offer.advance === 0 && offer.minimum === 0 && Object.keys(errors).length === 0) {
      fail('advance', 'give an upfront fee, a fee per period, or both');
    }
    if (offer.unitFee > 0 && forecast !== undefined && SCENARIOS.every((s) => forecast!.units[s].every((u) => u === 0))) {
      fail('unitFee', 'the forecast has no units: add a units column (outputs or uses per period)');
    }
    if (Object.keys(errors).length > 0) result.offerErrors[o.id] = errors;
    offers.push(offer);
  });

  const [a, b] = draft.breakEven.map((id) => draft.offers.findIndex((o) => o.id === id));
  if (draft.offers.length >= 2 && (a < 0 || b < 0 || a === b)) {
    result.breakEvenError = 'Break-even: choose two different offers';
    result.messages.push(result.breakEvenError);
  }
  if (result.messages.length === 0 && forecast !== undefined && discount !== undefined) {
    result.inputs = {
      title: draft.title.trim() === '' ? 'Deal comparison' : draft.title.trim(),
      ...forecast,
      discountRate: discount,
      offers,
      breakEven: draft.offers.length >= 2 ? [a, b] : [0, 0],
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// What LICENCEPAYMENTS is given, in the pane and (as names) on the sheet.

/** The revenue a levy is charged on: the part of each period's revenue above the exemption. */
export function levyBase(revenue: readonly number[], exemption: number): number[] {
  return revenue.map((r) => (r > exemption ? r - exemption : 0));
}

export const SCHEDULE_HEADER = ['Purpose', 'From', 'Rate'] as const;

/**
 * The schedule as the sheet writes it for PURPOSESHARE: a header, then rows [purpose 1, from,
 * rate]. The header matters: one row [1, 0, 0.1] alone reads as three rates, one per purpose.
 */
export function scheduleTable(schedule: readonly RateTier[]): (string | number)[][] {
  return [[...SCHEDULE_HEADER], ...schedule.map((t) => [1, t.from, t.rate])];
}

/** A tiered share's royalties per period: PURPOSESHARE of each revenue, as the sheet's column. */
export function tieredRoyalties(offer: Offer & { schedule: RateTier[] }, revenue: readonly number[]): number[] {
  const table = scheduleTable(offer.schedule);
  return revenue.map((r) => {
    const amount = callFunction(FUNCTIONS.PURPOSESHARE, [[[r]], [[1]], table, [[0]], [[offer.scheduleMode ?? 'marginal']]]);
    if (typeof amount !== 'number') throw new Error('PURPOSESHARE returned no amount');
    return amount;
  });
}

/** The arguments of LICENCEPAYMENTS for one offer and scenario, as Excel passes them. */
export function licenceArguments(offer: Offer, revenue: readonly number[], units: readonly number[]): unknown[] {
  const column = (xs: readonly number[]): number[][] => xs.map((x) => [x]);
  if (isLevy(offer)) return [column(levyBase(revenue, offer.exemption)), [[offer.rate]]];
  // A tiered share: its royalties by the schedule, taken at 100 %.
  const [base, rate] = isTiered(offer) ? [tieredRoyalties(offer, revenue), 1] : [revenue, offer.rate];
  return [column(base), [[rate]], [[offer.advance]], [[offer.minimum]], [[offer.unitFee]], column(units), [[offer.recoupable]]];
}

export type ScenarioPreview = { payments: number[]; total: number; npv: number } | { error: string };

export interface OfferPreview {
  name: string;
  kind: OfferKind;
  paidTo: string;
  scenarios: Record<Scenario, ScenarioPreview>;
}

/**
 * Σ payments and NPV as the sheet's SUM and NPV give them (NPV: payments at the end of each
 * period, the first discounted once), so that the pane shows the figures the sheet will.
 */
function totals(payments: readonly number[], discountRate: number): { total: number; npv: number } {
  let total = 0;
  let npv = 0;
  payments.forEach((p, t) => {
    total += p;
    npv += p / (1 + discountRate) ** (t + 1);
  });
  return { total, npv };
}

export function previewOffer(inputs: DealInputs, offer: Offer, index: number): OfferPreview {
  const scenarios = {} as Record<Scenario, ScenarioPreview>;
  for (const s of SCENARIOS) {
    try {
      const result = callFunction(FUNCTIONS.LICENCEPAYMENTS, licenceArguments(offer, inputs.revenue[s], inputs.units[s]));
      if (!Array.isArray(result)) throw new Error('LICENCEPAYMENTS returned no column');
      const payments = result.map((row) => (typeof row[0] === 'number' ? row[0] : 0));
      scenarios[s] = { payments, ...totals(payments, inputs.discountRate) };
    } catch (error) {
      scenarios[s] = { error: `${offerLabel(index, offer.name)}, ${SCENARIO_TITLES[s].toLowerCase()} scenario: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return { name: offer.name, kind: offer.kind, paidTo: paidTo(offer), scenarios };
}

export async function previewDeal(inputs: DealInputs): Promise<OfferPreview[]> {
  return inputs.offers.map((offer, k) => previewOffer(inputs, offer, k));
}

export function formatAmount(x: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
}
