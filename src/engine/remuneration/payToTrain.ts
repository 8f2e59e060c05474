import { EngineInputError } from '../errors';
import { coefficientAt, decimalOf, multiplyDecimals, powerOfTen, type Decimal } from '../exact/decimal';
import { checkDecimals, largestRemainder, roundHalfUp, unitsToNumber } from '../exact/largestRemainder';
import { rationalToNumber } from '../exact/rationalToNumber';

export interface Holder {
  /** Number of works (or of units: images, minutes…) the holder has in the training set. */
  count: number;
  /** Value of one unit (quality, format, duration factor). Default 1. */
  weight?: number;
}

export interface PayToTrainOptions {
  /** Holders whose pro-rata share would be below this get 0 and the others share theirs. Default 0. */
  minimumPayout?: number;
  /** Decimals of the payouts, an integer 0..10. Default 2. */
  decimals?: number;
}

export interface PayToTrainResult {
  /** units / 10^decimals: the float64 nearest to each rounded payout. */
  payouts: Float64Array;
  /** The payouts as integers of 10^-decimals; they sum exactly to totalUnits. */
  units: bigint[];
  totalUnits: bigint;
  /** The amount rounded to `decimals` (half away from zero), as distributed. */
  total: number;
  decimals: number;
  /** false for holders dropped by the minimum payout rule. */
  kept: boolean[];
  /** Each holder's exact pro-rata share of `total` among the kept holders (0 when dropped), nearest float64. */
  quotas: Float64Array;
  /** true for the holders that received one unit above the floor of their quota. */
  roundedUp: boolean[];
}

export { MAX_DECIMALS } from '../exact/largestRemainder';

/**
 * Step R by "pay to train" (report §4.3.1): the amount split pro rata to count × weight.
 *
 * All arithmetic is exact (each input read as the decimal it displays as; see exact/decimal.ts)
 * so that equal claims are treated equally and the split never depends on float rounding.
 *
 * Rounding is by largest remainder: with T the amount in units of 10^-decimals, every kept
 * holder gets floor(T × uᵢ / U) units, and the units left over go one each to the largest
 * remainders, ties to the earlier row. The column therefore sums to T exactly and every payout
 * is within one unit of its exact quota.
 *
 * Minimum payout: the kept holders are the largest set of top holders (by u = count × weight,
 * equal u kept or dropped together) whose smallest member's exact quota T·u/U_kept reaches the
 * minimum. This is the fixed point of "drop the smallest holder while it is below the
 * minimum, then recompute": if the top-j set fails, its smallest holder j is below the minimum,
 * and in any larger set j's quota is smaller still (same u, larger U) while that set's smallest
 * holder has u ≤ uⱼ, so every larger set fails too. The sets that pass are thus exactly the
 * top-1 … top-J sets, and shrinking one holder at a time from the full set stops at the top-J
 * set. Dropping everybody below the minimum at once would not: a holder just under it may be
 * above it once the smaller ones' money is redistributed.
 */
export function payToTrain(
  amount: number,
  holders: ReadonlyArray<Holder>,
  options: PayToTrainOptions = {},
): PayToTrainResult {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new EngineInputError('amount', undefined, `expected a finite amount ≥ 0, got ${String(amount)}`);
  }
  const decimals = checkDecimals(options.decimals);
  const minimumPayout = options.minimumPayout ?? 0;
  if (typeof minimumPayout !== 'number' || !Number.isFinite(minimumPayout) || minimumPayout < 0) {
    throw new EngineInputError('minimumPayout', undefined, `expected a finite amount ≥ 0, got ${String(minimumPayout)}`);
  }
  if (holders.length === 0) throw new EngineInputError('counts', undefined, 'at least one holder is needed');

  const claims = holders.map((holder, i) => claimOf(holder, i));
  // One common exponent turns every claim into an integer; the ratios are what matter.
  let exponent = claims[0].exponent;
  for (const c of claims) exponent = Math.min(exponent, c.exponent);
  const u = claims.map((c) => coefficientAt(c, exponent));
  if (u.every((x) => x === 0n)) {
    throw new EngineInputError('counts', undefined, 'every holder has a count × weight of 0: there is nothing to share pro rata');
  }

  const totalUnits = roundHalfUp(decimalOf(amount), decimals);
  const n = holders.length;
  const kept = keptHolders(u, totalUnits, decimalOf(minimumPayout), decimals);

  let keptTotal = 0n;
  for (let i = 0; i < n; i++) if (kept[i]) keptTotal += u[i];

  const { units, roundedUp } = largestRemainder(totalUnits, u.map((x, i) => (kept[i] ? x : 0n)));
  const quotas = new Float64Array(n);
  const scale = powerOfTen(decimals);
  for (let i = 0; i < n; i++) if (kept[i]) quotas[i] = rationalToNumber(totalUnits * u[i], keptTotal * scale);

  return {
    payouts: Float64Array.from(units, (x) => unitsToNumber(x, decimals)),
    units,
    totalUnits,
    total: unitsToNumber(totalUnits, decimals),
    decimals,
    kept,
    quotas,
    roundedUp,
  };
}

function claimOf(holder: Holder, i: number): Decimal {
  const count = holder.count;
  if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
    throw new EngineInputError('counts', i, `expected a finite count ≥ 0, got ${String(count)}`);
  }
  const weight = holder.weight ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    throw new EngineInputError('weights', i, `expected a finite weight ≥ 0, got ${String(weight)}`);
  }
  return multiplyDecimals(decimalOf(count), decimalOf(weight));
}

/**
 * Kept-set flags, see payToTrain. Holders are visited from the largest claim down, one group of
 * equal claims at a time, and the first group whose quota within the top set (down to it)
 * misses the minimum stops the scan.
 */
function keptHolders(u: bigint[], totalUnits: bigint, minimum: Decimal, decimals: number): boolean[] {
  const n = u.length;
  const kept = new Array<boolean>(n).fill(false);
  // quota (in units) = T·u/U ≥ m·10^d  ⇔  T·u·10^a ≥ c·U·10^b with m·10^d = c·10^(b−a), a, b ≥ 0.
  const shift = minimum.exponent + decimals;
  const left = shift >= 0 ? 1n : powerOfTen(-shift);
  const right = minimum.coefficient * (shift >= 0 ? powerOfTen(shift) : 1n);
  const reaches = (x: bigint, total: bigint): boolean => totalUnits * x * left >= right * total;

  const order = [...Array(n).keys()].sort((a, b) => (u[a] > u[b] ? -1 : u[a] < u[b] ? 1 : a - b));
  let topTotal = 0n;
  let start = 0;
  while (start < n) {
    let end = start;
    let groupTotal = 0n;
    while (end < n && u[order[end]] === u[order[start]]) groupTotal += u[order[end++]];
    if (!reaches(u[order[start]], topTotal + groupTotal)) break;
    topTotal += groupTotal;
    for (let k = start; k < end; k++) kept[order[k]] = true;
    start = end;
  }

  if (totalUnits > 0n && start === 0) {
    // Even alone, the top group splits the amount equally among its members.
    let topGroupSize = 0n;
    for (let k = 0; k < n && u[order[k]] === u[order[0]]; k++) topGroupSize++;
    const largest = rationalToNumber(totalUnits, topGroupSize * powerOfTen(decimals));
    throw new EngineInputError(
      'minimumPayout',
      undefined,
      `no holder reaches the minimum payout: the largest pro-rata payout would be ${Number(largest.toPrecision(15))}`,
    );
  }
  return kept;
}
