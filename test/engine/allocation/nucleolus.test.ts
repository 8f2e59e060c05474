/**
 * The nucleolus engine (src/engine/shapley/nucleolus.ts) with the HiGHS adapter, against:
 * - published values: the Talmud's estate problems, whose nucleolus is the Talmud rule
 *   (Aumann & Maschler 1985, "Game theoretic analysis of a bankruptcy problem from the Talmud");
 * - its defining property, checked here directly: no allocation (random imputations, small and
 *   large perturbations of the result, a fine grid of the simplex for n = 3) has a
 *   lexicographically smaller vector of excesses sorted from the largest down;
 * - textbook facts: the nucleolus lies in the core when the core is not empty (convex games,
 *   built from non-negative Harsanyi dividends, have one), it equals the pre-nucleolus on
 *   0-monotonic games (convex games are), and symmetric players get equal values.
 * The excesses here are computed by plain loops over the members, not by the engine.
 */
import fc from 'fast-check';
import { nucleolus, type NucleolusKind } from '../../../src/engine/shapley/nucleolus';
import type { LpSolver } from '../../../src/engine/lp/linearProgram';
import { loadHighs } from '../../../src/lp/highs';
import { mulberry32 } from '../../helpers/random';
import { expectEngineError } from '../remuneration/expectEngineError';

let solver: LpSolver;
beforeAll(async () => {
  solver = await loadHighs();
}, 60_000);

/** v(S) = max(0, E − Σ_{j∉S} d_j): what S is sure to get once the others' claims are paid. */
function bankruptcy(estate: number, claims: readonly number[]): Float64Array {
  const n = claims.length;
  const v = new Float64Array(2 ** n);
  for (let mask = 0; mask < v.length; mask++) {
    let outside = 0;
    for (let j = 0; j < n; j++) if (!(mask & (1 << j))) outside += claims[j];
    v[mask] = Math.max(0, estate - outside);
  }
  return v;
}

/** Excesses v(S) − x(S) of every coalition ∅ ≠ S ≠ N, sorted from the largest down. */
function sortedExcesses(v: ArrayLike<number>, n: number, x: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let mask = 1; mask < 2 ** n - 1; mask++) {
    let paid = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) paid += x[i];
    out.push(v[mask] - paid);
  }
  return out.sort((a, b) => b - a);
}

/** Negative when a is lexicographically smaller than b by more than tol at the first difference. */
function compareLex(a: readonly number[], b: readonly number[], tol: number): number {
  for (let k = 0; k < a.length; k++) {
    if (Math.abs(a[k] - b[k]) > tol) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

function expectRelativelyClose(actual: ArrayLike<number>, expected: readonly number[], rel = 1e-9): void {
  const scale = Math.max(1, ...expected.map(Math.abs));
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e)).toBeLessThanOrEqual(rel * scale));
}

/** A convex game: v(S) = Σ_{T ⊆ S} λ_T with dividends λ_T ≥ 0 (integers), so the core is not empty. */
function convexGame(n: number, dividends: readonly number[]): Float64Array {
  const v = new Float64Array(2 ** n);
  for (let mask = 1; mask < v.length; mask++) {
    let total = 0;
    for (let t = mask; t > 0; t = (t - 1) & mask) total += dividends[t % dividends.length];
    v[mask] = total;
  }
  return v;
}

const randomGame = (n: number, seed: number): Float64Array => {
  const random = mulberry32(seed);
  const v = new Float64Array(2 ** n);
  for (let mask = 1; mask < v.length; mask++) v[mask] = Math.round(random() * 100 * popcount(mask));
  return v;
};

function popcount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}

