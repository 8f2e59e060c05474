/**
 * shapley.exact against brute force over all orders (test/helpers/bruteForce.ts, exact BigInt
 * fractions for integer tables) and against the engine's exactShapley, in any order of arrival of
 * the per-player units and after resuming from partial checkpoints; bad inputs refused, naming
 * the request path and the limit.
 */
import fc from 'fast-check';
import { bruteForceShapley, bruteForceShapleyExact } from '../../helpers/bruteForce';
import { nearestDouble } from '../../helpers/rational';
import { exactShapley } from '../../../src/engine/shapley/exact';
import { playersPerUnit, shapleyExact, shapleyExactWorker } from '../../../src/companion/jobs/shapleyExact';
import type { JobEnvironment } from '../../../src/companion/jobs/types';
import type { DatasetRecord } from '../../../src/companion/store/store';
import { inlineEnvironment, runInline } from './runInline';
import { expectJobInputError } from './expectJobInputError';

/** Box 3 of the report: v(A) = 50, v(B) = 40, v(C) = 30, v(AB) = 80, v(AC) = 80, v(BC) = 60, v(ABC) = 100. */
const BOX3 = [0, 50, 40, 80, 30, 80, 60, 100];

/** An environment holding one uploaded float64 vector under the id 'table'. */
function tableDataset(values: Float64Array, overrides: Partial<JobEnvironment> = {}): JobEnvironment {
  const record: DatasetRecord = { id: 'table', name: 'table.npy', format: 'npy', dtype: 'float64', shape: [values.length], bytes: values.byteLength, path: '', createdAt: '' };
  return inlineEnvironment({
    catalogue: { getDataset: (id) => (id === 'table' ? record : undefined) },
    datasets: {
      readVector: () => values,
      readMatrix: () => ({ data: values, rows: values.length, cols: 1 }),
      readLabels: () => Array.from(values, String),
    },
    ...overrides,
  });
}

