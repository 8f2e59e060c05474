import { rationalToNumber } from './rationalToNumber';

/**
 * An exact decimal, coefficient × 10^exponent.
 *
 * Why decimals rather than the exact binary value of each float64: the numbers reach us from
 * cells where people typed decimals (0.55, 100.005, weights 0.1 and 0.3). The float64 for 0.1
 * is slightly above 1/10 and the one for 0.3 slightly below 3/10, so in exact binary
 * arithmetic 3 × 0.1 > 1 × 0.3 and a holder with three works at weight 0.1 would beat, on a
 * remainder tie, a holder with one work at weight 0.3 that the user considers equal. Reading
 * each float64 as its shortest round-trip decimal (what Excel and JavaScript display, fixed
 * exactly by ECMAScript's Number::toString) recovers the typed value for anything with up to
 * 15 significant digits, keeps the order of float64s, and is still exact BigInt arithmetic.
 */
export interface Decimal {
  readonly coefficient: bigint;
  readonly exponent: number;
}

export const DECIMAL_ZERO: Decimal = { coefficient: 0n, exponent: 0 };

const SHORTEST = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/** The shortest decimal that reads back as x. x must be finite. */
export function decimalOf(x: number): Decimal {
  if (!Number.isFinite(x)) throw new RangeError(`decimalOf: ${x} is not finite`);
  const match = SHORTEST.exec(String(x));
  if (match === null) throw new RangeError(`decimalOf: unexpected number format ${String(x)}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const coefficient = BigInt(sign + whole + fraction);
  return { coefficient, exponent: Number(exponent) - fraction.length };
}

const powersOfTen: bigint[] = [1n];

export function powerOfTen(k: number): bigint {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`powerOfTen: ${k}`);
  while (powersOfTen.length <= k) powersOfTen.push(powersOfTen[powersOfTen.length - 1] * 10n);
  return powersOfTen[k];
}

/** The coefficient of d when written with the (smaller or equal) exponent e. */
export function coefficientAt(d: Decimal, e: number): bigint {
  if (e > d.exponent) throw new RangeError(`coefficientAt: exponent ${e} above ${d.exponent}`);
  return d.coefficient * powerOfTen(d.exponent - e);
}

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const e = Math.min(a.exponent, b.exponent);
  return { coefficient: coefficientAt(a, e) + coefficientAt(b, e), exponent: e };
}

export function subtractDecimals(a: Decimal, b: Decimal): Decimal {
  const e = Math.min(a.exponent, b.exponent);
  return { coefficient: coefficientAt(a, e) - coefficientAt(b, e), exponent: e };
}

export function multiplyDecimals(a: Decimal, b: Decimal): Decimal {
  return { coefficient: a.coefficient * b.coefficient, exponent: a.exponent + b.exponent };
}

export function compareDecimals(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const e = Math.min(a.exponent, b.exponent);
  const x = coefficientAt(a, e);
  const y = coefficientAt(b, e);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return compareDecimals(a, b) <= 0 ? a : b;
}

export function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return compareDecimals(a, b) >= 0 ? a : b;
}

/** The float64 nearest to d (one rounding, ties to even). */
export function decimalToNumber(d: Decimal): number {
  return d.exponent >= 0
    ? rationalToNumber(d.coefficient * powerOfTen(d.exponent), 1n)
    : rationalToNumber(d.coefficient, powerOfTen(-d.exponent));
}

/** The float64 nearest to a / b; b must not be zero. */
export function decimalRatioToNumber(a: Decimal, b: Decimal): number {
  const shift = a.exponent - b.exponent;
  return shift >= 0
    ? rationalToNumber(a.coefficient * powerOfTen(shift), b.coefficient)
    : rationalToNumber(a.coefficient, b.coefficient * powerOfTen(-shift));
}
