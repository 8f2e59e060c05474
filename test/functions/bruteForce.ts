/**
 * Independent references for the adapter tests: the textbook definitions, evaluated by
 * enumerating every order or every coalition. Deliberately naive so that they share nothing
 * with the engine's regrouped sums.
 */

import { bruteForceShapley, forEachPermutation } from '../helpers/bruteForce';

/** Every ordering of 0..n-1, each as its own array. */
export function permutations(n: number): number[][] {
  const orders: number[][] = [];
  forEachPermutation(n, (order) => orders.push([...order]));
  return orders;
}

/** φᵢ = average over all n! arrival orders of i's marginal contribution. */
export function shapleyByPermutations(n: number, v: (mask: number) => number): number[] {
  return Array.from(bruteForceShapley(n, v));
}

/** βᵢ = (1 / 2^(n-1)) Σ_{S ∌ i} [v(S ∪ i) − v(S)]. */
export function banzhafByCoalitions(n: number, v: (mask: number) => number): number[] {
  const beta = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let mask = 0; mask < 2 ** n; mask++) {
      if ((mask & (1 << i)) === 0) beta[i] += v(mask | (1 << i)) - v(mask);
    }
    beta[i] /= 2 ** (n - 1);
  }
  return beta;
}

/** Label of a coalition in the "A,B" form from player names. */
export function label(mask: number, names: readonly string[], separator = ','): string {
  return names.filter((_, i) => (mask & (1 << i)) !== 0).join(separator);
}

/** A full SHAPLEY input table ([[label]] rows and [[value]] rows), coalitions in mask order. */
export function labelTable(names: readonly string[], v: (mask: number) => number, separator = ','): { coalitions: string[][]; values: number[][] } {
  const coalitions: string[][] = [];
  const values: number[][] = [];
  for (let mask = 0; mask < 2 ** names.length; mask++) {
    coalitions.push([label(mask, names, separator)]);
    values.push([v(mask)]);
  }
  return { coalitions, values };
}

/** Box 3 of the CSPLA report (appendix): utilities of the subsets of holders A, B, C. */
export const BOX3: Readonly<Record<string, number>> = { '': 0, A: 50, B: 40, C: 30, 'A,B': 80, 'A,C': 80, 'B,C': 60, 'A,B,C': 100 };

export function box3Value(mask: number): number {
  return BOX3[label(mask, ['A', 'B', 'C'])];
}
