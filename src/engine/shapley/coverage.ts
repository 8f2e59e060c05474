/**
 * Shapley values of the coverage game v(S) = Σ_e w_e · [S covers e]: each element's weight is
 * split equally among the players who cover it (v is a sum of unanimity-like "any of T_e"
 * games, each symmetric in T_e and null outside it). An element nobody covers adds nothing.
 *
 * This is where Shapley beats leave-one-out on duplicated catalogues: two holders of the same
 * catalogue each get half its value, whereas removing either one alone changes nothing.
 */
import { checkCoverage, type CoverageElement } from '../games/coverage';

export function coverageShapley(n: number, elements: ReadonlyArray<CoverageElement>): Float64Array {
  const { weights, coverers } = checkCoverage(n, elements);
  const phi = new Float64Array(n);
  for (let e = 0; e < weights.length; e++) {
    const list = coverers[e];
    if (list.length === 0) continue;
    const share = weights[e] / list.length;
    for (let k = 0; k < list.length; k++) phi[list[k]] += share;
  }
  return phi;
}
