/**
 * shapley.exact against brute force over all orders (test/helpers/bruteForce.ts), in any order of
 * arrival of the per-player units and after resuming from a checkpoint; bad inputs refused.
 */
import fc from 'fast-check';
import { bruteForceShapley } from '../../helpers/bruteForce';
import { exactShapley } from '../../../src/engine/shapley/exact';
import { JobInputError } from '../../../src/companion/jobs/errors';
import { playersPerUnit, shapleyExact, shapleyExactWorker } from '../../../src/companion/jobs/shapleyExact';
import { inlineEnvironment, runInline } from './runInline';

describe('shapley.exact', () => {
  it('gives the Box 3 values 45, 30, 25 with the players named', () => {
    const run = runInline(shapleyExact, shapleyExactWorker, { n: 3, values: [0, 50, 40, 80, 30, 80, 60, 100], players: ['A', 'B', 'C'] }, {}, inlineEnvironment());
    expect(run.result).toEqual({ method: 'exact', n: 3, values: [45, 30, 25], players: ['A', 'B', 'C'] });
  });

  it('equals brute force over all orders on random tables, whatever the order of arrival', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 1000 }), (n, seed) => {
        const values = Array.from({ length: 2 ** n }, (_, mask) => (mask === 0 ? 0 : ((mask * 2654435761 + seed * 40503) % 9973) / 7));
        const expected = bruteForceShapley(n, (mask) => values[mask]);
        const run = runInline(shapleyExact, shapleyExactWorker, { n, values }, {}, inlineEnvironment(), { order: 'shuffled', inFlight: 3, shuffleSeed: seed });
        (run.result!.values as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
      }),
      { numRuns: 40 },
    );
  });

  it('splits a large table into units of players and resumes from the finished ones', () => {
    // At n = 21 a unit is 8 players (2^24 masks): 3 units.
    const n = 21;
    expect(playersPerUnit(25)).toBe(1);
    expect(playersPerUnit(n)).toBe(8);
    const values = new Float64Array(2 ** n);
    for (let mask = 1; mask < values.length; mask++) values[mask] = Math.sqrt(mask) + (mask % 17);
    const env = inlineEnvironment();
    const input = { n, values: Array.from(values) };
    const first = runInline(shapleyExact, shapleyExactWorker, input, {}, env, { order: 'shuffled', stopAfter: 2 });
    expect(first.result).toBeUndefined();
    expect(first.checkpoint!.parts.size).toBe(2);
    const resumed = runInline(shapleyExact, shapleyExactWorker, input, {}, env, { checkpoint: first.checkpoint });
    expect(resumed.unitsRun).toBe(1);
    expect(resumed.result!.values).toEqual(Array.from(exactShapley(values, n)));
  });

  it.each([
    ['no n', {}, 'input.n', /whole number from 1 to 26/],
    ['n too large', { n: 27, dataset: 'x' }, 'input.n', /26/],
    ['both values and dataset', { n: 1, values: [0, 1], dataset: 'x' }, 'input.values', /not both/],
    ['neither values nor dataset', { n: 1 }, 'input.values', /either/],
    ['wrong length', { n: 2, values: [0, 1, 2] }, 'input.values', /4 values/],
    ['not finite', { n: 1, values: [0, null] }, 'input.values', /item 2/],
    ['unknown dataset', { n: 2, dataset: 'nope' }, 'input.dataset', /no dataset/],
    ['players of the wrong count', { n: 2, values: [0, 1, 2, 3], players: ['A'] }, 'input.players', /2 names/],
  ])('refuses %s', (_name, input, field, message) => {
    let error: unknown;
    try {
      shapleyExact.validate(input, {}, inlineEnvironment());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JobInputError);
    expect((error as JobInputError).field).toBe(field);
    expect((error as JobInputError).message).toMatch(message);
  });
});
