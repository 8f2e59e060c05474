import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { knnGame, type LabelledPoints } from '../../../src/engine/games/knn';
import { knnShapley } from '../../../src/engine/shapley/knn';
import { bruteForceShapleyExact, forEachPermutation, maxWalkerDiscrepancy, membersOf } from '../../helpers/bruteForce';
import { Rational, rat } from '../../helpers/rational';
import { expectAllClose } from './expectClose';

/**
 * The KNN utility of Jia et al. (2019), written out from its definition: for each test point,
 * the fraction of the K nearest members of S (Euclidean, ties to the lower index) that carry
 * the test label, divided by K rather than by min(K, |S|); averaged over test points. Exact.
 */
function knnUtility(train: LabelledPoints, test: LabelledPoints, k: number, members: number[]): Rational {
  let sum = Rational.ZERO;
  for (let t = 0; t < test.features.length; t++) {
    const d = (i: number) => Array.from(train.features[i]).reduce((s, x, c) => s + (x - test.features[t][c]) ** 2, 0);
    const nearest = [...members].sort((a, b) => d(a) - d(b) || a - b).slice(0, k);
    const hits = nearest.filter((i) => train.labels[i] === test.labels[t]).length;
    sum = sum.add(rat(hits, k));
  }
  return sum.div(rat(test.features.length));
}

/** Small integer grids make distance ties common, which is where tie-breaking matters. */
const knnCase = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    train: fc.record({
      features: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 2 }), { minLength: n, maxLength: n }),
      labels: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
    }),
    test: fc.integer({ min: 1, max: 3 }).chain((m) =>
      fc.record({
        features: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 2 }), { minLength: m, maxLength: m }),
        labels: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: m, maxLength: m }),
      }),
    ),
    k: fc.integer({ min: 1, max: n + 1 }),
  }),
);

describe('knnShapley', () => {
  it('matches brute force over all orders of the utility written from its definition', () => {
    fc.assert(
      fc.property(knnCase, ({ train, test, k }) => {
        const n = train.labels.length;
        const expected = bruteForceShapleyExact(n, (mask) => knnUtility(train, test, k, membersOf(mask, n)));
        expectAllClose(knnShapley(train, test, k), expected, 1e-13);
      }),
      { numRuns: 120 },
    );
  });

  it('has a game whose value is the same utility and whose walker agrees with it', () => {
    fc.assert(
      fc.property(knnCase, ({ train, test, k }) => {
        const n = train.labels.length;
        const game = knnGame(train, test, k);
        for (let mask = 0; mask < 1 << n; mask++) {
          expect(game.value(membersOf(mask, n))).toBeCloseTo(knnUtility(train, test, k, membersOf(mask, n)).toNumber(), 14);
        }
        const orders: number[][] = [];
        forEachPermutation(n, (o) => orders.push([...o]));
        expect(maxWalkerDiscrepancy(game, orders)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('gives a mislabelled nearest point a negative value (K = 1, worked by hand)', () => {
    // Test point 0.4 labelled 0; training 0 (label 1, nearest), 1 and 5 (label 0). With K = 1
    // point 0 changes v only by arriving after a correct point (−1): probability 2/3. Points 1
    // and 2 add +1 only when they come first: 1/3 each. Σ = v(N) − v(∅) = 0.
    const phi = knnShapley({ features: [[0], [1], [5]], labels: [1, 0, 0] }, { features: [[0.4]], labels: [0] }, 1);
    expectAllClose(phi, [rat(-2, 3), rat(1, 3), rat(1, 3)], 1e-15);
  });

  it('gives each point 1[match]/K when there are fewer points than K (the utility is additive)', () => {
    const phi = knnShapley({ features: [[0], [1], [2]], labels: [0, 1, 0] }, { features: [[0]], labels: [0] }, 5);
    expectAllClose(phi, [0.2, 0, 0.2], 1e-15);
  });

  it('rejects malformed data and k < 1', () => {
    const train = { features: [[0, 1], [1, 1]], labels: [0, 1] };
    const test = { features: [[0, 0]], labels: [0] };
    const cases: Array<[() => unknown, string, number | undefined]> = [
      [() => knnShapley(train, test, 0), 'k', undefined],
      [() => knnShapley(train, test, 1.5), 'k', undefined],
      [() => knnShapley({ features: [[0, 1], [1]], labels: [0, 1] }, test, 1), 'train', 1],
      [() => knnShapley({ features: [[0, 1]], labels: [0, 1] }, test, 1), 'train', undefined],
      [() => knnShapley(train, { features: [[0, NaN]], labels: [0] }, 1), 'test', 0],
      [() => knnShapley(train, { features: [[0]], labels: [0] }, 1), 'test', 0],
      [() => knnShapley(train, { features: [], labels: [] }, 1), 'test', undefined],
      [() => knnGame(train, test, -1), 'k', undefined],
    ];
    for (const [f, field, index] of cases) {
      try {
        f();
        throw new Error('expected an EngineInputError');
      } catch (e) {
        expect(e).toBeInstanceOf(EngineInputError);
        expect([(e as EngineInputError).field, (e as EngineInputError).index]).toEqual([field, index]);
      }
    }
  });
});
