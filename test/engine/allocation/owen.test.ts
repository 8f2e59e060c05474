import fc from 'fast-check';
import { exactShapley } from '../../../src/engine/shapley/exact';
import { owenValue } from '../../../src/engine/shapley/owen';
import { bruteForceOwenExact, bruteForceShapleyExact } from '../../helpers/bruteForce';
import { Rational, nearestDouble, rat, sumRationals } from '../../helpers/rational';
import { expectAllClose } from '../exact/expectClose';
import { expectEngineError } from '../remuneration/expectEngineError';

/** A random partition of 0..n−1: `unionOf` by player, and the unions listed in a shuffled order. */
function partitionArbitrary(n: number): fc.Arbitrary<{ unionOf: number[]; unions: number[][] }> {
  return fc
    .tuple(fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: n, maxLength: n }), fc.array(fc.integer(), { minLength: n, maxLength: n }))
    .map(([labels, keys]) => {
      // Relabel 0..m−1 by first appearance, then list the unions in an order given by `keys`.
      const relabel = new Map<number, number>();
      const unionOf = labels.map((l) => {
        if (!relabel.has(l)) relabel.set(l, relabel.size);
        return relabel.get(l)!;
      });
      const byUnion = Array.from({ length: relabel.size }, () => [] as number[]);
      const players = [...Array(n).keys()].sort((a, b) => keys[a] - keys[b] || a - b);
      for (const p of players) byUnion[unionOf[p]].push(p);
      const order = [...byUnion.keys()].sort((a, b) => keys[byUnion[a][0]] - keys[byUnion[b][0]] || a - b);
      const unions = order.map((u) => byUnion[u]);
      // unionOf as the order of `unions`, which is what bruteForceOwenExact needs (any labels do).
      return { unionOf, unions };
    });
}

const integerGame = (maxN: number) =>
  fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc.tuple(
      fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2 ** n, maxLength: 2 ** n }).map((v) => Float64Array.from(v)),
      partitionArbitrary(n),
    ).map(([values, partition]) => ({ n, values, ...partition })),
  );

const realGame = (maxN: number) =>
  fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc.tuple(
      fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2 ** n, maxLength: 2 ** n }).map((v) => Float64Array.from(v)),
      partitionArbitrary(n),
    ).map(([values, partition]) => ({ n, values, ...partition })),
  );

