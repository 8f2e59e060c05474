import { EngineInputError } from '../errors';
import {
  compareDecimals,
  DECIMAL_ZERO,
  decimalOf,
  decimalRatioToNumber,
  decimalToNumber,
  maxDecimal,
  minDecimal,
  multiplyDecimals,
  subtractDecimals,
  addDecimals,
  type Decimal,
} from '../exact/decimal';

/**
 * The intended purpose of the AI system (report §4.3.1): 1 generalist (basic rates),
 * 2 specialised without output competition (intermediate), 3 specialised with output
 * competition (high).
 */
export type Purpose = 1 | 2 | 3;

/** One row of a rate schedule: from `from` up to the next row's `from`, the base pays `rate`. */
export interface RateSlice {
  purpose: number;
  from: number;
  rate: number;
}

/**
 * One rate for every purpose, one rate per purpose ([basic, intermediate, high]; a one-element
 * array counts as a single rate), or a schedule of marginal slices.
 */
export type PurposeRates = number | ReadonlyArray<number> | ReadonlyArray<RateSlice>;

export type PurposeShareMode = 'marginal' | 'bracket';

export interface PurposeShareOptions {
  /** Minimum guarantee: the result is never below it. Default 0. */
  minimum?: number;
  /** Default 'marginal'. */
  mode?: PurposeShareMode;
}

export interface PurposeShareSlice {
  from: number;
  /** The next slice's `from`; Infinity for the top slice. */
  to: number;
  rate: number;
  /** What this slice contributes to `computed` (in bracket mode only the applied slice is non-zero). */
  amount: number;
}

export interface PurposeShareResult {
  /** max(computed, minimum). */
  amount: number;
  /** The share before the minimum guarantee. */
  computed: number;
  /** amount / base; null when the base is 0 (the amount is then the minimum alone). */
  effectiveRate: number | null;
  minimumApplied: boolean;
  mode: PurposeShareMode;
  /** The chosen purpose's slices, in increasing `from`; a single [0, ∞) slice for flat rates. */
  slices: PurposeShareSlice[];
  /** Index in `slices` of the highest slice the base reaches (base ≥ from): the bracket's rate. */
  appliedSlice: number;
}

interface ExactSlice {
  from: Decimal;
  rate: Decimal;
  fromNumber: number;
  rateNumber: number;
}

/**
 * Step P, the share of the base that goes to culture.
 *
 * Marginal mode taxes each slice of the base at its own rate, so the amount is continuous in
 * the base. Bracket mode applies the rate of the highest slice reached to the whole base; a
 * base exactly equal to a slice's `from` is in that slice (as in "from 1 M: 8 %"), and the
 * amount jumps at each `from`, which is what such contracts say.
 *
 * Every schedule row is checked, not only the chosen purpose's, so that a bad table is
 * reported whichever purpose a sheet happens to ask for.
 */
export function purposeShare(
  base: number,
  purpose: Purpose,
  rates: PurposeRates,
  options: PurposeShareOptions = {},
): PurposeShareResult {
  if (typeof base !== 'number' || !Number.isFinite(base)) {
    throw new EngineInputError('base', undefined, `expected a finite number, got ${String(base)}`);
  }
  if (base < 0) throw new EngineInputError('base', undefined, `must be ≥ 0, got ${base}`);
  if (purpose !== 1 && purpose !== 2 && purpose !== 3) {
    throw new EngineInputError(
      'purpose',
      undefined,
      `expected 1 (generalist), 2 (specialised without output competition) or 3 (specialised with output competition), got ${String(purpose)}`,
    );
  }
  const minimumNumber = options.minimum ?? 0;
  if (typeof minimumNumber !== 'number' || !Number.isFinite(minimumNumber) || minimumNumber < 0) {
    throw new EngineInputError('minimum', undefined, `expected a finite amount ≥ 0, got ${String(minimumNumber)}`);
  }
  const mode = options.mode ?? 'marginal';
  if (mode !== 'marginal' && mode !== 'bracket') {
    throw new EngineInputError('mode', undefined, `expected "marginal" or "bracket", got ${String(mode)}`);
  }

  const slices = slicesFor(purpose, rates);
  const exactBase = decimalOf(base);
  const minimum = decimalOf(minimumNumber);

  let appliedSlice = 0;
  for (let k = 1; k < slices.length; k++) {
    if (compareDecimals(exactBase, slices[k].from) >= 0) appliedSlice = k;
  }

  const sliceAmounts: Decimal[] = slices.map((slice, k) => {
    if (mode === 'bracket') return k === appliedSlice ? multiplyDecimals(exactBase, slice.rate) : DECIMAL_ZERO;
    if (k > appliedSlice) return DECIMAL_ZERO;
    const top = k + 1 < slices.length ? minDecimal(exactBase, slices[k + 1].from) : exactBase;
    return multiplyDecimals(subtractDecimals(top, slice.from), slice.rate);
  });
  const computed = sliceAmounts.reduce(addDecimals, DECIMAL_ZERO);
  const amount = maxDecimal(computed, minimum);

  return {
    amount: decimalToNumber(amount),
    computed: decimalToNumber(computed),
    effectiveRate: exactBase.coefficient === 0n ? null : decimalRatioToNumber(amount, exactBase),
    minimumApplied: compareDecimals(computed, minimum) < 0,
    mode,
    slices: slices.map((slice, k) => ({
      from: slice.fromNumber,
      to: k + 1 < slices.length ? slices[k + 1].fromNumber : Infinity,
      rate: slice.rateNumber,
      amount: decimalToNumber(sliceAmounts[k]),
    })),
    appliedSlice,
  };
}

