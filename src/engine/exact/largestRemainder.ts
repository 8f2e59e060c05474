import { EngineInputError } from '../errors';
import { powerOfTen, type Decimal } from './decimal';
import { rationalToNumber } from './rationalToNumber';

/** Most decimals a rounded payout column may have (PAYTOTRAIN, RIGHTSMAP). */
export const MAX_DECIMALS = 10;

/** `decimals` as given (default 2), or an input error naming it. */
export function checkDecimals(decimals: number | undefined): number {
  const d = decimals ?? 2;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_DECIMALS) {
    throw new EngineInputError('decimals', undefined, `expected an integer from 0 to ${MAX_DECIMALS}, got ${String(d)}`);
  }
  return d;
}

/** x in whole units of 10^-decimals, halves rounded up (x ≥ 0, as amounts to pay are). */
export function roundHalfUp(x: Decimal, decimals: number): bigint {
  const shift = x.exponent + decimals;
  if (shift >= 0) return x.coefficient * powerOfTen(shift);
  const divisor = powerOfTen(-shift);
  const whole = x.coefficient / divisor;
  return 2n * (x.coefficient % divisor) >= divisor ? whole + 1n : whole;
}

/** The float64 nearest to units × 10^-decimals. */
export function unitsToNumber(units: bigint, decimals: number): number {
  return rationalToNumber(units, powerOfTen(decimals));
}

export interface Apportionment {
  /** Whole units per claim; they sum exactly to the total. */
  units: bigint[];
  /** true for the claims that received one unit above the floor of their quota. */
  roundedUp: boolean[];
}

/**
 * Largest remainder (Hamilton): `totalUnits` split pro rata to `claims` (≥ 0, not all 0 unless T is).
 * Claim i gets floor(T·cᵢ/C) units and the units left over go one each to the largest
 * remainders, ties to the earlier claim, so the parts sum to T exactly and each is within one
 * unit of its exact quota. A zero claim gets nothing, not even a leftover unit. Everything is
 * exact BigInt arithmetic, so equal claims are always treated equally.
 */
export function largestRemainder(totalUnits: bigint, claims: readonly bigint[]): Apportionment {
  const n = claims.length;
  let claimTotal = 0n;
  for (const c of claims) claimTotal += c;
  if (claimTotal <= 0n) {
    if (totalUnits !== 0n) throw new RangeError('largestRemainder: the claims must not all be 0');
    return { units: new Array<bigint>(n).fill(0n), roundedUp: new Array<boolean>(n).fill(false) };
  }

  const units: bigint[] = new Array<bigint>(n).fill(0n);
  const remainders: bigint[] = new Array<bigint>(n).fill(0n);
  let leftover = totalUnits;
  for (let i = 0; i < n; i++) {
    if (claims[i] === 0n) continue;
    const share = totalUnits * claims[i];
    units[i] = share / claimTotal;
    remainders[i] = share % claimTotal;
    leftover -= units[i];
  }

  const order = [...Array(n).keys()].filter((i) => remainders[i] > 0n);
  order.sort((a, b) => (remainders[a] > remainders[b] ? -1 : remainders[a] < remainders[b] ? 1 : a - b));
  const roundedUp = new Array<boolean>(n).fill(false);
  for (let k = 0; leftover > 0n; k++, leftover--) {
    units[order[k]] += 1n;
    roundedUp[order[k]] = true;
  }
  return { units, roundedUp };
}
