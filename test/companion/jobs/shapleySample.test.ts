/**
 * shapley.sample against the engine's permutationShapley (tested on its own against brute force
 * over all orders): the job must give the same bits for every game of the catalogue, whatever the
 * order in which blocks come back, and after an interruption resumed from its checkpoint. Bad
 * inputs are refused naming the request path.
 */
import { coverageGame } from '../../../src/engine/games/coverage';
import { knnGame } from '../../../src/engine/games/knn';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import type { Game } from '../../../src/engine/games/game';
import { permutationShapley, type PermutationSamplingOptions } from '../../../src/engine/shapley/sampling';
import { JobInputError } from '../../../src/companion/jobs/errors';
import { shapleySample, shapleySampleWorker } from '../../../src/companion/jobs/shapleySample';
import type { DatasetRecord } from '../../../src/companion/store/store';
import { inlineEnvironment, runInline } from './runInline';

const table5 = Array.from({ length: 32 }, (_, mask) => (mask === 0 ? 0 : ((mask * 7919) % 101) + mask / 8));
const train = { features: [[0, 0], [1, 0], [0, 1], [1, 1], [2, 2], [0.5, 0.2]], labels: [0, 0, 1, 1, 1, 0] };
const test = { features: [[0.1, 0.1], [0.9, 1.1], [1.8, 1.9]], labels: [0, 1, 1] };

const games: Array<{ name: string; spec: Record<string, unknown>; game: Game }> = [
  { name: 'table', spec: { type: 'table', n: 5, values: table5 }, game: tableGame(Float64Array.from(table5), 5) },
  { name: 'voting', spec: { type: 'voting', weights: [4, 4, 4, 2, 2, 1], quota: 12 }, game: votingGame([4, 4, 4, 2, 2, 1], 12) },
  {
    name: 'saturatingScale',
    spec: { type: 'saturatingScale', sizes: [10, 200, 3000, 45, 5], halfSize: 500, alpha: 0.7 },
    game: saturatingScaleGame([10, 200, 3000, 45, 5], 500, 0.7),
  },
  {
    name: 'coverage',
    spec: { type: 'coverage', n: 4, elements: [{ weight: 3, coveredBy: [0, 1] }, { weight: 2, coveredBy: [2] }, { weight: 1.5, coveredBy: [1, 2, 3] }] },
    game: coverageGame(4, [{ weight: 3, coveredBy: [0, 1] }, { weight: 2, coveredBy: [2] }, { weight: 1.5, coveredBy: [1, 2, 3] }]),
  },
  { name: 'knn', spec: { type: 'knn', k: 2, train, test }, game: knnGame({ features: train.features, labels: train.labels }, { features: test.features, labels: test.labels }, 2) },
];

function expectSameAsEngine(result: Record<string, unknown> | undefined, game: Game, options: PermutationSamplingOptions): void {
  const reference = permutationShapley(game, options);
  expect(result).toBeDefined();
  expect(result!.values).toEqual(Array.from(reference.values));
  expect(result!.standardErrors).toEqual(Array.from(reference.standardErrors));
  expect(result!.permutations).toBe(reference.permutations);
  expect(result!.samples).toBe(reference.samples);
  expect(result!.stoppedBy).toBe(reference.stoppedBy);
  expect(result!.method).toBe(reference.method);
  expect(result!.seed).toBe(reference.seed);
}