describe('shapley.exact', () => {
  it('gives the Box 3 values 45, 30, 25 with the players named', () => {
    const run = runInline(shapleyExact, shapleyExactWorker, { n: 3, values: BOX3, players: ['A', 'B', 'C'] }, {}, inlineEnvironment());
    expect(run.result).toEqual({ method: 'exact', n: 3, values: [45, 30, 25], players: ['A', 'B', 'C'] });
  });

  it('gives integer tables their exact Shapley values, correctly rounded, in any order of arrival', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 2 ** n, maxLength: 2 ** n }))),
        fc.integer({ min: 1, max: 1000 }),
        ([n, values], shuffleSeed) => {
          const expected = bruteForceShapleyExact(n, (mask) => values[mask]).map(nearestDouble);
          const run = runInline(shapleyExact, shapleyExactWorker, { n, values }, {}, inlineEnvironment(), { order: 'shuffled', inFlight: 3, shuffleSeed });
          expect(run.result!.values).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('equals brute force over all orders and exactShapley bit for bit on random real tables', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2 ** n, maxLength: 2 ** n }))),
        ([n, values]) => {
          const expected = bruteForceShapley(n, (mask) => values[mask]);
          const run = runInline(shapleyExact, shapleyExactWorker, { n, values }, {}, inlineEnvironment(), { order: 'shuffled', inFlight: 2 });
          const phi = run.result!.values as number[];
          phi.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
          expect(phi).toEqual(Array.from(exactShapley(Float64Array.from(values), n)));
        },
      ),
      { numRuns: 40 },
    );
  });

  describe('a table split into units of players', () => {
    // At n = 21 a unit is 8 players (2^24 masks): units of players 0–7, 8–15, 16–20.
    const n = 21;
    const values = new Float64Array(2 ** n);
    for (let mask = 1; mask < values.length; mask++) values[mask] = Math.sqrt(mask) + (mask % 17);
    const expected = Array.from(exactShapley(values, n));
    const env = tableDataset(values);
    const input = { n, dataset: 'table' };

    it('has the unit sizes the comment above says', () => {
      expect(playersPerUnit(25)).toBe(1);
      expect(playersPerUnit(n)).toBe(8);
      expect(playersPerUnit(3)).toBe(3);
    });

    it('resumes from the units a checkpoint holds, whichever finished first, computing only the others', () => {
      for (const [stopAfter, shuffleSeed] of [[1, 3], [2, 7], [2, 11]]) {
        const first = runInline(shapleyExact, shapleyExactWorker, input, {}, env, { order: 'shuffled', inFlight: 3, stopAfter, shuffleSeed });
        expect(first.result).toBeUndefined();
        expect(first.checkpoint!.parts.size).toBe(stopAfter);
        expect(first.execution.progress()).toBeCloseTo([...first.checkpoint!.parts.keys()].reduce((s, p) => s + (p === 2 ? 5 : 8), 0) / n, 12);
        const resumed = runInline(shapleyExact, shapleyExactWorker, input, {}, env, { order: 'shuffled', checkpoint: first.checkpoint });
        expect(resumed.unitsRun).toBe(3 - stopAfter);
        expect(resumed.result!.values).toEqual(expected);
      }
    });

    it('resumes after two interruptions, and ignores a checkpoint of another table size', () => {
      const first = runInline(shapleyExact, shapleyExactWorker, input, {}, env, { stopAfter: 1 });
      const second = runInline(shapleyExact, shapleyExactWorker, input, {}, env, { stopAfter: 1, checkpoint: first.checkpoint });
      expect(second.checkpoint!.parts.size).toBe(2);
      const third = runInline(shapleyExact, shapleyExactWorker, input, {}, env, { checkpoint: second.checkpoint });
      expect(third.unitsRun).toBe(1);
      expect(third.result!.values).toEqual(expected);

      const small = runInline(shapleyExact, shapleyExactWorker, { n: 3, values: BOX3 }, {}, inlineEnvironment());
      const misplaced = runInline(shapleyExact, shapleyExactWorker, input, {}, env, { checkpoint: small.checkpoint });
      expect(misplaced.unitsRun).toBe(3);
      expect(misplaced.result!.values).toEqual(expected);
    });
  });

  it('reports progress that never goes back and ends at 1', () => {
    const values = Array.from({ length: 2 ** 4 }, (_, mask) => mask * mask);
    const run = runInline(shapleyExact, shapleyExactWorker, { n: 4, values }, {}, inlineEnvironment(), { order: 'shuffled' });
    expect(run.progress).toEqual([...run.progress].sort((a, b) => a - b));
    expect(run.progress[run.progress.length - 1]).toBe(1);
  });

  describe('refuses bad input, naming the field and the limit', () => {
    const table3 = tableDataset(Float64Array.from(BOX3));
    const labels: DatasetRecord = { id: 'labels', name: 'labels.csv', format: 'csv', dtype: 'string', shape: [8], bytes: 0, path: '', createdAt: '' };
    const env = inlineEnvironment({ catalogue: { getDataset: (id) => (id === 'labels' ? labels : table3.catalogue.getDataset(id)) }, totalMemory: 256 * 1024 * 1024 });
    it.each<[string, unknown, unknown, string, RegExp]>([
      ['input not an object', [1, 2], {}, 'input', /must be an object/],
      ['no n', {}, {}, 'input.n', /whole number from 1 to 26/],
      ['n too large', { n: 27, dataset: 'x' }, {}, 'input.n', /from 1 to 26 \(exact Shapley on the CPU; use shapley.sample/],
      ['n over the memory cap', { n: 23, dataset: 'x' }, {}, 'input.n', /128 MiB.*at most 64 MiB/],
      ['both values and dataset', { n: 1, values: [0, 1], dataset: 'x' }, {}, 'input.values', /not both/],
      ['neither values nor dataset', { n: 1 }, {}, 'input.values', /either/],
      ['wrong length', { n: 2, values: [0, 1, 2] }, {}, 'input.values', /must hold 4 values \(2\^2/],
      ['not finite', { n: 1, values: [0, null] }, {}, 'input.values', /item 2: must be a finite number/],
      ['unknown dataset', { n: 2, dataset: 'nope' }, {}, 'input.dataset', /no dataset with id "nope"/],
      ['a dataset of the wrong size', { n: 2, dataset: 'table' }, {}, 'input.dataset', /holds 8 values; a table of 2 players needs 2\^2 = 4/],
      ['a labels dataset', { n: 3, dataset: 'labels' }, {}, 'input.dataset', /labels \(text\)/],
      ['players of the wrong count', { n: 2, values: [0, 1, 2, 3], players: ['A'] }, {}, 'input.players', /2 names/],
      ['a player name not text', { n: 2, values: [0, 1, 2, 3], players: ['A', null] }, {}, 'input.players', /item 2: must be a name/],
      ['unknown field', { n: 1, values: [0, 1], weights: [1] }, {}, 'input.weights', /not a field of a shapley.exact input \(n, values, dataset, players\)/],
      ['an option', { n: 1, values: [0, 1] }, { seed: 3 }, 'options.seed', /has none/],
      ['options not an object', { n: 1, values: [0, 1] }, 'fast', 'options', /must be an object/],
    ])('%s', (_name, input, options, field, message) => {
      expectJobInputError(() => shapleyExact.validate(input, options, env), field, message);
    });

    it('a dataset holding a non-finite value, when the job starts', () => {
      const values = Float64Array.from(BOX3);
      values[6] = -Infinity;
      const withNaN = tableDataset(values);
      const validated = shapleyExact.validate({ n: 3, dataset: 'table' }, {}, withNaN);
      expect(() => shapleyExact.start(validated.value, withNaN, undefined)).toThrow(/^input\.dataset, item 7: must be a finite number/);
    });
  });
});
