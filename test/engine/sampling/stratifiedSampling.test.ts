import { EngineInputError } from '../../../src/engine/errors';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { permutationKernel } from '../../../src/engine/random/permutationBatches';
import { stratifiedPlan, stratifiedShapley, stratifiedShapleyOfPlayers } from '../../../src/engine/shapley/stratifiedSampling';
import { bruteForceOwenExact, bruteForceShapley } from '../../helpers/bruteForce';
import { nearestDouble } from '../../helpers/rational';
import { lcgTable } from './allPermutations';

/** |estimate − truth| in standard errors, for every player of every run. */
function zScores(runs: { values: Float64Array; standardErrors: Float64Array; truth: ArrayLike<number> }[]): number[] {
  return runs.flatMap(({ values, standardErrors, truth }) => Array.from(values, (v, i) => (standardErrors[i] === 0 ? (v === truth[i] ? 0 : Infinity) : Math.abs(v - truth[i]) / standardErrors[i])));
}

/** About 95 % of the truths inside ±1.96 SE, and none beyond 4.5 SE: the errors are honest. */
function expectCalibrated(z: number[]): void {
  const inside = z.filter((x) => x <= 1.96).length / z.length;
  expect(inside).toBeGreaterThan(0.88);
  expect(Math.max(...z)).toBeLessThan(4.5);
}

describe('stratifiedShapley (Castro et al. 2017)', () => {
  it('estimates the Shapley value within its confidence intervals (random tables, against all n! orders)', () => {
    const runs = [];
    for (let seed = 0; seed < 25; seed++) {
      const n = 4 + (seed % 4);
      const values = lcgTable(n, 1000 + seed, -50, 100);
      const result = stratifiedShapley(tableGame(values, n), { seed, maxContributions: 60 * n * n });
      runs.push({ values: result.values, standardErrors: result.standardErrors, truth: bruteForceShapley(n, (mask) => values[mask]) });
    }
    expectCalibrated(zScores(runs));
  });

  it('estimates the Owen value within its confidence intervals (against every consistent order)', () => {
    const runs = [];
    const unionOf = [0, 0, 1, 2, 1, 0, 2];
    for (let seed = 0; seed < 20; seed++) {
      const values = lcgTable(7, 77 + seed, 0, 30);
      const result = stratifiedShapley(tableGame(values, 7), { seed, maxContributions: 4000, unions: unionOf.map((u) => `union ${u}`) });
      expect(result.method).toBe('owen-stratified');
      expect(result.unions).toEqual(unionOf);
      // Each player's strata: 3 places of its union × the size of its union (3, 2 or 2).
      expect(result.strata).toBe(3 * (3 + 3 + 2 + 2 + 2 + 3 + 2));
      runs.push({ values: result.values, standardErrors: result.standardErrors, truth: bruteForceOwenExact(7, unionOf, (mask) => values[mask]).map(nearestDouble) });
    }
    expectCalibrated(zScores(runs));
  });

  it('spends exactly its budget, the same bits for the same seed, other numbers for another', () => {
    const values = lcgTable(6, 5, 0, 10);
    const game = tableGame(values, 6);
    const a = stratifiedShapley(game, { seed: 42, maxContributions: 5000 });
    const b = stratifiedShapley(game, { seed: 42, maxContributions: 5000 });
    const c = stratifiedShapley(game, { seed: 43, maxContributions: 5000 });
    expect(a.marginalContributions).toBe(5000);
    expect(a.strata).toBe(36);
    expect(a.pilotPerStratum).toBe(Math.floor(2500 / 36));
    expect(a.method).toBe('stratified');
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.standardErrors)).toEqual(Array.from(b.standardErrors));
    expect(Array.from(a.values)).not.toEqual(Array.from(c.values));
    // Any split of the players (threads, machines) gives the same bits, as does the TypeScript draw.
    const plan = stratifiedPlan(6, { seed: 42, maxContributions: 5000 });
    const some = stratifiedShapleyOfPlayers(game, plan, [4, 1]);
    expect([some.values[0], some.values[1], some.standardErrors[0]]).toEqual([a.values[4], a.values[1], a.standardErrors[4]]);
    permutationKernel(false);
    try {
      const typescript = stratifiedShapley(game, { seed: 42, maxContributions: 5000 });
      expect(Array.from(typescript.values)).toEqual(Array.from(a.values));
      expect(Array.from(typescript.standardErrors)).toEqual(Array.from(a.standardErrors));
    } finally {
      permutationKernel(true);
    }
  });

  it('is exact where every stratum holds one coalition, and a dummy gets 0 with no error', () => {
    // n = 2: each player's strata are ∅ and the other player.
    const two = stratifiedShapley(tableGame(Float64Array.of(1, 4, 6, 13), 2), { seed: 1, maxContributions: 8 });
    expect(Array.from(two.values)).toEqual([5, 7]);
    expect(Array.from(two.standardErrors)).toEqual([0, 0]);
    // Player 3 weighs nothing: every marginal contribution is 0.
    const vote = stratifiedShapley(votingGame([4, 3, 2, 0], 5), { seed: 3, maxContributions: 400 });
    expect(vote.values[3]).toBe(0);
    expect(vote.standardErrors[3]).toBe(0);
  });

  it('reaches a smaller standard error than permutation sampling for the same marginal contributions on a voting game', () => {
    const weights = [30, 21, 15, 12, 9, 7, 5, 4, 3, 2, 2, 1, 1, 1, 1];
    const game = votingGame(weights, 57);
    const n = weights.length;
    const permutations = 4000;
    const plain = permutationShapley(game, { seed: 9, maxPermutations: permutations });
    const stratified = stratifiedShapley(game, { seed: 9, maxContributions: permutations * n });
    const total = (xs: Float64Array) => xs.reduce((a, b) => a + b * b, 0);
    // Many strata of a weighted vote are all 0 or all 1 (measured here: 0.62 of the variance).
    expect(total(stratified.standardErrors)).toBeLessThan(0.8 * total(plain.standardErrors));
  });

  it('names the argument it refuses', () => {
    const game = tableGame(lcgTable(3, 1), 3);
    const error = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        return e as EngineInputError;
      }
      throw new Error('no error');
    };
    expect(error(() => stratifiedShapley(game, { seed: 1, maxContributions: 17 })).field).toBe('maxContributions');
    expect(error(() => stratifiedShapley(game, { seed: 1, maxContributions: 17 })).message).toMatch(/≥ 18 \(2 samples in each of the 9 strata\)/);
    expect(error(() => stratifiedShapley(game, { seed: 1, maxContributions: 100, pilotShare: 0 })).field).toBe('pilotShare');
    expect(error(() => stratifiedShapley(game, { seed: -1, maxContributions: 100 })).field).toBe('seed');
    expect(error(() => stratifiedShapley(game, { seed: 1, maxContributions: 100, unions: ['a', ''] as string[] })).field).toBe('unions');
  });
});
