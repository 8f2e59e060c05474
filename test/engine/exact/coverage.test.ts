import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { coverageGame, type CoverageElement } from '../../../src/engine/games/coverage';
import { coverageShapley } from '../../../src/engine/shapley/coverage';
import { bruteForceShapleyExact, forEachPermutation, maxWalkerDiscrepancy, membersOf } from '../../helpers/bruteForce';
import { expectAllClose } from './expectClose';

/** v(S) written out directly: an element counts once if any member covers it. */
const coverageValue = (elements: readonly CoverageElement[], members: readonly number[]) =>
  elements.reduce((v, e) => (Array.from(e.coveredBy).some((p) => members.includes(p)) ? v + e.weight : v), 0);

const coverageCase = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.tuple(
    fc.constant(n),
    fc.array(
      fc.record({ weight: fc.integer({ min: -5, max: 20 }), coveredBy: fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }) }),
      { maxLength: 8 },
    ),
  ),
);

describe('coverageShapley', () => {
  it('matches exact brute force (uncovered elements and repeated coverers included)', () => {
    fc.assert(
      fc.property(coverageCase, ([n, elements]) => {
        const expected = bruteForceShapleyExact(n, (mask) => coverageValue(elements, membersOf(mask, n)));
        expectAllClose(coverageShapley(n, elements), expected, 1e-14);
        const game = coverageGame(n, elements);
        const orders: number[][] = [];
        forEachPermutation(n, (o) => orders.push([...o]));
        expect(maxWalkerDiscrepancy(game, orders.slice(0, 50))).toBe(0);
        for (let mask = 0; mask < 1 << n; mask++) expect(game.value(membersOf(mask, n))).toBe(coverageValue(elements, membersOf(mask, n)));
      }),
      { numRuns: 60 },
    );
  });

  it('splits a duplicated catalogue in half where leave-one-out gives both holders nothing', () => {
    // Holders 0 and 1 hold the same catalogue (elements 0-1); holder 2 a distinct one.
    const elements = [
      { weight: 30, coveredBy: [0, 1] },
      { weight: 10, coveredBy: [1, 0] },
      { weight: 25, coveredBy: [2] },
      { weight: 99, coveredBy: [] },
    ];
    const all = [0, 1, 2];
    const vN = coverageValue(elements, all);
    const leaveOneOut = all.map((i) => vN - coverageValue(elements, all.filter((p) => p !== i)));
    expect(leaveOneOut).toEqual([0, 0, 25]);
    const expected = bruteForceShapleyExact(3, (mask) => coverageValue(elements, membersOf(mask, 3)));
    expect(expected.map(String)).toEqual(['20', '20', '25']);
    expectAllClose(coverageShapley(3, elements), expected, 0);
  });

  it('rejects unknown players and bad weights with the element row', () => {
    const cases: Array<[number, CoverageElement[], string, number | undefined]> = [
      [2, [{ weight: 1, coveredBy: [0] }, { weight: 1, coveredBy: [2] }], 'elements', 1],
      [2, [{ weight: 1, coveredBy: [-1] }], 'elements', 0],
      [2, [{ weight: 1, coveredBy: [0.5] }], 'elements', 0],
      [2, [{ weight: NaN, coveredBy: [0] }], 'elements', 0],
      [-1, [], 'players', undefined],
      [1.5, [], 'players', undefined],
    ];
    for (const [n, elements, field, index] of cases) {
      for (const f of [() => coverageShapley(n, elements), () => coverageGame(n, elements)]) {
        try {
          f();
          throw new Error('expected an EngineInputError');
        } catch (e) {
          expect(e).toBeInstanceOf(EngineInputError);
          expect([(e as EngineInputError).field, (e as EngineInputError).index]).toEqual([field, index]);
        }
      }
    }
  });
});
