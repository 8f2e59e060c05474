import { EngineInputError } from '../errors';
import { addDecimals, coefficientAt, compareDecimals, decimalOf, decimalToNumber, multiplyDecimals, subtractDecimals, DECIMAL_ZERO, type Decimal } from '../exact/decimal';
import { checkDecimals, largestRemainder, roundHalfUp, unitsToNumber } from '../exact/largestRemainder';

export interface WorkAmount {
  /** The work's (or catalogue's) name; matched exactly against OwnershipRow.work. */
  work: string;
  amount: number;
}

export interface OwnershipRow {
  work: string;
  rightholder: string;
  /** Fraction of the work this rightholder owns; a work's shares sum to 1. */
  share: number;
}

export interface RightsMapResult {
  /** In order of first appearance in the ownership rows. */
  rightholders: string[];
  /** units / 10^decimals: the float64 nearest to each rounded amount. */
  amounts: Float64Array;
  /** The amounts as integers of 10^-decimals; they sum exactly to totalUnits. */
  units: bigint[];
  totalUnits: bigint;
  /** Σ amounts rounded to `decimals` (half up), as distributed. */
  total: number;
  decimals: number;
}

/** Shares of a work may miss 1 by this much (typed thirds: 0.333333333333, …). */
export const SHARE_SUM_TOLERANCE = 1e-9;

/**
 * Data rights mapping (seed 003): what was attributed to each work, passed on to the works'
 * rightholders by their ownership shares, one amount per rightholder.
 *
 * Each rightholder's exact claim is Σ_w amount_w × share_{w,h} in decimal arithmetic (inputs
 * read as the decimals they display as, exact/decimal.ts). The total Σ amount_w, rounded to
 * `decimals`, is then split pro rata to those claims by largest remainder (the PAYTOTRAIN
 * rounding, ties to the earlier rightholder), so the column sums to the total exactly and each
 * amount is within one unit of its exact claim. When a work's shares miss 1 by up to 1e-9 the
 * claims are used as they are and the pro-rata split absorbs the difference.
 *
 * Rules: amounts are ≥ 0 (they are paid out; net a negative attribution before mapping it); a
 * work appears once in `amounts`; a work with a non-zero amount needs ownership rows; a work's
 * shares are ≥ 0 and sum to 1 within 1e-9; the same rightholder twice on a work holds the sum of
 * both shares (author and publisher). Ownership rows of a work not in `amounts` are checked the
 * same way and bring their rightholders nothing (they still get a row, with 0).
 */
export function rightsMap(
  amounts: ReadonlyArray<WorkAmount>,
  ownership: ReadonlyArray<OwnershipRow>,
  options: { decimals?: number } = {},
): RightsMapResult {
  const decimals = checkDecimals(options.decimals);
  const amountOf = new Map<string, Decimal>();
  let total = DECIMAL_ZERO;
  amounts.forEach(({ work, amount }, k) => {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw new EngineInputError('amounts', k, `the amount of "${work}" must be a finite number ≥ 0, got ${String(amount)}`);
    }
    if (amountOf.has(work)) throw new EngineInputError('amounts', k, `"${work}" is listed twice: give each work one amount`);
    const d = decimalOf(amount);
    amountOf.set(work, d);
    total = addDecimals(total, d);
  });

  const shareSums = new Map<string, { sum: Decimal; firstRow: number }>();
  const holderIndex = new Map<string, number>();
  const rightholders: string[] = [];
  const claims: Decimal[] = [];
  ownership.forEach(({ work, rightholder, share }, k) => {
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0) {
      throw new EngineInputError('ownership', k, `the share of "${rightholder}" in "${work}" must be a finite number ≥ 0, got ${String(share)}`);
    }
    const d = decimalOf(share);
    const seen = shareSums.get(work);
    if (seen) seen.sum = addDecimals(seen.sum, d);
    else shareSums.set(work, { sum: d, firstRow: k });
    let h = holderIndex.get(rightholder);
    if (h === undefined) {
      h = rightholders.length;
      holderIndex.set(rightholder, h);
      rightholders.push(rightholder);
      claims.push(DECIMAL_ZERO);
    }
    const amount = amountOf.get(work);
    if (amount !== undefined) claims[h] = addDecimals(claims[h], multiplyDecimals(amount, d));
  });

  const one: Decimal = { coefficient: 1n, exponent: 0 };
  const tolerance = decimalOf(SHARE_SUM_TOLERANCE);
  for (const [work, { sum, firstRow }] of shareSums) {
    const gap = subtractDecimals(sum, one);
    const off = gap.coefficient < 0n ? { coefficient: -gap.coefficient, exponent: gap.exponent } : gap;
    if (compareDecimals(off, tolerance) > 0) {
      throw new EngineInputError('ownership', firstRow, `the shares of "${work}" sum to ${decimalToNumber(sum)}, not 1`);
    }
  }
  amounts.forEach(({ work, amount }, k) => {
    if (amount !== 0 && !shareSums.has(work)) throw new EngineInputError('amounts', k, `"${work}" has no owner in ownership`);
  });

  const totalUnits = roundHalfUp(total, decimals);
  let exponent = 0;
  for (const c of claims) exponent = Math.min(exponent, c.exponent);
  const { units } = largestRemainder(totalUnits, claims.map((c) => coefficientAt(c, exponent)));
  return {
    rightholders,
    amounts: Float64Array.from(units, (x) => unitsToNumber(x, decimals)),
    units,
    totalUnits,
    total: unitsToNumber(totalUnits, decimals),
    decimals,
  };
}