describe('owenValue', () => {
  it('is the float64 nearest to the exact Owen value on integer tables (brute force over consistent orders)', () => {
    fc.assert(
      fc.property(integerGame(7), ({ n, values, unionOf, unions }) => {
        const exact = bruteForceOwenExact(n, unionOf, (mask) => values[mask]);
        expect(Array.from(owenValue(values, n, unions))).toEqual(exact.map(nearestDouble));
      }),
      { numRuns: 80 },
    );
  }, 120_000);

  it('matches brute force on an 8-player table with three unions of uneven sizes', () => {
    const n = 8;
    const values = Float64Array.from({ length: 2 ** n }, (_, m) => ((m * 7919) % 211) - 90 + (m === 0 ? 0 : 3));
    const unionOf = [2, 0, 1, 0, 2, 2, 1, 0];
    const unions = [[1, 3, 7], [2, 6], [0, 4, 5]];
    const exact = bruteForceOwenExact(n, unionOf, (mask) => values[mask]);
    expect(Array.from(owenValue(values, n, unions))).toEqual(exact.map(nearestDouble));
  });

  it('is within 1e-12 of the exact Owen value on real-valued tables', () => {
    fc.assert(
      fc.property(realGame(6), ({ n, values, unionOf, unions }) => {
        expectAllClose(owenValue(values, n, unions), bruteForceOwenExact(n, unionOf, (mask) => values[mask]), 1e-12);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('gives the Shapley value when every player is alone in a union, or all are in one union', () => {
    fc.assert(
      fc.property(realGame(7), ({ n, values }) => {
        const players = [...Array(n).keys()];
        const shapley = bruteForceShapleyExact(n, (mask) => values[mask]);
        const singletons = owenValue(values, n, players.map((p) => [p]));
        const grand = owenValue(values, n, [players]);
        expectAllClose(singletons, shapley, 1e-12);
        expectAllClose(grand, shapley, 1e-12);
        // Same additions in the same order as exactShapley: identical numbers (documented).
        expect(Array.from(singletons)).toEqual(Array.from(exactShapley(values, n)));
        expect(Array.from(grand)).toEqual(Array.from(exactShapley(values, n)));
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('gives each union the Shapley value of the quotient game among unions, and is efficient', () => {
    fc.assert(
      fc.property(integerGame(7), ({ n, values, unions }) => {
        const m = unions.length;
        const masks = unions.map((members) => members.reduce((a, p) => a | (1 << p), 0));
        const quotient = bruteForceShapleyExact(m, (q) => {
          let mask = 0;
          for (let k = 0; k < m; k++) if (q & (1 << k)) mask |= masks[k];
          return values[mask];
        });
        const phi = owenValue(values, n, unions);
        const totals = unions.map((members) => members.reduce((s, p) => s + phi[p], 0));
        expectAllClose(totals, quotient, 1e-12);
        const sum = Array.from(phi).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - (values[2 ** n - 1] - values[0]))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(values[2 ** n - 1])));
      }),
      { numRuns: 80 },
    );
  }, 120_000);

  it('gives the closed form on unanimity games with 20 players (5 unions of 4, and 2 unions of 10)', () => {
    // u_T(S) = 1 when T ⊆ S. Its Owen value: each of the t unions that meet T gets 1/t, shared
    // equally by its members in T. v = Σ c_j u_{T_j} with whole c_j, so every φ is exact.
    const n = 20;
    const games: { coefficient: number; members: number[] }[] = [
      { coefficient: 12, members: [0, 5, 6, 19] },
      { coefficient: -7, members: [3] },
      { coefficient: 30, members: [1, 2, 3, 8, 13] },
      { coefficient: 5, members: [4, 9, 10, 11, 12, 14] },
    ];
    const values = new Float64Array(2 ** n);
    for (const { coefficient, members } of games) {
      const t = members.reduce((a, p) => a | (1 << p), 0);
      for (let mask = 0; mask < 2 ** n; mask++) if ((mask & t) === t) values[mask] += coefficient;
    }
    const partitions = [
      Array.from({ length: 5 }, (_, k) => [4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3]),
      [[0, 2, 4, 6, 8, 10, 12, 14, 16, 18], [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]],
    ];
    for (const unions of partitions) {
      const expected: Rational[] = Array.from({ length: n }, () => Rational.ZERO);
      for (const { coefficient, members } of games) {
        const met = unions.map((u) => u.filter((p) => members.includes(p))).filter((part) => part.length > 0);
        for (const part of met) for (const p of part) expected[p] = expected[p].add(rat(coefficient, met.length * part.length));
      }
      expect(Array.from(owenValue(values, n, unions))).toEqual(expected.map(nearestDouble));
      expect(nearestDouble(sumRationals(expected))).toBe(12 - 7 + 30 + 5);
    }
  }, 120_000);

  it('names the union at fault', () => {
    const values = new Float64Array(8);
    expectEngineError(() => owenValue(values, 3, [[0, 1], [1, 2]]), 'unions', 1, /already in union 1/);
    expectEngineError(() => owenValue(values, 3, [[0, 1], []]), 'unions', 1, /empty/);
    expectEngineError(() => owenValue(values, 3, [[0, 3], [1, 2]]), 'unions', 0, /not a player index/);
    expectEngineError(() => owenValue(values, 3, [[0, 2]]), 'unions', undefined, /player 1 is in no union/);
    expectEngineError(() => owenValue(Float64Array.from([0, 1, 2, NaN]), 2, [[0, 1]]), 'values', 3, /not a finite number/);
  });
});
