import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { attributeSimilarity, holderScoresOf, sharesOfTotals, similarityProblem, type SimilaritySpec } from '../../../src/engine/attribution/similarity';
import { SIMILARITYSPLIT } from '../../../src/functions/similaritySplit';
import { bruteForceShapley } from '../../helpers/bruteForce';
import { rat } from '../../helpers/rational';
import { expectAllClose } from '../exact/expectClose';

/** Unit rows are float32: cosines are within a few 10^-8 of the float64 ones. */
const TOL = 1e-6;

interface Case {
  d: number;
  outputs: number[][];
  items: number[][];
  holderOfItem: number[];
  holderCount: number;
  weights: number[];
  users: number[];
  threshold: number;
  model: number[];
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
    userCount: Math.max(0, ...c.users) + 1,
    threshold: c.threshold,
    topHolders,
    modelScores: c.model,
  };
}

function cosine(a: readonly number[], b: readonly number[]): number {
  const dot = a.reduce((s, x, k) => s + x * b[k], 0);
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  return na === 0 || nb === 0 ? 0 : dot / (na * nb);
}

/**
 * From the definitions (seed 004): holder h's score is its best cosine; it counts when ≥ the
 * threshold and > 0; the model (slot H) always plays with its score; no counted holder → the
 * model takes the output; otherwise Shapley of v(S) = max_{S} s by all permutations, over v(all).
 */
function reference(c: Case) {
  const H = c.holderCount;
  const cosines: number[] = [];
  const shares = c.outputs.map((o, r) => {
    const best = new Array<number>(H).fill(0);
    c.items.forEach((item, j) => {
      const s = cosine(o, item);
      cosines.push(s);
      best[c.holderOfItem[j]] = Math.max(best[c.holderOfItem[j]], s);
    });
    const counted = best.map((s) => (s >= c.threshold && s > 0 ? s : 0));
    const out = new Array<number>(H + 1).fill(0);
    const players = counted.flatMap((s, h) => (s > 0 ? [h] : []));
    if (players.length === 0) {
      out[H] = 1;
      return out;
    }
    const score = [...players.map((h) => counted[h]), c.model[r]];
    const top = Math.max(...score);
    const phi = bruteForceShapley(score.length, (mask) => score.reduce((m, s, i) => (mask & (1 << i) ? Math.max(m, s) : m), 0));
    players.forEach((h, i) => (out[h] = phi[i] / top));
    out[H] = phi[players.length] / top;
    return out;
  });
  const market = new Array<number>(H + 1).fill(0);
  shares.forEach((row, o) => row.forEach((x, h) => (market[h] += c.weights[o] * x)));
  const user = new Array<number>(H + 1).fill(0);
  for (const u of new Set(c.users)) {
    const mine = c.outputs.map((_, o) => o).filter((o) => c.users[o] === u);
    const total = mine.reduce((s, o) => s + c.weights[o], 0);
    if (total > 0) for (const o of mine) shares[o].forEach((x, h) => (user[h] += (c.weights[o] / total) * x));
  }
  return { cosines, shares, market, user };
}

const small = fc.integer({ min: -3, max: 3 });
const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({ d: fc.integer({ min: 1, max: 3 }), holderCount: fc.integer({ min: 1, max: 4 }), outputCount: fc.integer({ min: 1, max: 9 }) })
  .chain(({ d, holderCount, outputCount }) =>
    fc.record({
      d: fc.constant(d),
      holderCount: fc.constant(holderCount),
      outputs: fc.array(fc.array(small, { minLength: d, maxLength: d }), { minLength: outputCount, maxLength: outputCount }),
      items: fc.array(fc.array(small, { minLength: d, maxLength: d }), { minLength: 1, maxLength: 6 }),
      holderOfItem: fc.array(fc.nat({ max: holderCount - 1 }), { minLength: 6, maxLength: 6 }),
      weights: fc.array(fc.nat({ max: 4 }), { minLength: outputCount, maxLength: outputCount }),
      users: fc.array(fc.nat({ max: 2 }), { minLength: outputCount, maxLength: outputCount }),
      threshold: fc.constantFrom(0, 0.3, 0.7),
      model: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: outputCount, maxLength: outputCount }),
    }),
  )
  .map((c) => ({ ...c, holderOfItem: c.holderOfItem.slice(0, c.items.length) }));

