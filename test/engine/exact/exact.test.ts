import fc from 'fast-check';
import { EngineInputError } from '../../../src/engine/errors';
import { exactBanzhaf, exactShapley } from '../../../src/engine/shapley/exact';
import { shapleyFromSizeSums } from '../../../src/engine/shapley/sizeWeights';
import { bruteForceBanzhafExact, bruteForceShapleyExact } from '../../helpers/bruteForce';
import { nearestDouble } from '../../helpers/rational';
import { expectAllClose } from './expectClose';

// Report box 3 (CSPLA seed report): holders A, B, C are bits 0, 1, 2.
const BOX3 = (() => {
  const v = new Float64Array(8);
  const A = 1, B = 2, C = 4;
  v[A] = 50; v[B] = 40; v[C] = 30;
  v[A | B] = 80; v[A | C] = 80; v[B | C] = 60; v[A | B | C] = 100;
  return v;
})();

/** Integer-valued random tables; n ≤ 7 keeps the 7! brute force cheap. */
const integerTable = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2 ** n, maxLength: 2 ** n }).map((values) => ({ n, values: Float64Array.from(values) })));

const realTable = fc
  .integer({ min: 1, max: 7 })
  .chain((n) =>
    fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2 ** n, maxLength: 2 ** n }).map((values) => ({ n, values: Float64Array.from(values) })),
  );

describe('exactShapley', () => {
  it('gives the true Shapley values of report box 3 (45, 30, 25), not the printed 42.5 / 32.5 / 25', () => {
    const expected = bruteForceShapleyExact(3, (mask) => BOX3[mask]);
    expect(expected.map(String)).toEqual(['45', '30', '25']);
    const phi = exactShapley(BOX3, 3);
    expectAllClose(phi, expected, 1e-15);
    expect(Math.abs(phi[0] - 42.5)).toBeGreaterThan(1);
    expect(Math.abs(phi[1] - 32.5)).toBeGreaterThan(1);
  });

  it('is exact on integer tables: each value is the float64 nearest to the exact fraction', () => {
    expect(Array.from(exactShapley(BOX3, 3))).toEqual([45, 30, 25]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((n) => fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2 ** n, maxLength: 2 ** n }).map((v) => ({ n, v }))), ({ n, v }) => {
        const exact = bruteForceShapleyExact(n, (mask) => v[mask]);
        expect(Array.from(exactShapley(v, n))).toEqual(exact.map(nearestDouble));
      }),
      { numRuns: 60 },
    );
  });

  it('matches the exact average over all n! orders on random integer tables, v(∅) ≠ 0 included', () => {
    fc.assert(
      fc.property(integerTable, ({ n, values }) => {
        expectAllClose(exactShapley(values, n), bruteForceShapleyExact(n, (mask) => values[mask]), 1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('matches the textbook subset formula on a 12-player table', () => {
    // Independent float evaluation of Σ_{S∌i} |S|!(n-|S|-1)!/n! · (v(S∪i) − v(S)).
    const n = 12;
    const values = Float64Array.from({ length: 2 ** n }, (_, m) => Math.cos(m * 0.37) * 100 + (m % 13));
    const fact = [1];
    for (let k = 1; k <= n; k++) fact.push(fact[k - 1] * k);
    const bits = (m: number) => m.toString(2).replace(/0/g, '').length;
    const expected = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let m = 0; m < 2 ** n; m++) {
        if (m & (1 << i)) continue;
        const k = bits(m);
        s += ((fact[k] * fact[n - k - 1]) / fact[n]) * (values[m | (1 << i)] - values[m]);
      }
      return s;
    });
    expectAllClose(exactShapley(values, n), expected, 1e-12);
  });

  it('is efficient: Σφ = v(N) − v(∅)', () => {
    fc.assert(
      fc.property(realTable, ({ n, values }) => {
        const phi = exactShapley(values, n);
        const sum = phi.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - (values[2 ** n - 1] - values[0]))).toBeLessThan(1e-9);
      }),
    );
  });

  it('gives symmetric players equal values (Shapley and Banzhaf)', () => {
    fc.assert(
      fc.property(realTable.filter(({ n }) => n >= 2), fc.nat(), fc.nat(), ({ n, values }, x, y) => {
        const i = x % n;
        const j = (i + 1 + (y % (n - 1))) % n;
        // v'(S) = v(S) + v(swap_ij(S)) makes i and j interchangeable.
        const swap = (m: number) => {
          const bi = (m >> i) & 1, bj = (m >> j) & 1;
          return (m & ~((1 << i) | (1 << j))) | (bi << j) | (bj << i);
        };
        const sym = values.map((v, m) => v + values[swap(m)]);
        const phi = exactShapley(sym, n);
        expect(Math.abs(phi[i] - phi[j])).toBeLessThan(1e-9);
        const beta = exactBanzhaf(sym, n);
        expect(Math.abs(beta[i] - beta[j])).toBeLessThan(1e-9);
      }),
    );
  });

  it('gives a null player 0', () => {
    fc.assert(
      fc.property(realTable.filter(({ n }) => n >= 2), fc.nat(), ({ n, values }, x) => {
        const p = x % n;
        const nulled = values.map((_, m) => values[m & ~(1 << p)]);
        expect(Math.abs(exactShapley(nulled, n)[p])).toBeLessThan(1e-9);
        expect(Math.abs(exactBanzhaf(nulled, n)[p])).toBeLessThan(1e-9);
      }),
    );
  });

  it('is additive and linear', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2 ** n, maxLength: 2 ** n }),
            fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2 ** n, maxLength: 2 ** n }),
            fc.double({ min: -10, max: 10, noNaN: true }),
          ),
        ),
        ([n, v, w, a]) => {
          for (const solve of [exactShapley, exactBanzhaf]) {
            const pv = solve(v, n);
            const pw = solve(w, n);
            expectAllClose(solve(v.map((x, m) => x + w[m]), n), Array.from(pv, (x, i) => x + pw[i]), 1e-11);
            expectAllClose(solve(v.map((x) => a * x), n), Array.from(pv, (x) => a * x), 1e-11);
          }
        },
      ),
    );
  });

  it('ignores a large common offset (precision is relative to the spread of v, not its level)', () => {
    const offset = BOX3.map((x) => x + 1e12);
    expectAllClose(exactShapley(offset, 3), [45, 30, 25], 1e-15);
  });

  it('sums the same terms in the same order as the plain loop over masks: the same bits on real tables', () => {
    // The plain algorithm, written independently: D_i[|S|] += v(S ∪ i) − v(S) over masks in increasing order.
    const plain = (values: Float64Array, n: number) => {
      const phi = new Float64Array(n);
      const beta = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const D = new Float64Array(n);
        for (let mask = 0; mask < 2 ** n; mask++) {
          if (mask & (1 << i)) continue;
          let size = 0;
          for (let b = 0; b < n; b++) if (mask & (1 << b)) size++;
          D[size] += values[mask | (1 << i)] - values[mask];
        }
        phi[i] = shapleyFromSizeSums(D, n);
        beta[i] = D.reduce((a, b) => a + b, 0) / 2 ** (n - 1);
      }
      return { phi, beta };
    };
    // Every n from 0 to 13 (the unrolled loop starts at n = 5; i < 4 and i ≥ 4 take different strides).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13 }), fc.integer(), (n, seed) => {
        let a = seed >>> 0;
        const values = Float64Array.from({ length: 2 ** n }, () => {
          a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
          return (a / 2 ** 32 - 0.5) * 1e3;
        });
        const expected = plain(values, n);
        expect(Array.from(exactShapley(values, n))).toEqual(Array.from(expected.phi));
        expect(Array.from(exactBanzhaf(values, n))).toEqual(Array.from(expected.beta));
        // A plain array is read the same way.
        expect(Array.from(exactShapley(Array.from(values), n))).toEqual(Array.from(expected.phi));
      }),
      { numRuns: 60 },
    );
  });

  it('handles 0 and 1 player', () => {
    expect(exactShapley([7], 0)).toEqual(new Float64Array(0));
    expect(Array.from(exactShapley([3, 10], 1))).toEqual([7]);
    expect(Array.from(exactBanzhaf([3, 10], 1))).toEqual([7]);
  });

  it('rejects bad sizes and non-finite values', () => {
    expect(() => exactShapley([0, 1, 2], 2)).toThrow(EngineInputError);
    expect(() => exactShapley([0, 1], -1)).toThrow(EngineInputError);
    expect(() => exactShapley([0, 1], 1.5)).toThrow(EngineInputError);
    expect(() => exactBanzhaf([0, 1, 2], 2)).toThrow(/2\^2 = 4 values/);
    expect(() => exactShapley([0, 31], 31)).toThrow(EngineInputError);
    const err = (() => {
      try {
        exactShapley([0, 1, NaN, 3], 2);
      } catch (e) {
        return e as EngineInputError;
      }
    })();
    expect(err).toBeInstanceOf(EngineInputError);
    expect(err?.field).toBe('values');
    expect(err?.index).toBe(2);
    expect(() => exactBanzhaf([0, Infinity], 1)).toThrow(EngineInputError);
    expect(() => exactShapley([NaN], 0)).toThrow(/coalition mask 0/);
    // The first coalition that is not finite is named, wherever it lies in the table.
    const big = new Float64Array(2 ** 10).map((_, mask) => mask % 7);
    big[777] = -Infinity;
    big[900] = NaN;
    expect(() => exactShapley(big, 10)).toThrow(/coalition mask 777 /);
    expect(() => exactBanzhaf(big, 10)).toThrow(/coalition mask 777 /);
  });
});

