import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { maxGame } from '../../../src/engine/games/maxGame';
import { maxGameShapley } from '../../../src/engine/shapley/maxGame';
import { bruteForceGameShapley, bruteForceShapleyExact, forEachPermutation, maxWalkerDiscrepancy } from '../../helpers/bruteForce';
import { rat } from '../../helpers/rational';
import { expectAllClose } from './expectClose';

const maxOf = (s: readonly number[], mask: number) => s.reduce((m, x, i) => (mask & (1 << i) ? Math.max(m, x) : m), 0);

describe('maxGameShapley', () => {
  it('matches exact brute force on random integer scores with ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }), (s) => {
        const expected = bruteForceShapleyExact(s.length, (mask) => maxOf(s, mask));
        const phi = maxGameShapley(s);
        expectAllClose(phi, expected, 1e-14);
        // Tied scores: exactly the same value, not merely close.
        for (let i = 0; i < s.length; i++) for (let j = 0; j < s.length; j++) if (s[i] === s[j]) expect(phi[i]).toBe(phi[j]);
      }),
      { numRuns: 100 },
    );
  });

  it('matches brute force over the game for real similarity scores', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 7 }), (s) => {
        expectAllClose(maxGameShapley(s), bruteForceGameShapley(maxGame(s)), 1e-13);
      }),
      { numRuns: 60 },
    );
  });

  it('gives the airport-game textbook values', () => {
    // Scores 1, 2, 4: φ = 1/3, 1/3 + 1/2, 1/3 + 1/2 + 2.
    expectAllClose(maxGameShapley([4, 1, 2]), [rat(17, 6), rat(1, 3), rat(5, 6)], 1e-15);
    expect(maxGameShapley([])).toEqual(new Float64Array(0));
  });

  it('rejects negative or missing scores with their row', () => {
    for (const [scores, index] of [[[0.3, -0.1], 1], [[NaN], 0], [[1, 2, Infinity], 2]] as const) {
      for (const f of [() => maxGameShapley(scores), () => maxGame(scores)]) {
        try {
          f();
          throw new Error('expected an EngineInputError');
        } catch (e) {
          expect(e).toBeInstanceOf(EngineInputError);
          expect([(e as EngineInputError).field, (e as EngineInputError).index]).toEqual(['scores', index]);
        }
      }
    }
  });
});

describe('maxGame', () => {
  it('walks what it evaluates', () => {
    const game = maxGame([0.2, 0.9, 0.5, 0.9]);
    const orders: number[][] = [];
    forEachPermutation(4, (o) => orders.push([...o]));
    expect(maxWalkerDiscrepancy(game, orders)).toBe(0);
  });
});
