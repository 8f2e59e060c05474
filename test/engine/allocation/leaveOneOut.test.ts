import fc from 'fast-check';
import { leaveOneOut } from '../../../src/engine/shapley/leaveOneOut';
import { bruteForceShapleyExact } from '../../helpers/bruteForce';
import { expectEngineError } from '../remuneration/expectEngineError';

describe('leaveOneOut', () => {
  it('gives two duplicate catalogues 0 each, where Shapley splits their value', () => {
    // A and B hold the same works (worth 50), C other works (worth 30): coverage values.
    const values = Float64Array.from([0, 50, 50, 50, 30, 80, 80, 80]);
    expect(Array.from(leaveOneOut(values, 3))).toEqual([0, 0, 30]);
    expect(bruteForceShapleyExact(3, (mask) => values[mask]).map(String)).toEqual(['25', '25', '30']);
  });

  it('is v(N) − v(N∖{i}) on random tables', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2 ** n, maxLength: 2 ** n }).map((v) => ({ n, v }))),
        ({ n, v }) => {
          const full = (1 << n) - 1;
          const expected = Array.from({ length: n }, (_, i) => v[full] - v[full & ~(1 << i)]);
          expect(Array.from(leaveOneOut(Float64Array.from(v), n))).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('names a non-finite value it needs', () => {
    expectEngineError(() => leaveOneOut(Float64Array.from([0, 1, Infinity, 3]), 2), 'values', 2, /not a finite number/);
    expectEngineError(() => leaveOneOut(Float64Array.from([0, 1, 2]), 2), 'values', undefined, /needs 2\^2 = 4 values/);
  });
});
