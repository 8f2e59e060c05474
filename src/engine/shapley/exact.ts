/**
 * Exact Shapley and Banzhaf values from a full coalition table (`values[mask]` = v(S), bit i of
 * `mask` set when player i ∈ S), O(n·2^n).
 *
 * Both come from the same sums: D_i[k] = Σ_{S∌i, |S|=k} [v(S∪i) − v(S)], the marginal
 * contributions of i grouped by the size of the coalition it joins. Then
 *
 *   φ_i = (1/n) Σ_k D_i[k] / C(n−1, k)        β_i = Σ_k D_i[k] / 2^(n−1).
 *
 * Why group by size rather than weight each term as it comes: tables typed into a sheet hold
 * integers or short decimals, whose differences and sums are exact in float64; for integer
 * tables the weighting is then exact too (see shapleyFromSizeSums) and each φ_i is rounded
 * once. The Box 3 table of the CSPLA report gives exactly 45, 30 and 25, not 30.000000000000014. Working on differences also means a large
 * common offset in v, or values near the float64 limit, cost nothing.
 */
import { EngineInputError } from '../errors';
import { checkTable } from '../games/table';
import { shapleyFromSizeSums } from './sizeWeights';

export function exactShapley(values: ArrayLike<number>, n: number): Float64Array {
  checkTable(values, n);
  const everyone = new Int32Array(n);
  for (let i = 0; i < n; i++) everyone[i] = i;
  return exactShapleyOfPlayers(values, n, everyone);
}

/**
 * φ of the listed players only (out[k] = φ of players[k]), the same numbers exactShapley gives
 * them: each player is one independent pass over the table, so a large table can be shared by
 * threads that each take some players and the result does not depend on the split.
 * `valuesChecked`: the caller already checked every value is finite (the companion does so once
 * when it shares the table), which saves one pass over 2^n values per call.
 */
export function exactShapleyOfPlayers(values: ArrayLike<number>, n: number, players: ArrayLike<number>, valuesChecked = false): Float64Array {
  checkTable(values, n);
  if (!valuesChecked) checkFinite(values);
  const phi = new Float64Array(players.length);
  const bySize = new Float64Array(n);
  for (let k = 0; k < players.length; k++) {
    const i = players[k];
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new EngineInputError('players', k, `must be a player index from 0 to ${n - 1}, got ${i}`);
    marginalSumsBySize(values, n, i, bySize);
    phi[k] = shapleyFromSizeSums(bySize, n);
  }
  return phi;
}

/** Raw Banzhaf values β_i = (1/2^(n−1)) Σ_{S∌i} [v(S∪i) − v(S)]. */
export function exactBanzhaf(values: ArrayLike<number>, n: number): Float64Array {
  checkTable(values, n);
  checkFinite(values);
  const beta = new Float64Array(n);
  const bySize = new Float64Array(n);
  const scale = n === 0 ? 1 : 1 / 2 ** (n - 1);
  for (let i = 0; i < n; i++) {
    marginalSumsBySize(values, n, i, bySize);
    let total = 0;
    for (let k = 0; k < n; k++) total += bySize[k];
    beta[i] = total * scale;
  }
  return beta;
}

/** Popcounts of 16-bit numbers: two lookups give the size of any coalition mask of n ≤ 30. */
const POPCOUNT_16 = (() => {
  const table = new Uint8Array(1 << 16);
  for (let x = 1; x < table.length; x++) table[x] = (x & 1) + table[x >>> 1];
  return table;
})();

/**
 * out[k] = D_i[k]. The masks without bit i come in runs of 2^i consecutive masks, each paired
 * with the run 2^i above it, so both reads stream through memory in order.
 */
function marginalSumsBySize(values: ArrayLike<number>, n: number, i: number, out: Float64Array): void {
  out.fill(0);
  const bit = 2 ** i;
  const size = 2 ** n;
  for (let start = 0; start < size; start += 2 * bit) {
    for (let mask = start; mask < start + bit; mask++) {
      const k = POPCOUNT_16[mask & 0xffff] + POPCOUNT_16[mask >>> 16];
      out[k] += values[mask + bit] - values[mask];
    }
  }
}

/** Every v(S) a finite number, else an input error naming the coalition mask. */
export function checkFinite(values: ArrayLike<number>): void {
  for (let mask = 0; mask < values.length; mask++) {
    const x = values[mask];
    if (!Number.isFinite(x)) {
      throw new EngineInputError('values', mask, `v of coalition mask ${mask} is not a finite number (${x})`);
    }
  }
}