describe('exactBanzhaf', () => {
  it('gives box 3 the same 45, 30, 25: the printed 42.5 / 32.5 are slips of arithmetic, not of method', () => {
    // The report averages each holder's 4 marginal contributions with equal weights (Banzhaf),
    // but writes A's contribution to {B} as 30 where 80 − 40 = 40, and averages B's listed
    // 40, 30, 30, 20 as 32.5. With 3 players both averages happen to give the same values here.
    const expected = bruteForceBanzhafExact(3, (mask) => BOX3[mask]);
    expect(expected.map(String)).toEqual(['45', '30', '25']);
    expectAllClose(exactBanzhaf(BOX3, 3), expected, 1e-15);
  });

  it('matches the exact subset average on random integer tables', () => {
    fc.assert(
      fc.property(integerTable, ({ n, values }) => {
        expectAllClose(exactBanzhaf(values, n), bruteForceBanzhafExact(n, (mask) => values[mask]), 1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('gives symmetric players equal values', () => {
    // Majority of 3: everyone swings in 2 of the 4 coalitions of the others.
    const v = Float64Array.from({ length: 8 }, (_, m) => (m.toString(2).replace(/0/g, '').length >= 2 ? 1 : 0));
    expect(Array.from(exactBanzhaf(v, 3))).toEqual([0.5, 0.5, 0.5]);
  });
});
