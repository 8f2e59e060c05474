import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { bestHolderScores, GROUP_OUTPUTS, itemTile } from '../../../src/engine/attribution/bestHolderScores';
import { holderScoresKernel } from '../../../src/engine/attribution/holderScoresKernel';
import {
  attributeSimilarity,
  holderScoresOf,
  indexLabels,
  sharesOfTotals,
  similarityProblem,
  type SimilarityAttribution,
  type SimilaritySpec,
} from '../../../src/engine/attribution/similarity';
import { similaritySplitRow } from '../../../src/engine/attribution/similaritySplit';
import { unitRows } from '../../../src/engine/attribution/unitRows';
import { SIMILARITYSPLIT } from '../../../src/functions/similaritySplit';
import { bruteForceShapley } from '../../helpers/bruteForce';
import { rat, type Rational } from '../../helpers/rational';
import { expectAllClose } from '../exact/expectClose';

/** Unit rows are float32: cosines are within a few 10^-8 of the float64 ones. */
const TOL = 1e-6;

interface Case {
  d: number;
  outputs: number[][];
  items: number[][];
  holderOfItem: number[];
  holderCount: number;
  weights?: number[];
  users?: number[];
  threshold: number;
}

function specOf(c: Case, topHolders = 3): SimilaritySpec {
  return {
    d: c.d,
    outputs: c.outputs.flat(),
    outputCount: c.outputs.length,
    items: c.items.flat(),
    itemCount: c.items.length,
    holderOfItem: c.holderOfItem,
    holderCount: c.holderCount,
    weights: c.weights,
    userOfOutput: c.users,
    userCount: c.users ? Math.max(0, ...c.users) + 1 : undefined,
    threshold: c.threshold,
    topHolders,
  };
}

// ---- reference: straight from the definitions, in float64, no code shared with the engine ----

/** Cosine similarity; vectors are scaled by their largest component first (tiny entries). */
function cosine(a: readonly number[], b: readonly number[]): number {
  const sa = Math.max(...a.map(Math.abs));
  const sb = Math.max(...b.map(Math.abs));
  if (sa === 0 || sb === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k] / sa;
    const y = b[k] / sb;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

interface Reference {
  /** Every cosine of two non-zero vectors, for the preconditions. */
  cosines: number[];
  scores: number[][];
  shares: number[][];
  attributed: boolean[];
  market: number[];
  user: number[];
}

function reference(c: Case): Reference {
  const cosines: number[] = [];
  const scores = c.outputs.map((o) => {
    const best = new Array<number>(c.holderCount).fill(-Infinity);
    c.items.forEach((item, j) => {
      const s = cosine(o, item);
      if (o.some((x) => x !== 0) && item.some((x) => x !== 0)) cosines.push(s);
      best[c.holderOfItem[j]] = Math.max(best[c.holderOfItem[j]], s);
    });
    return best;
  });
  const shares = scores.map((row) => {
    const counted = row.map((s) => (s >= c.threshold && s > 0 ? s : 0));
    const players = counted.flatMap((s, h) => (s > 0 ? [h] : []));
    const out = new Array<number>(c.holderCount).fill(0);
    if (players.length === 0) return out;
    const top = Math.max(...counted);
    // v(S) = max over S of the counted scores; shares = φ / v(all).
    const phi = bruteForceShapley(players.length, (mask) => players.reduce((m, h, i) => (mask & (1 << i) ? Math.max(m, counted[h]) : m), 0));
    players.forEach((h, i) => (out[h] = phi[i] / top));
    return out;
  });
  const attributed = shares.map((row) => row.some((x) => x > 0));
  const w = (o: number) => c.weights?.[o] ?? 1;
  const market = new Array<number>(c.holderCount).fill(0);
  shares.forEach((row, o) => row.forEach((x, h) => (market[h] += w(o) * x)));
  const userOf = (o: number) => (c.users ? c.users[o] : o);
  const user = new Array<number>(c.holderCount).fill(0);
  for (const u of new Set(c.outputs.map((_, o) => userOf(o)))) {
    const mine = c.outputs.map((_, o) => o).filter((o) => userOf(o) === u && attributed[o]);
    const total = mine.reduce((s, o) => s + w(o), 0);
    if (total > 0) for (const o of mine) shares[o].forEach((x, h) => (user[h] += (w(o) / total) * x));
  }
  return { cosines, scores, shares, attributed, market, user };
}

// ---- generators ----

const vectorOf = (d: number) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d, maxLength: d });

