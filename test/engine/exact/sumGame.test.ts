import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { saturatingScaleShapley, sumGameBanzhaf, sumGameShapley } from '../../../src/engine/shapley/sumGame';
import { bruteForceBanzhafExact, bruteForceGameShapley, bruteForceShapleyExact, maxWalkerDiscrepancy } from '../../helpers/bruteForce';
import { expectAllClose } from './expectClose';

const weightOf = (weights: readonly number[], mask: number) => weights.reduce((s, w, i) => s + (mask & (1 << i) ? w : 0), 0);

/** Whole-number weights and an arbitrary integer-valued f on 0..Σw (not monotone, f(0) ≠ 0). */
const sumGameCase = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }).chain((w) => {
  const total = w.reduce((a, b) => a + b, 0);
  return fc.tuple(fc.constant(w), fc.array(fc.integer({ min: -100, max: 100 }), { minLength: total + 1, maxLength: total + 1 }));
});

describe('sumGameShapley / sumGameBanzhaf', () => {
  it('match exact brute force for arbitrary f, with both strategies', () => {
    fc.assert(
      fc.property(sumGameCase, ([w, fTab]) => {
        const f = (t: number) => fTab[t];
        const shapley = bruteForceShapleyExact(w.length, (mask) => fTab[weightOf(w, mask)]);
        const banzhaf = bruteForceBanzhafExact(w.length, (mask) => fTab[weightOf(w, mask)]);
        for (const strategy of ['auto', 'counts', 'probabilities'] as const) {
          expectAllClose(sumGameShapley(w, f, { strategy }), shapley, 1e-12);
          expectAllClose(sumGameBanzhaf(w, f, { strategy }), banzhaf, 1e-12);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('rejects weights that are negative, fractional or not numbers', () => {
    const f = (t: number) => t;
    for (const [bad, index] of [[[1, -2], 1], [[0.5, 1], 0], [[1, 2, Infinity], 2]] as const) {
      for (const solve of [sumGameShapley, sumGameBanzhaf]) {
        try {
          solve(bad, f);
          throw new Error('expected an EngineInputError');
        } catch (e) {
          expect(e).toBeInstanceOf(EngineInputError);
          expect((e as EngineInputError).field).toBe('weights');
          expect((e as EngineInputError).index).toBe(index);
        }
      }
    }
    expect(() => sumGameShapley([1, 2], () => NaN)).toThrow(RangeError);
    expect(sumGameShapley([], f)).toEqual(new Float64Array(0));
  });
});

describe('saturating scale', () => {
  it('closed form matches brute force over the game, and the game walks what it evaluates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 7 }),
        fc.double({ min: 0.5, max: 100, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        (sizes, halfSize, alpha) => {
          const game = saturatingScaleGame(sizes, halfSize, alpha);
          expectAllClose(saturatingScaleShapley(sizes, halfSize, alpha), bruteForceGameShapley(game), 1e-12);
          const orders = [sizes.map((_, i) => i), sizes.map((_, i) => sizes.length - 1 - i)];
          expect(maxWalkerDiscrepancy(game, orders)).toBeLessThan(1e-15);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pays equal holders of a large corpus v(N)/n although leaving any one out costs almost nothing', () => {
    // 200 holders of 10 units, D0 = 100: counts overflow 2^53 so the probability path runs.
    const n = 200;
    const sizes = new Array<number>(n).fill(10);
    const game = saturatingScaleGame(sizes, 100, 1);
    const all = sizes.map((_, i) => i);
    const vN = game.value(all);
    const leaveOneOut = vN - game.value(all.slice(1));
    const phi = saturatingScaleShapley(sizes, 100, 1);
    for (let i = 0; i < n; i++) expect(Math.abs(phi[i] - vN / n)).toBeLessThan(1e-15);
    expect(leaveOneOut).toBeLessThan(phi[0] / 10);
  });

  it('gives zero-size holders exactly 0', () => {
    const phi = saturatingScaleShapley([0, 5, 0, 7], 3, 0.5);
    expect(Object.is(phi[0], 0) && Object.is(phi[2], 0)).toBe(true);
    expect(phi[3]).toBeGreaterThan(phi[1]);
  });

  it('rejects bad parameters', () => {
    const fields = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(EngineInputError);
        return [(e as EngineInputError).field, (e as EngineInputError).index];
      }
      throw new Error('expected an EngineInputError');
    };
    expect(fields(() => saturatingScaleShapley([1, 2.5], 10, 1))).toEqual(['sizes', 1]);
    expect(fields(() => saturatingScaleShapley([1, -2], 10, 1))).toEqual(['sizes', 1]);
    expect(fields(() => saturatingScaleGame([1, 2], 0, 1))).toEqual(['halfSize', undefined]);
    expect(fields(() => saturatingScaleGame([1, 2], 10, -1))).toEqual(['alpha', undefined]);
    expect(fields(() => saturatingScaleGame([1, NaN], 10, 1))).toEqual(['sizes', 1]);
    expect(fields(() => saturatingScaleShapley([1e9, 1e9], 10, 1))).toEqual(['sizes', undefined]);
    // Fractional sizes are fine for the game itself (sampling).
    expect(saturatingScaleGame([1.5, 2.5], 4, 1).value([0, 1])).toBeCloseTo(0.5, 15);
  });
});
