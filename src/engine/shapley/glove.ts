/**
 * Exact Shapley values of the glove game v(S) = min(#left, #right).
 *
 * A left-glove holder adds a pair exactly when, among the players before it in a random order,
 * the right gloves outnumber the other left gloves. Its predecessors are a uniformly random
 * t-subset of the others with t uniform on 0..n-1, so with A ~ Hypergeometric(n-1 others,
 * L-1 of them left, t drawn):
 *
 *   φ_left = (1/n) · Σ_{t=0}^{n-1} P(A < t − A)
 *
 * and φ_right is the same with the roles swapped (computed directly, not as the efficiency
 * remainder, which would cancel when one side is scarce). Each hypergeometric law is evaluated
 * by ratios outward from its mode (no factorials, no overflow) and normalised by its own sum;
 * by log-concavity the tails are cut once they provably weigh < 2^-70 of the total.
 * Cost O(n · spread), spread ≤ min(L, R).
 */
import { checkGloves } from '../games/glove';

export function gloveShapley(leftHolders: number, rightHolders: number): Float64Array {
  checkGloves(leftHolders, rightHolders);
  const L = leftHolders;
  const R = rightHolders;
  const phi = new Float64Array(L + R);
  phi.fill(scarceSideValue(L, R), 0, L);
  phi.fill(scarceSideValue(R, L), L);
  return phi;
}

/** Shapley value of one holder on the side with `mine` holders facing `theirs`. */
function scarceSideValue(mine: number, theirs: number): number {
  if (mine === 0 || theirs === 0) return 0;
  const n = mine + theirs;
  const same = mine - 1; // other holders on my side
  const TINY = 2 ** -70;
  let acc = 0;
  for (let t = 1; t < n; t++) {
    // A = same-side holders among t predecessors; support lo..hi.
    const lo = Math.max(0, t - theirs);
    const hi = Math.min(same, t);
    const ratio = (a: number) => ((same - a) * (t - a)) / ((a + 1) * (theirs - t + a + 1)); // H(a+1)/H(a)
    let mode = Math.floor(((t + 1) * (same + 1)) / (n + 1));
    mode = Math.min(hi, Math.max(lo, mode));
    let total = 1;
    let wins = 2 * mode < t ? 1 : 0;
    let h = 1;
    for (let a = mode; a < hi; a++) {
      const r = ratio(a);
      h *= r;
      total += h;
      if (2 * (a + 1) < t) wins += h;
      if (r < 1 && (h * r) / (1 - r) < TINY * total) break;
    }
    h = 1;
    for (let a = mode - 1; a >= lo; a--) {
      const r = 1 / ratio(a);
      h *= r;
      total += h;
      if (2 * a < t) wins += h;
      if (r < 1 && (h * r) / (1 - r) < TINY * total) break;
    }
    acc += wins / total;
  }
  return acc / n;
}