describe('shapley.sample', () => {
  describe.each(games.map((g) => [g.name, g] as const))('%s game', (_name, { spec, game }) => {
    it.each([
      ['plain, budget not a multiple of the block', { seed: 11, maxPermutations: 1000 }],
      ['antithetic', { seed: 12, maxPermutations: 1500, antithetic: true }],
      ['target standard error', { seed: 13, targetStandardError: 0.05, minPermutations: 100 }],
    ])('%s: the engine sampler bit for bit, in any order of arrival', (_label, options) => {
      for (const [order, inFlight, shuffleSeed] of [['fifo', 1, 1], ['shuffled', 3, 5], ['shuffled', 8, 9]] as const) {
        const run = runInline(shapleySample, shapleySampleWorker, { game: spec }, options, inlineEnvironment({ threads: 3 }), { order, inFlight, shuffleSeed });
        expectSameAsEngine(run.result, game, options as PermutationSamplingOptions);
      }
    });
  });

  it('resumes from a checkpoint to the values of an uninterrupted run, even interrupted twice', () => {
    const { spec, game } = games[2];
    const options = { seed: 99, maxPermutations: 5000 };
    const env = inlineEnvironment();
    const first = runInline(shapleySample, shapleySampleWorker, { game: spec }, options, env, { order: 'shuffled', inFlight: 4, stopAfter: 6 });
    expect(first.result).toBeUndefined();
    expect(first.checkpoint).toBeDefined();
    const second = runInline(shapleySample, shapleySampleWorker, { game: spec }, options, env, { order: 'shuffled', inFlight: 4, stopAfter: 5, checkpoint: first.checkpoint });
    expect(second.result).toBeUndefined();
    expect(second.execution.progress()).toBeGreaterThan(first.execution.progress());
    const third = runInline(shapleySample, shapleySampleWorker, { game: spec }, options, env, { order: 'shuffled', checkpoint: second.checkpoint });
    expectSameAsEngine(third.result, game, options);
  });

  it('ignores a checkpoint of another run (another seed) instead of mixing it in', () => {
    const { spec, game } = games[1];
    const env = inlineEnvironment();
    const other = runInline(shapleySample, shapleySampleWorker, { game: spec }, { seed: 1, maxPermutations: 2000 }, env, { stopAfter: 3 });
    const run = runInline(shapleySample, shapleySampleWorker, { game: spec }, { seed: 2, maxPermutations: 2000 }, env, { checkpoint: other.checkpoint });
    expectSameAsEngine(run.result, game, { seed: 2, maxPermutations: 2000 });
  });

  it('reports progress that never goes back and reaches 1 only at the end', () => {
    const run = runInline(shapleySample, shapleySampleWorker, { game: games[0].spec }, { seed: 3, targetStandardError: 0.01 }, inlineEnvironment(), { order: 'shuffled', inFlight: 4 });
    const progress = run.progress;
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.slice(0, -1).every((p) => p < 1)).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('draws a seed when none is given and stores it in the options', () => {
    const validated = shapleySample.validate({ game: games[1].spec }, { maxPermutations: 10 }, inlineEnvironment());
    expect(Number.isSafeInteger(validated.options.seed)).toBe(true);
    expect(validated.options).toEqual({ seed: validated.options.seed, maxPermutations: 10 });
  });

  it('reads a table and KNN points from datasets', () => {
    const record = (id: string, shape: number[]): DatasetRecord => ({ id, name: id, format: 'npy', dtype: 'float64', shape, bytes: 0, path: '', createdAt: '' });
    const records: Record<string, DatasetRecord> = { table: record('table', [32]), trainX: record('trainX', [6, 2]), trainY: record('trainY', [6]) };
    const env = inlineEnvironment({
      catalogue: { getDataset: (id) => records[id] },
      datasets: {
        readVector: (id) => Float64Array.from(id === 'table' ? table5 : train.labels),
        readMatrix: () => ({ data: Float64Array.from(train.features.flat()), rows: 6, cols: 2 }),
        readLabels: () => [],
      },
    });
    const options = { seed: 5, maxPermutations: 700 };
    expectSameAsEngine(runInline(shapleySample, shapleySampleWorker, { game: { type: 'table', n: 5, dataset: 'table' } }, options, env).result, games[0].game, options);
    const knn = { type: 'knn', k: 2, train: { features: 'trainX', labels: 'trainY' }, test };
    expectSameAsEngine(runInline(shapleySample, shapleySampleWorker, { game: knn }, options, env).result, games[4].game, options);
  });

  describe('refuses bad input, naming the field', () => {
    const env = inlineEnvironment({ totalMemory: 64 * 1024 * 1024 });
    const voting = { type: 'voting', weights: [1, 2, 3], quota: 4 };
    it.each([
      ['no game', {}, { maxPermutations: 10 }, 'input.game', /object/],
      ['unknown game type', { game: { type: 'glove' } }, { maxPermutations: 10 }, 'input.game.type', /voting/],
      ['unknown input field', { game: voting, seed: 1 }, { maxPermutations: 10 }, 'input.seed', /not a field/],
      ['negative weight', { game: { ...voting, weights: [1, -2, 3] } }, { maxPermutations: 10 }, 'input.game.weights', /item 2.*negative/],
      ['text weight', { game: { ...voting, weights: [1, 'x', 3] } }, { maxPermutations: 10 }, 'input.game.weights', /item 2/],
      ['bad halfSize', { game: { type: 'saturatingScale', sizes: [1, 2], halfSize: 0, alpha: 1 } }, { maxPermutations: 10 }, 'input.game.halfSize', /halfSize/],
      ['table of the wrong length', { game: { type: 'table', n: 3, values: [1, 2] } }, { maxPermutations: 10 }, 'input.game.values', /8/],
      ['table over the memory cap', { game: { type: 'table', n: 25, dataset: 'x' } }, { maxPermutations: 10 }, 'input.game.n', /memory/],
      ['unknown dataset', { game: { type: 'table', n: 3, dataset: 'nope' } }, { maxPermutations: 10 }, 'input.game.dataset', /no dataset/],
      ['coverer out of range', { game: { type: 'coverage', n: 2, elements: [{ weight: 1, coveredBy: [5] }] } }, { maxPermutations: 10 }, 'input.game.elements', /item 1/],
      ['too many KNN pairs', { game: { type: 'knn', k: 1, train: { features: Array.from({ length: 4000 }, () => [0]), labels: new Array(4000).fill(0) }, test: { features: Array.from({ length: 3000 }, () => [0]), labels: new Array(3000).fill(0) } } }, { maxPermutations: 10 }, 'input.game.test', /10000000/],
      ['players of the wrong count', { game: voting, players: ['A', 'B'] }, { maxPermutations: 10 }, 'input.players', /3 names/],
      ['no stopping rule', { game: voting }, {}, 'options.maxPermutations', /stop/],
      ['negative seed', { game: voting }, { seed: -1, maxPermutations: 10 }, 'options.seed', /2\^53/],
      ['fractional permutations', { game: voting }, { maxPermutations: 10.5 }, 'options.maxPermutations', /whole number/],
      ['zero target', { game: voting }, { targetStandardError: 0 }, 'options.targetStandardError', /> 0/],
      ['unknown option', { game: voting }, { maxPermutations: 10, threads: 4 }, 'options.threads', /not an option/],
      ['antithetic not boolean', { game: voting }, { maxPermutations: 10, antithetic: 'yes' }, 'options.antithetic', /true or false/],
      ['over the contribution cap', { game: { type: 'saturatingScale', sizes: new Array(100_000).fill(1), halfSize: 1, alpha: 1 } }, { maxPermutations: 1e8 }, 'options.maxPermutations', /1e\+12/],
    ])('%s', (_name, input, options, field, message) => {
      let error: unknown;
      try {
        shapleySample.validate(input, options, env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(JobInputError);
      expect((error as JobInputError).field).toBe(field);
      expect((error as JobInputError).message).toMatch(message);
      expect((error as JobInputError).message.startsWith(field)).toBe(true);
    });
  });
});