function slicesFor(purpose: Purpose, rates: PurposeRates): ExactSlice[] {
  if (typeof rates === 'number') return [flatSlice(rates, undefined)];
  if (!Array.isArray(rates) || rates.length === 0) {
    throw new EngineInputError('rates', undefined, 'expected one rate, three rates (one per purpose) or a schedule [purpose, from, rate]');
  }
  if (rates.every((r) => typeof r === 'number')) {
    const flat = rates as ReadonlyArray<number>;
    if (flat.length === 1) return [flatSlice(flat[0], 0)];
    if (flat.length !== 3) {
      throw new EngineInputError('rates', undefined, `expected one rate or three (one per purpose), got ${flat.length}`);
    }
    flat.forEach((r, i) => rateOf(r, i));
    return [flatSlice(flat[purpose - 1], purpose - 1)];
  }
  return scheduleSlices(purpose, rates as ReadonlyArray<RateSlice | number>);
}

function flatSlice(rate: number, index: number | undefined): ExactSlice {
  return { from: DECIMAL_ZERO, fromNumber: 0, rate: rateOf(rate, index), rateNumber: rate };
}

function scheduleSlices(purpose: Purpose, rows: ReadonlyArray<RateSlice | number>): ExactSlice[] {
  const byPurpose = new Map<number, ExactSlice[]>();
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null) {
      throw new EngineInputError('rates', i, 'a schedule row needs a purpose, a from and a rate');
    }
    const p = row.purpose;
    if (p !== 1 && p !== 2 && p !== 3) {
      throw new EngineInputError('rates', i, `the purpose of a schedule row must be 1, 2 or 3, got ${String(p)}`);
    }
    if (typeof row.from !== 'number' || !Number.isFinite(row.from) || row.from < 0) {
      throw new EngineInputError('rates', i, `"from" must be a finite amount ≥ 0, got ${String(row.from)}`);
    }
    const rate = rateOf(row.rate, i);
    const previous = byPurpose.get(p);
    if (previous === undefined) {
      if (row.from !== 0) {
        throw new EngineInputError('rates', i, `the first slice of purpose ${p} must start at 0, got ${row.from}`);
      }
      byPurpose.set(p, [{ from: DECIMAL_ZERO, fromNumber: 0, rate, rateNumber: row.rate }]);
      return;
    }
    const last = previous[previous.length - 1];
    if (row.from === last.fromNumber) {
      throw new EngineInputError('rates', i, `purpose ${p} already has a slice from ${row.from}`);
    }
    if (row.from < last.fromNumber) {
      throw new EngineInputError('rates', i, `slices of purpose ${p} must be listed by increasing "from": ${row.from} comes after ${last.fromNumber}`);
    }
    previous.push({ from: decimalOf(row.from), fromNumber: row.from, rate, rateNumber: row.rate });
  });
  const chosen = byPurpose.get(purpose);
  if (chosen === undefined) throw new EngineInputError('rates', undefined, `the schedule has no rows for purpose ${purpose}`);
  return chosen;
}

function rateOf(rate: number, index: number | undefined): Decimal {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) {
    throw new EngineInputError('rates', index, `expected a rate between 0 and 1, got ${String(rate)}`);
  }
  if (rate < 0) throw new EngineInputError('rates', index, `a rate cannot be negative, got ${rate}`);
  if (rate > 1) throw new EngineInputError('rates', index, `a rate must be between 0 and 1, got ${rate} (40 % is 0.4)`);
  return decimalOf(rate);
}
