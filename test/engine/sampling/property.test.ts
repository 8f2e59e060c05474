import fc from 'fast-check';
import { tableGame } from '../../../src/engine/games/table';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { permutationMoments } from './allPermutations';

const smallTable = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    values: fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 2 ** n, maxLength: 2 ** n }),
    seed: fc.maxSafeNat(),
    antithetic: fc.boolean(),
  }),
);

describe('permutationShapley on random small tables', () => {
  it('stays within 5 standard errors of the exact Shapley value, and sums to v(N) − v(∅)', () => {
    fc.assert(
      fc.property(smallTable, ({ n, values, seed, antithetic }) => {
        const table = Float64Array.from(values);
        const exact = permutationMoments(n, (mask) => table[mask]).shapley;
        const r = permutationShapley(tableGame(table, n), { seed, maxPermutations: 3000, antithetic });
        const scale = Math.max(1, ...values.map(Math.abs));
        for (let i = 0; i < n; i++) {
          // Rounding slack for players whose contribution never varies (standard error 0).
          if (!(Math.abs(r.values[i] - exact[i]) <= 5 * r.standardErrors[i] + 1e-9 * scale)) return false;
        }
        const total = r.values.reduce((s, x) => s + x, 0);
        return Math.abs(total - (table[2 ** n - 1] - table[0])) <= 1e-9 * scale;
      }),
      { numRuns: 60 },
    );
  });
});