describe('nucleolus: published values', () => {
  // Aumann & Maschler (1985), Table 1: claims 100, 200, 300.
  it.each([
    [100, [100 / 3, 100 / 3, 100 / 3]],
    [200, [50, 75, 75]],
    [300, [50, 100, 150]],
  ])('gives the Talmud rule for the estate %d with claims 100, 200, 300', (estate, expected) => {
    for (const kind of ['nucleolus', 'prenucleolus'] as const) {
      const result = nucleolus(bankruptcy(estate, [100, 200, 300]), 3, kind, solver);
      expectRelativelyClose(result.values, expected);
      expect(result.polished).toBe(true);
    }
  });

  it('keeps 1e-9 relative accuracy in any currency unit', () => {
    const result = nucleolus(bankruptcy(2e9, [1e9, 2e9, 3e9]), 3, 'nucleolus', solver);
    expectRelativelyClose(result.values, [5e8, 7.5e8, 7.5e8]);
  });

  it('gives Σ v({i}) = v(N) its only imputation and a one-player game v(N)', () => {
    // v(A) = 30, v(B) = 70, v(AB) = 100.
    expect(Array.from(nucleolus([0, 30, 70, 100], 2, 'nucleolus', solver).values)).toEqual([30, 70]);
    expect(Array.from(nucleolus([0, 42], 1, 'nucleolus', solver).values)).toEqual([42]);
  });

  it('solves degenerate games with many ties: majority voting, a glove market, a veto player', () => {
    // Two of three win: by symmetry and efficiency 1/3 each.
    const majority = [0, 0, 0, 1, 0, 1, 1, 1];
    expectRelativelyClose(nucleolus(majority, 3, 'nucleolus', solver).values, [1 / 3, 1 / 3, 1 / 3]);
    // One left glove (player 0), two right ones: a pair is worth 1. The core is the single point
    // (1, 0, 0) (x0 + x1 ≥ 1 and x0 + x2 ≥ 1 with Σ = 1), so the nucleolus is that point.
    const gloves = [0, 0, 0, 1, 0, 1, 0, 1];
    expectRelativelyClose(nucleolus(gloves, 3, 'nucleolus', solver).values, [1, 0, 0]);
    // Weighted vote [quota 3; weights 2, 1, 1]: the same winning coalitions, the same answer.
    expectRelativelyClose(nucleolus(gloves, 3, 'prenucleolus', solver).values, [1, 0, 0]);
  });

  it('splits a two-player surplus equally (standard solution)', () => {
    // v(A) = 10, v(B) = 20, v(AB) = 50: each gets its stand-alone value plus half of 20.
    expectRelativelyClose(nucleolus([0, 10, 20, 50], 2, 'prenucleolus', solver).values, [20, 30]);
  });
});