/**
 * Random small problems with ties (items and outputs drawn from a pool, scaled copies of the same
 * direction), zero vectors, negative similarities, holders without items and users with several
 * outputs.
 */
const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({ d: fc.integer({ min: 1, max: 5 }), holderCount: fc.integer({ min: 1, max: 6 }) })
  .chain(({ d, holderCount }) =>
    fc
      .record({
        pool: fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant(new Array<number>(d).fill(0)) }, { weight: 6, arbitrary: vectorOf(d) }), { minLength: 1, maxLength: 5 }),
        itemPicks: fc.array(fc.record({ k: fc.nat(), scale: fc.constantFrom(1, 2, 0.5, 3), holder: fc.nat({ max: holderCount - 1 }) }), { minLength: 1, maxLength: 10 }),
        outputPicks: fc.array(fc.oneof(fc.nat().map((k) => ({ k })), vectorOf(d).map((v) => ({ v }))), { minLength: 1, maxLength: 12 }),
        threshold: fc.constantFrom(0, -0.5, 0.3, 0.7),
        weighted: fc.boolean(),
        grouped: fc.boolean(),
        seed: fc.array(fc.nat({ max: 4 }), { minLength: 12, maxLength: 12 }),
      })
      .map(({ pool, itemPicks, outputPicks, threshold, weighted, grouped, seed }) => {
        const items = itemPicks.map(({ k, scale }) => pool[k % pool.length].map((x) => x * scale));
        const outputs = outputPicks.map((p) => ('v' in p ? p.v : pool[p.k % pool.length]));
        return {
          d,
          outputs,
          items,
          holderOfItem: itemPicks.map((p) => p.holder),
          holderCount,
          weights: weighted ? outputs.map((_, o) => seed[o]) : undefined,
          users: grouped ? outputs.map((_, o) => seed[(o * 7) % 12] % 3) : undefined,
          threshold,
        };
      }),
  );

/**
 * Cosines within float32 rounding of the threshold or of 0 could fall either side of it in the
 * engine: such draws are skipped (zero vectors give exactly 0 in both and are kept).
 */
function clearOfEdges(c: Case, ref: Reference): boolean {
  return ref.cosines.every((s) => Math.abs(s) > TOL && Math.abs(s - c.threshold) > TOL);
}

function expectMatchesReference(result: SimilarityAttribution, ref: Reference, topHolders: number): void {
  expectAllClose(result.market, ref.market, TOL);
  expectAllClose(result.user, ref.user, TOL);
  expect(result.attributed).toBe(ref.attributed.filter(Boolean).length);
  expect(result.belowThreshold).toBe(ref.attributed.filter((a) => !a).length);
  result.tops.forEach((top, o) => {
    const counted = ref.shares[o].filter((x) => x > 0).length;
    expect(top.holders.length).toBe(Math.min(topHolders, counted));
    top.holders.forEach((h, k) => {
      expect(Math.abs(top.shares[k] - ref.shares[o][h])).toBeLessThanOrEqual(TOL);
      expect(Math.abs(top.scores[k] - ref.scores[o][h])).toBeLessThanOrEqual(TOL);
      if (k > 0) expect(top.shares[k]).toBeLessThanOrEqual(top.shares[k - 1]);
    });
    // No holder left out has a larger share than the smallest one listed.
    if (top.holders.length > 0) {
      const least = top.shares[top.shares.length - 1];
      ref.shares[o].forEach((x, h) => {
        if (!top.holders.includes(h)) expect(x).toBeLessThanOrEqual(least + TOL);
      });
    }
  });
}

