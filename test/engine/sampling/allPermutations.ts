/**
 * Reference quantities computed by walking every one of the n! orders (n ≤ 8), straight from
 * the permutation definition of the Shapley value, independently of the engine's code.
 */
import { forEachPermutation } from '../../helpers/bruteForce';

/** Marginal contributions of each player along one order, from a coalition function of masks. */
export function marginalsAlong(order: readonly number[], v: (mask: number) => number): number[] {
  const mc = new Array<number>(order.length).fill(0);
  let mask = 0;
  let previous = v(0);
  for (const p of order) {
    mask |= 1 << p;
    const current = v(mask);
    mc[p] = current - previous;
    previous = current;
  }
  return mc;
}

export interface PermutationMoments {
  /** Exact Shapley values (average marginal contribution over all n! orders). */
  shapley: number[];
  /** Variance over all orders of one permutation's marginal contribution (plain sample). */
  plainVariance: number[];
  /** Variance over all orders of the average over an order and its reverse (antithetic sample). */
  antitheticVariance: number[];
}

export function permutationMoments(n: number, v: (mask: number) => number): PermutationMoments {
  const samples: number[][] = [];
  const pairSamples: number[][] = [];
  forEachPermutation(n, (order) => {
    const forward = marginalsAlong(order, v);
    const backward = marginalsAlong([...order].reverse(), v);
    samples.push(forward);
    pairSamples.push(forward.map((x, i) => (x + backward[i]) / 2));
  });
  const meanOf = (rows: number[][], i: number): number => rows.reduce((s, r) => s + r[i], 0) / rows.length;
  const varianceOf = (rows: number[][], i: number): number => {
    const m = meanOf(rows, i);
    return rows.reduce((s, r) => s + (r[i] - m) ** 2, 0) / rows.length;
  };
  const players = [...Array(n).keys()];
  return {
    shapley: players.map((i) => meanOf(samples, i)),
    plainVariance: players.map((i) => varianceOf(samples, i)),
    antitheticVariance: players.map((i) => varianceOf(pairSamples, i)),
  };
}

/** A deterministic table of 2^n pseudo-random values in [lo, hi) (a fixed LCG, not Philox). */
export function lcgTable(n: number, seed: number, lo = 0, hi = 1): Float64Array {
  const values = new Float64Array(2 ** n);
  let state = seed | 0;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
    values[i] = lo + ((state >>> 0) / 2 ** 32) * (hi - lo);
  }
  return values;
}

export function popcount(mask: number): number {
  let c = 0;
  for (let m = mask; m !== 0; m &= m - 1) c++;
  return c;
}
