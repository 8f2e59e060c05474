/**
 * shapley.stratified against the engine's stratifiedShapley (bit for bit, in any order of arrival
 * of the per-player units, after resuming from a partial checkpoint) and against the exact values
 * (within the confidence intervals it reports); bad inputs refused, naming the request path.
 */
import { shapleyStratified, shapleyStratifiedWorker } from '../../../src/companion/jobs/shapleyStratified';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import { shapleyShubikIndex } from '../../../src/engine/shapley/voting';
import { stratifiedShapley } from '../../../src/engine/shapley/stratifiedSampling';
import { lcgTable } from '../../engine/sampling/allPermutations';
import { expectJobInputError } from './expectJobInputError';
import { inlineEnvironment, runInline } from './runInline';

describe('shapley.stratified', () => {
  const values = Array.from(lcgTable(6, 3, 0, 40));
  const input = { game: { type: 'table', n: 6, values }, players: ['A', 'B', 'C', 'D', 'E', 'F'] };
  const engine = stratifiedShapley(tableGame(Float64Array.from(values), 6), { seed: 21, maxContributions: 9000 });

  it('gives the engine’s numbers bit for bit, in any order of arrival, with its method, seed and strata', () => {
    for (const shuffleSeed of [1, 5, 9]) {
      const run = runInline(shapleyStratified, shapleyStratifiedWorker, input, { seed: 21, maxContributions: 9000 }, inlineEnvironment(), { order: 'shuffled', inFlight: 3, shuffleSeed });
      expect(run.result).toEqual({
        method: 'stratified',
        game: 'table',
        seed: 21,
        marginalContributions: 9000,
        strata: 36,
        pilotPerStratum: engine.pilotPerStratum,
        values: Array.from(engine.values),
        standardErrors: Array.from(engine.standardErrors),
        players: input.players,
      });
    }
  });

  it('resumes from a checkpoint, running only the players it lacks', () => {
    const first = runInline(shapleyStratified, shapleyStratifiedWorker, input, { seed: 21, maxContributions: 9000 }, inlineEnvironment(), { order: 'shuffled', inFlight: 3, stopAfter: 4, shuffleSeed: 2 });
    expect(first.checkpoint!.parts.size).toBe(4);
    const resumed = runInline(shapleyStratified, shapleyStratifiedWorker, input, { seed: 21, maxContributions: 9000 }, inlineEnvironment(), { checkpoint: first.checkpoint });
    expect(resumed.unitsRun).toBe(2);
    expect(resumed.result!.values).toEqual(Array.from(engine.values));
    // Another seed's checkpoint is not this run's: everything is run again.
    const other = runInline(shapleyStratified, shapleyStratifiedWorker, input, { seed: 22, maxContributions: 9000 }, inlineEnvironment(), { checkpoint: first.checkpoint });
    expect(other.unitsRun).toBe(6);
  });

  it('estimates a voting game’s Shapley–Shubik index within its standard errors, and the Owen value with unions', () => {
    const weights = [10, 8, 6, 4, 3, 2, 1, 1];
    const run = runInline(shapleyStratified, shapleyStratifiedWorker, { game: { type: 'voting', weights, quota: 18 } }, { seed: 4, maxContributions: 40_000 }, inlineEnvironment());
    const exact = shapleyShubikIndex(weights, 18);
    const result = run.result as { values: number[]; standardErrors: number[]; seed: number };
    result.values.forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThanOrEqual(4.5 * result.standardErrors[i] + 1e-12));
    const owen = runInline(shapleyStratified, shapleyStratifiedWorker, { game: { type: 'voting', weights, quota: 18 }, unions: ['x', 'x', 'y', 'y', 'y', 'z', 'z', 'z'] }, { seed: 4, maxContributions: 40_000 }, inlineEnvironment());
    const expected = stratifiedShapley(votingGame(weights, 18), { seed: 4, maxContributions: 40_000, unions: ['x', 'x', 'y', 'y', 'y', 'z', 'z', 'z'] });
    expect(owen.result).toMatchObject({ method: 'owen-stratified', values: Array.from(expected.values), unions: ['x', 'x', 'y', 'y', 'y', 'z', 'z', 'z'] });
  });

  it('draws a seed when none is given, and keeps it for a resume', () => {
    const validated = shapleyStratified.validate(input, { maxContributions: 9000 }, inlineEnvironment());
    expect(Number.isSafeInteger(validated.options.seed)).toBe(true);
    expect(validated.value.options.seed).toBe(validated.options.seed);
  });

  it('refuses bad inputs, naming the request path', () => {
    const env = inlineEnvironment();
    const cases: Array<[unknown, unknown, string, RegExp]> = [
      [input, {}, 'options.maxContributions', /give the marginal contributions/],
      [input, { maxContributions: 71 }, 'options.maxContributions', /≥ 72 \(2 samples in each of the 36 strata\)/],
      [input, { maxContributions: 9000, pilotShare: 2 }, 'options.pilotShare', /\(0, 1\]/],
      [input, { maxContributions: 9000, seed: -3 }, 'options.seed', /2\^53/],
      [input, { maxContributions: 9000, antithetic: true }, 'options.antithetic', /not an option of shapley.stratified/],
      [input, { maxContributions: 2e12 }, 'options.maxContributions', /at most 1e\+12/],
      [{ ...input, unions: ['a'] }, { maxContributions: 9000 }, 'input.unions', /must list 6 unions/],
      [{ ...input, weights: [1] }, { maxContributions: 9000 }, 'input.weights', /not a field/],
    ];
    for (const [body, options, field, message] of cases) expectJobInputError(() => shapleyStratified.validate(body, options, env), field, message);
  });
});
