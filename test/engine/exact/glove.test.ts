import { EngineInputError } from '../../../src/engine/errors';
import { gloveGame } from '../../../src/engine/games/glove';
import { gloveShapley } from '../../../src/engine/shapley/glove';
import { bruteForceGameShapley, bruteForceShapleyExact, forEachPermutation, maxWalkerDiscrepancy, membersOf } from '../../helpers/bruteForce';
import { Rational, binomial, factorial, rat } from '../../helpers/rational';
import { expectAllClose } from './expectClose';

/**
 * Exact value of one left-glove holder from the subset form of the Shapley value: it adds a
 * pair to S (a left and b right gloves, a < b) with weight |S|!(n−|S|−1)!/n!.
 */
function exactLeftValue(L: number, R: number): Rational {
  const n = L + R;
  let num = 0n;
  for (let a = 0; a <= L - 1; a++) {
    for (let b = a + 1; b <= R; b++) num += binomial(L - 1, a) * binomial(R, b) * factorial(a + b) * factorial(n - 1 - a - b);
  }
  return new Rational(num, factorial(n));
}

describe('gloveShapley', () => {
  it('knows the textbook facts', () => {
    expectAllClose(gloveShapley(1, 1), [0.5, 0.5], 1e-16);
    expectAllClose(gloveShapley(2, 1), [rat(1, 6), rat(1, 6), rat(2, 3)], 1e-15);
    expectAllClose(gloveShapley(0, 3), [0, 0, 0], 0);
    expect(gloveShapley(0, 0)).toEqual(new Float64Array(0));
  });

  it('matches brute force over all orders for up to 7 holders', () => {
    for (let L = 0; L <= 7; L++) {
      for (let R = 0; L + R <= 7; R++) {
        const n = L + R;
        const expected = bruteForceShapleyExact(n, (mask) => {
          const left = membersOf(mask, n).filter((p) => p < L).length;
          return Math.min(left, membersOf(mask, n).length - left);
        });
        expectAllClose(gloveShapley(L, R), expected, 1e-14);
        expectAllClose(bruteForceGameShapley(gloveGame(L, R)), expected, 1e-14);
      }
    }
  });

  it('matches the exact subset sum for larger markets', () => {
    for (const [L, R] of [[9, 14], [30, 3], [25, 25], [1, 60], [40, 39]]) {
      const phi = gloveShapley(L, R);
      const left = exactLeftValue(L, R).toNumber();
      const right = exactLeftValue(R, L).toNumber();
      expect(Math.abs(phi[0] / left - 1)).toBeLessThan(1e-12);
      expect(Math.abs(phi[L] / right - 1)).toBeLessThan(1e-12);
    }
  });

  it('is efficient on a large market: Σφ = min(L, R)', () => {
    const phi = gloveShapley(300, 700);
    expect(Math.abs(phi.reduce((s, x) => s + x, 0) - 300)).toBeLessThan(1e-9);
    expect(phi[0]).toBeGreaterThan(phi[300]);
  });

  it('rejects counts that are not whole numbers', () => {
    for (const [L, R, field] of [[-1, 2, 'leftHolders'], [1.5, 2, 'leftHolders'], [1, NaN, 'rightHolders']] as const) {
      try {
        gloveShapley(L, R);
        throw new Error('expected an EngineInputError');
      } catch (e) {
        expect(e).toBeInstanceOf(EngineInputError);
        expect((e as EngineInputError).field).toBe(field);
      }
    }
  });
});

describe('gloveGame', () => {
  it('walks what it evaluates and counts pairs', () => {
    const game = gloveGame(2, 3);
    const orders: number[][] = [];
    forEachPermutation(5, (o) => orders.push([...o]));
    expect(maxWalkerDiscrepancy(game, orders)).toBe(0);
    expect(game.value([0, 1, 2])).toBe(1);
    expect(game.value([0, 1, 2, 3, 4])).toBe(2);
  });
});