describe('attributeSimilarity with model scores (the model as a player)', () => {
  it('matches brute force over permutations with the model as one more player: totals, model totals, top lists', () => {
    fc.assert(
      fc.property(caseArbitrary, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 }), (c, blockOutputs, topHolders) => {
        const ref = reference(c);
        fc.pre(ref.cosines.every((s) => Math.abs(s) > TOL && Math.abs(s - c.threshold) > TOL));
        const result = attributeSimilarity(similarityProblem(specOf(c, topHolders)), blockOutputs);
        const H = c.holderCount;
        expectAllClose(result.market, ref.market.slice(0, H), TOL);
        expectAllClose(result.user, ref.user.slice(0, H), TOL);
        expect(result.model).toBeDefined();
        expectAllClose([result.model!.market, result.model!.user], [ref.market[H], ref.user[H]], TOL);
        const belowThreshold = ref.shares.filter((row) => row[H] === 1 && row.slice(0, H).every((x) => x === 0)).length;
        expect([result.attributed, result.belowThreshold]).toEqual([c.outputs.length - belowThreshold, belowThreshold]);
        result.tops.forEach((top, o) => {
          expect(top.model!).toBeCloseTo(ref.shares[o][H], 6);
          expect(top.holders.length).toBe(Math.min(topHolders, ref.shares[o].slice(0, H).filter((x) => x > 0).length));
          top.holders.forEach((h, k) => expect(Math.abs(top.shares[k] - ref.shares[o][h])).toBeLessThanOrEqual(TOL));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('splits each output exactly as PARTAGE.SIMILARITYSPLIT with modelScores does, bit for bit', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const problem = similarityProblem(specOf(c, 4));
        c.outputs.forEach((row, o) => {
          const scores = Array.from(holderScoresOf(problem, o));
          const expected = SIMILARITYSPLIT([scores], c.threshold, c.model[o])[0] as number[];
          const alone = attributeSimilarity(similarityProblem({ ...specOf({ ...c, outputs: [row], weights: [1], users: [0], model: [c.model[o]] }, 4) }));
          expect([...Array.from(alone.market), alone.model!.market]).toEqual(expected);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('a hand-worked example: the model as a player, and an output below the threshold going to the model', () => {
    // Items A = (1, 0), B = (0, 1); threshold 0.5; model scores 0.6, 0.6, 0.9.
    //   output 0 (1, 0), w 1: A 1, B 0 → A and the model (0.6): A (0.3 + 0.4)/1 = 0.7, model 0.3
    //   output 1 (3, 4), w 2: A 0.6, B 0.8, model 0.6 → 0.6 shared by 3 (0.2), then 0.2 to B:
    //     A 0.2/0.8 = 1/4, B 0.4/0.8 = 1/2, model 1/4
    //   output 2 (−1, 0), w 5: no holder reaches 0.5 → the model takes it whole.
    // Market: A 0.7 + 2/4 = 1.2, B 1, model 0.3 + 0.5 + 5 = 5.8 (sum 8 = Σ w).
    const spec: SimilaritySpec = {
      d: 2,
      outputs: [1, 0, 3, 4, -1, 0],
      outputCount: 3,
      items: [1, 0, 0, 1],
      itemCount: 2,
      holderOfItem: [0, 1],
      holderCount: 2,
      weights: [1, 2, 5],
      threshold: 0.5,
      modelScores: [0.6, 0.6, 0.9],
    };
    for (const blockOutputs of [1, 2, 3]) {
      const result = attributeSimilarity(similarityProblem(spec), blockOutputs);
      expectAllClose(result.market, [rat(6, 5), rat(1)], TOL);
      expectAllClose([result.model!.market], [rat(29, 5)], TOL);
      expectAllClose(sharesOfTotals(result.market, result.model!.market), [rat(3, 20), rat(1, 8), rat(29, 40)], TOL);
      expect([result.attributed, result.belowThreshold]).toEqual([2, 1]);
      expect(Array.from(result.tops[1].holders)).toEqual([1, 0]);
      expectAllClose([result.tops[1].model!, result.tops[2].model!], [rat(1, 4), rat(1)], TOL);
      expect(result.tops[2].holders.length).toBe(0);
    }
    // One number for every output is the same as that number repeated.
    const one = attributeSimilarity(similarityProblem({ ...spec, modelScores: 0.6 }));
    expect(one).toEqual(attributeSimilarity(similarityProblem({ ...spec, modelScores: [0.6, 0.6, 0.6] })));
    // Without model scores there is no model part and the holders' totals are the plain rule's.
    const plain = attributeSimilarity(similarityProblem({ ...spec, modelScores: undefined }));
    expect(plain.model).toBeUndefined();
    expect(plain.tops[0].model).toBeUndefined();
    expectAllClose(plain.market, [rat(1).add(rat(3, 4)), rat(5, 4)], TOL);
  });

  it('refuses model scores of the wrong length, negative or not finite, naming the output', () => {
    const base: SimilaritySpec = { d: 2, outputs: [1, 0, 0, 1], outputCount: 2, items: [1, 0], itemCount: 1, holderOfItem: [0], holderCount: 1 };
    const cases: Array<[SimilaritySpec['modelScores'], number | undefined, string]> = [
      [[0.5], undefined, 'one per output'],
      [[0.5, -0.1], 1, '≥ 0'],
      [[NaN, 0.5], 0, '≥ 0'],
      [Infinity, undefined, '≥ 0'],
    ];
    for (const [modelScores, index, fragment] of cases) {
      let error: unknown;
      try {
        similarityProblem({ ...base, modelScores });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EngineInputError);
      expect([(error as EngineInputError).field, (error as EngineInputError).index]).toEqual(['modelScores', index]);
      expect((error as EngineInputError).detail).toContain(fragment);
    }
  });
});
