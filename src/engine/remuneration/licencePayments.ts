import { EngineInputError } from '../errors';
import {
  addDecimals,
  compareDecimals,
  DECIMAL_ZERO,
  decimalOf,
  decimalToNumber,
  maxDecimal,
  minDecimal,
  multiplyDecimals,
  subtractDecimals,
  type Decimal,
} from '../exact/decimal';

/** One period of a licence (a month, a year): what the licensee earned and used. */
export interface LicencePeriod {
  revenue: number;
  /** Revenue share, a fraction in [0, 1]. */
  rate: number;
  /** Guarantee for the period (a floor on the payment, never recouped). Default 0. */
  minimum?: number;
  /** Fee per output or per use. Default 0. */
  unitFee?: number;
  /** Outputs or uses in the period. Default 0. */
  units?: number;
}

export interface LicenceTerms {
  /** Paid with period 1. Default 0. */
  advance?: number;
  /** true (default): royalties first repay the advance; false: the advance is an upfront fee. */
  recoupable?: boolean;
}

export interface LicencePaymentsResult {
  /** What the licensee pays each period (period 1 includes the advance). */
  payments: Float64Array;
  /** rate × revenue + unitFee × units, before recoupment and minimum. */
  royalties: Float64Array;
  /** Royalties kept back to repay the advance. */
  recouped: Float64Array;
  /** Advance still to recoup after each period (0 when not recoupable). */
  unrecouped: Float64Array;
  /** Σ payments, exact then rounded once. */
  total: number;
}

/**
 * What a licence pays, period by period (DESIGN §7.2): royaltiesₜ = rateₜ × revenueₜ +
 * unitFeeₜ × unitsₜ; a recoupable advance is repaid first, recoupedₜ = min(balance, royaltiesₜ);
 * paymentₜ = max(royaltiesₜ − recoupedₜ, minimumₜ), plus the advance in period 1.
 *
 * The minimum is compared with what is left after recoupment, not with the royalties: a
 * guarantee is money paid in the period, and recouping an advance out of it would make the
 * advance a loan against the guarantee. Every figure is exact decimal arithmetic on the numbers
 * as typed (exact/decimal.ts), rounded to a float64 once, so a 10-year monthly schedule adds up
 * to the cent whatever its length.
 */
export function licencePayments(periods: ReadonlyArray<LicencePeriod>, terms: LicenceTerms = {}): LicencePaymentsResult {
  if (periods.length === 0) throw new EngineInputError('revenue', undefined, 'at least one period is needed');
  const advance = terms.advance == null ? DECIMAL_ZERO : amountOf(terms.advance, 'advance', undefined);
  const recoupable = terms.recoupable ?? true;
  if (typeof recoupable !== 'boolean') {
    throw new EngineInputError('recoupable', undefined, `expected TRUE or FALSE, got ${String(recoupable)}`);
  }

  const n = periods.length;
  const payments = new Float64Array(n);
  const royalties = new Float64Array(n);
  const recouped = new Float64Array(n);
  const unrecouped = new Float64Array(n);
  let balance = recoupable ? advance : DECIMAL_ZERO;
  let total = DECIMAL_ZERO;

  periods.forEach((period, t) => {
    const revenue = amountOf(period.revenue, 'revenue', t);
    const rate = rateOf(period.rate, t);
    const minimum = period.minimum == null ? DECIMAL_ZERO : amountOf(period.minimum, 'minimum', t);
    const unitFee = period.unitFee == null ? DECIMAL_ZERO : amountOf(period.unitFee, 'unitFee', t);
    const units = period.units == null ? DECIMAL_ZERO : amountOf(period.units, 'units', t);

    const earned = addDecimals(multiplyDecimals(rate, revenue), multiplyDecimals(unitFee, units));
    const kept = minDecimal(balance, earned);
    balance = subtractDecimals(balance, kept);
    let payment = maxDecimal(subtractDecimals(earned, kept), minimum);
    if (t === 0) payment = addDecimals(payment, advance);

    payments[t] = finite(payment, t);
    royalties[t] = finite(earned, t);
    recouped[t] = decimalToNumber(kept);
    unrecouped[t] = decimalToNumber(balance);
    total = addDecimals(total, payment);
  });
  return { payments, royalties, recouped, unrecouped, total: finite(total, undefined) };
}

function amountOf(x: number, field: string, t: number | undefined): Decimal {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new EngineInputError(field, t, `expected a finite number, got ${String(x)}`);
  if (x < 0) throw new EngineInputError(field, t, `must be ≥ 0, got ${x}`);
  return decimalOf(x);
}

const ONE: Decimal = { coefficient: 1n, exponent: 0 };

function rateOf(x: number, t: number): Decimal {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new EngineInputError('rate', t, `expected a share between 0 and 1, got ${String(x)}`);
  }
  if (x < 0) throw new EngineInputError('rate', t, `a rate cannot be negative, got ${x}`);
  const rate = decimalOf(x);
  if (compareDecimals(rate, ONE) > 0) {
    throw new EngineInputError('rate', t, `a rate must be between 0 and 1, got ${x} (12 % is 0.12)`);
  }
  return rate;
}

function finite(d: Decimal, t: number | undefined): number {
  const x = decimalToNumber(d);
  if (!Number.isFinite(x)) throw new EngineInputError('revenue', t, 'the payment exceeds the largest representable number');
  return x;
}