describe('attributeSimilarity', () => {
  it('matches brute force (cosines, best match per holder, threshold, Shapley over permutations, totals)', () => {
    fc.assert(
      fc.property(caseArbitrary, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 4 }), (c, blockOutputs, topHolders) => {
        const ref = reference(c);
        fc.pre(clearOfEdges(c, ref));
        const result = attributeSimilarity(similarityProblem(specOf(c, topHolders)), blockOutputs);
        expectMatchesReference(result, ref, topHolders);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same numbers for the same block size, and close ones for any block size', () => {
    fc.assert(
      fc.property(caseArbitrary, fc.integer({ min: 1, max: 7 }), (c, blockOutputs) => {
        const problem = similarityProblem(specOf(c));
        const a = attributeSimilarity(problem, blockOutputs);
        expect(attributeSimilarity(problem, blockOutputs)).toEqual(a);
        const b = attributeSimilarity(problem, 64);
        expectAllClose(a.market, b.market, 1e-12);
        expectAllClose(a.user, b.user, 1e-12);
        expect(a.tops).toEqual(b.tops);
      }),
      { numRuns: 100 },
    );
  });

  it('splits each output exactly as PARTAGE.SIMILARITYSPLIT does on its row of holder scores', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const problem = similarityProblem(specOf(c, 6));
        const whole = attributeSimilarity(problem, 3);
        c.outputs.forEach((row, o) => {
          const scores = holderScoresOf(problem, o);
          const expected = SIMILARITYSPLIT([Array.from(scores)], c.threshold)[0] as number[];
          expect(Array.from(similaritySplitRow(scores, c.threshold))).toEqual(expected);
          // One output of weight 1 alone: its market total is its split, bit for bit.
          const alone = attributeSimilarity(similarityProblem({ ...specOf({ ...c, outputs: [row], weights: undefined, users: undefined }, 6) }));
          expect(Array.from(alone.market)).toEqual(expected);
          const top = whole.tops[o];
          top.holders.forEach((h, k) => {
            expect(top.shares[k]).toBe(expected[h]);
            expect(top.scores[k]).toBe(scores[h]);
          });
          expect(top.holders.length).toBe(expected.filter((x) => x > 0).length);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('computes market- and user-centric totals of a hand-worked example exactly', () => {
    // Items: A = (1, 0), B = (0, 1). Outputs and their split (Littlechild–Owen / top score):
    //   0 (1, 0)   user u1, w 1: A 1                         (scores 1, 0)
    //   1 (3, 4)   user u2, w 2: A 0.6/2/0.8 = 3/8, B 5/8     (scores 0.6, 0.8)
    //   2 (1, 1)   user u1, w 3: A 1/2, B 1/2                 (tied scores 1/√2)
    //   3 (−1, 0)  user u2, w 5: below threshold (scores −1, 0)
    //   4 (0, 0)   user u3, w 1: below threshold (zero vector)
    // Market: A = 1 + 2·3/8 + 3/2 = 13/4, B = 2·5/8 + 3/2 = 11/4.
    // User: u1 (W = 4): A (1 + 3/2)/4 = 5/8, B 3/8; u2 (W = 2, output 3 not attributed): A 3/8,
    // B 5/8; u3 gives nothing. A = B = 1.
    const holders = indexLabels(['A', 'B']);
    const users = indexLabels(['u1', 'u2', 'u1', 'u2', 'u3']);
    const spec: SimilaritySpec = {
      d: 2,
      outputs: [1, 0, 3, 4, 1, 1, -1, 0, 0, 0],
      outputCount: 5,
      items: [1, 0, 0, 1],
      itemCount: 2,
      holderOfItem: holders.index,
      holderCount: 2,
      weights: [1, 2, 3, 5, 1],
      userOfOutput: users.index,
      userCount: users.names.length,
    };
    const check = (values: ArrayLike<number>, expected: Rational[]) => expectAllClose(values, expected, TOL);
    for (const blockOutputs of [1, 2, 3, 4, 5, 16]) {
      const result = attributeSimilarity(similarityProblem(spec), blockOutputs);
      check(result.market, [rat(13, 4), rat(11, 4)]);
      check(result.user, [rat(1), rat(1)]);
      check(sharesOfTotals(result.market), [rat(13, 24), rat(11, 24)]);
      check(sharesOfTotals(result.user), [rat(1, 2), rat(1, 2)]);
      expect([result.attributed, result.belowThreshold]).toEqual([3, 2]);
      expect(Array.from(result.tops[1].holders)).toEqual([1, 0]);
      check(result.tops[1].shares, [rat(5, 8), rat(3, 8)]);
      // Tied shares: the holder listed first comes first.
      expect(Array.from(result.tops[2].holders)).toEqual([0, 1]);
      expect(result.tops[2].shares[0]).toBe(result.tops[2].shares[1]);
      expect(result.tops[3].holders.length).toBe(0);
    }
    // A threshold of 0.7 drops A's 0.6 on output 1 (B takes it whole) and both 1/√2 ≈ 0.707 stay.
    const strict = attributeSimilarity(similarityProblem({ ...spec, threshold: 0.7 }));
    check(strict.market, [rat(5, 2), rat(7, 2)]);
    // A score equal to the threshold counts (≥): output 0 scores exactly 1 for A.
    const exact = attributeSimilarity(similarityProblem({ ...spec, threshold: 1 }));
    expect([Array.from(exact.market), exact.attributed]).toEqual([[1, 0], 1]);
    // Nothing reaches a threshold above 1: every share and total is 0.
    const none = attributeSimilarity(similarityProblem({ ...spec, threshold: 1.5 }));
    expect([Array.from(none.market), Array.from(none.user), Array.from(sharesOfTotals(none.market))]).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(none.belowThreshold).toBe(5);
  });

  it('lists top holders only for the first topOutputs outputs', () => {
    const spec: SimilaritySpec = { d: 1, outputs: [1, 1, 1], outputCount: 3, items: [1], itemCount: 1, holderOfItem: [0], holderCount: 1, topOutputs: 2 };
    const result = attributeSimilarity(similarityProblem(spec));
    expect(result.tops.length).toBe(2);
    expect(result.attributed).toBe(3);
  });

  it('refuses bad specs, naming the field and the item', () => {
    const base: SimilaritySpec = { d: 2, outputs: [1, 0], outputCount: 1, items: [1, 0, 0, 1], itemCount: 2, holderOfItem: [0, 1], holderCount: 2 };
    const cases: Array<[Partial<SimilaritySpec>, string, number | undefined]> = [
      [{ holderOfItem: [0, 2] }, 'holders', 1],
      [{ holderOfItem: [0] }, 'holders', undefined],
      [{ weights: [-1] }, 'weights', 0],
      [{ weights: [NaN] }, 'weights', 0],
      [{ outputs: [1, 0, 0] }, 'outputs', undefined],
      [{ items: [1, 0, Infinity, 1] }, 'items', 1],
      [{ threshold: NaN }, 'threshold', undefined],
      [{ userOfOutput: [3], userCount: 2 }, 'users', 0],
    ];
    for (const [change, field, index] of cases) {
      let error: unknown;
      try {
        similarityProblem({ ...base, ...change });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EngineInputError);
      expect([(error as EngineInputError).field, (error as EngineInputError).index]).toEqual([field, index]);
    }
  });
});

describe.each([
  ['the WebAssembly kernel', true],
  ['the TypeScript loops', false],
])('bestHolderScores by %s', (_, kernel) => {
  beforeEach(() => holderScoresKernel(kernel));
  afterEach(() => holderScoresKernel(true));

  it('equals plain loops over the same unit rows, across tiles, pairs, odd counts and groups', () => {
    expect(holderScoresKernel()).toBe(kernel ? 'webassembly' : 'typescript');
    // d = 301 gives tiles of 216 items, so 437 items cross two tile boundaries and end on an odd one.
    const d = 301;
    const itemCount = 437;
    const holderCount = 7;
    const outputCount = 10; // three groups, the last with two empty lanes
    expect(itemTile(d)).toBeLessThan(itemCount / 2);
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 2 - 1;
    const items = unitRows('items', Array.from({ length: itemCount * d }, random), itemCount, d);
    const outputs = unitRows('outputs', Array.from({ length: outputCount * d }, random), outputCount, d);
    const holderOfItem = Int32Array.from({ length: itemCount }, (_, j) => (j * 5) % (holderCount - 1)); // holder 6 has none
    const groups = Math.ceil(outputCount / GROUP_OUTPUTS);
    const rows = new Float32Array(groups * GROUP_OUTPUTS * d);
    rows.set(outputs);
    const best = new Float64Array(groups * GROUP_OUTPUTS * holderCount).fill(NaN);
    bestHolderScores(rows, groups, d, items, itemCount, holderOfItem, holderCount, best);
    for (let o = 0; o < groups * GROUP_OUTPUTS; o++) {
      const expected = new Array<number>(holderCount).fill(0);
      if (o < outputCount) {
        for (let j = 0; j < itemCount; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += outputs[o * d + k] * items[j * d + k];
          expected[holderOfItem[j]] = Math.max(expected[holderOfItem[j]], s);
        }
      }
      const got = Array.from({ length: holderCount }, (_, h) => best[(Math.floor(o / 4) * holderCount + h) * 4 + (o % 4)]);
      expect(got).toEqual(expected);
    }
  });
});

describe('unitRows', () => {
  it('scales rows to unit length in float32, whatever their magnitude, and keeps zero rows zero', () => {
    const u = unitRows('outputs', [3, 4, 1e-300, 1e-300, 1e300, -1e300, 0, 0, 5e-324, 0], 5, 2);
    expect(Array.from(u)).toEqual([0.6, 0.8, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2, -Math.SQRT1_2, 0, 0, 1, 0].map(Math.fround));
  });

  it('refuses a non-finite entry with its row and column', () => {
    expect(() => unitRows('items', [1, 2, 3, NaN], 2, 2)).toThrow(new EngineInputError('items', 1, 'column 2 must be a finite number, got NaN'));
  });
});