describe('nucleolus: the defining lexicographic property', () => {
  it('no random imputation or perturbation has lexicographically smaller excesses (n ≤ 6)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 1 << 30 }), fc.constantFrom<NucleolusKind>('nucleolus', 'prenucleolus'), (n, seed, kind) => {
        const v = randomGame(n, seed);
        const grand = v[2 ** n - 1];
        let standAlone = 0;
        for (let i = 0; i < n; i++) standAlone += v[1 << i];
        if (kind === 'nucleolus' && standAlone > grand) return;
        const x = nucleolus(v, n, kind, solver).values;
        let total = 0;
        x.forEach((xi) => (total += xi));
        expect(Math.abs(total - grand)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(grand)));
        if (kind === 'nucleolus') for (let i = 0; i < n; i++) expect(x[i]).toBeGreaterThanOrEqual(v[1 << i] - 1e-9 * grand);
        const ours = sortedExcesses(v, n, x);
        const random = mulberry32(seed ^ 0x5bd1e995);
        const tol = 1e-9 * Math.max(1, Math.abs(grand));
        for (let trial = 0; trial < 300; trial++) {
          const y = new Float64Array(n);
          if (trial < 100 && kind === 'nucleolus') {
            // A random imputation: the stand-alone values plus a random split of the surplus.
            const weights = Array.from({ length: n }, () => -Math.log(random() + 1e-12));
            const sum = weights.reduce((a, b) => a + b, 0);
            for (let i = 0; i < n; i++) y[i] = v[1 << i] + ((grand - standAlone) * weights[i]) / sum;
          } else {
            // x moved along a direction that keeps Σ = v(N), by a step from 1e-6 to 10 (× v(N)).
            const step = Math.abs(grand) * 10 ** (-6 + 7 * random()) + 1e-6;
            const d = Array.from({ length: n }, () => random() - 0.5);
            const mean = d.reduce((a, b) => a + b, 0) / n;
            for (let i = 0; i < n; i++) y[i] = x[i] + step * (d[i] - mean);
            if (kind === 'nucleolus' && y.some((yi, i) => yi < v[1 << i])) continue;
          }
          expect(compareLex(sortedExcesses(v, n, y), ours, tol)).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('beats every point of a fine grid of the imputations for n = 3', () => {
    const random = mulberry32(7);
    for (let game = 0; game < 5; game++) {
      const v = new Float64Array(8);
      for (let mask = 1; mask < 7; mask++) v[mask] = Math.round(random() * 60);
      v[7] = 100 + Math.round(random() * 50);
      const x = nucleolus(v, 3, 'nucleolus', solver).values;
      const ours = sortedExcesses(v, 3, x);
      const surplus = v[7] - v[1] - v[2] - v[4];
      const steps = 150;
      for (let a = 0; a <= steps; a++) {
        for (let b = 0; a + b <= steps; b++) {
          const y = [v[1] + (surplus * a) / steps, v[2] + (surplus * b) / steps, v[4] + (surplus * (steps - a - b)) / steps];
          expect(compareLex(sortedExcesses(v, 3, y), ours, 1e-9 * v[7])).toBeGreaterThanOrEqual(0);
        }
      }
    }
  }, 120_000);
});

describe('nucleolus: textbook properties', () => {
  const convex = fc.integer({ min: 2, max: 7 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2 ** n, maxLength: 2 ** n })));

  it('lies in the core of convex games (every excess ≤ 1e-9), and equals the pre-nucleolus there', () => {
    fc.assert(
      fc.property(convex, ([n, dividends]) => {
        const v = convexGame(n, dividends);
        const grand = v[2 ** n - 1];
        const x = nucleolus(v, n, 'nucleolus', solver).values;
        const pre = nucleolus(v, n, 'prenucleolus', solver).values;
        const tol = 1e-9 * Math.max(1, grand);
        expect(sortedExcesses(v, n, x)[0]).toBeLessThanOrEqual(tol);
        for (let i = 0; i < n; i++) expect(Math.abs(pre[i] - x[i])).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('gives symmetric players equal values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 7 }), fc.integer({ min: 1, max: 1 << 30 }), (n, seed) => {
        // Players 0 and 1 are interchangeable: v(S) depends on S through S with 0 and 1 swapped.
        const raw = randomGame(n, seed);
        const swap = (mask: number) => (mask & ~3) | ((mask & 1) << 1) | ((mask & 2) >> 1);
        const v = raw.map((_, mask) => Math.max(raw[mask], raw[swap(mask)]));
        const x = nucleolus(v, n, 'prenucleolus', solver).values;
        expect(Math.abs(x[0] - x[1])).toBeLessThanOrEqual(1e-9 * Math.max(1, v[2 ** n - 1]));
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('handles 12 and 16 players (constraint generation) and stays in the core of a convex game', () => {
    for (const n of [12, 16]) {
      const random = mulberry32(n);
      const dividends = Array.from({ length: 4099 }, () => Math.floor(random() * 5));
      const v = convexGame(n, dividends);
      const x = nucleolus(v, n, 'nucleolus', solver).values;
      const tol = 1e-9 * v[2 ** n - 1];
      let total = 0;
      x.forEach((xi) => (total += xi));
      expect(Math.abs(total - v[2 ** n - 1])).toBeLessThanOrEqual(tol);
      expect(sortedExcesses(v, n, x)[0]).toBeLessThanOrEqual(tol);
    }
  }, 120_000);
});

describe('nucleolus: refused inputs', () => {
  it('has no nucleolus when the stand-alone values exceed v(N), saying both numbers', () => {
    // v(A) = 60, v(B) = 50, v(AB) = 100.
    expectEngineError(() => nucleolus([0, 60, 50, 100], 2, 'nucleolus', solver), 'values', undefined, /sum to 110, more than v\(N\) = 100.*prenucleolus/);
    // The pre-nucleolus still exists: each gets its stand-alone value less half of the 10 missing.
    expectRelativelyClose(nucleolus([0, 60, 50, 100], 2, 'prenucleolus', solver).values, [55, 45]);
  });

  it('names a bad kind', () => {
    expectEngineError(() => nucleolus([0, 1, 1, 2], 2, 'kernel' as NucleolusKind, solver), 'kind', undefined, /"nucleolus" or "prenucleolus", got "kernel"/);
  });

  it('names a value that is not finite', () => {
    expectEngineError(() => nucleolus([0, 1, NaN, 2], 2, 'nucleolus', solver), 'values', 2, /not a finite number/);
  });
});
