/**
 * shapley.sample against the engine's permutationShapley (tested on its own against brute force
 * over all orders): the job must give the same bits for every game of the catalogue, whatever the
 * number of threads, the order in which blocks come back, and after interruptions resumed from
 * checkpoints; with a target standard error it must stop at the engine's block. Bad inputs are
 * refused naming the request path.
 */
import fc from 'fast-check';
import { coverageGame } from '../../../src/engine/games/coverage';
import { knnGame } from '../../../src/engine/games/knn';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import type { Game } from '../../../src/engine/games/game';
import { permutationShapley, SAMPLING_BLOCK_SIZE, type PermutationSamplingOptions } from '../../../src/engine/shapley/sampling';
import { shapleySample, shapleySampleWorker } from '../../../src/companion/jobs/shapleySample';
import type { JobEnvironment } from '../../../src/companion/jobs/types';
import type { DatasetRecord } from '../../../src/companion/store/store';
import { inlineEnvironment, runInline, type InlineOptions } from './runInline';
import { expectJobInputError } from './expectJobInputError';

const table5 = Array.from({ length: 32 }, (_, mask) => (mask === 0 ? 0 : ((mask * 7919) % 101) + mask / 8));
const train = { features: [[0, 0], [1, 0], [0, 1], [1, 1], [2, 2], [0.5, 0.2]], labels: [0, 0, 1, 1, 1, 0] };
const test = { features: [[0.1, 0.1], [0.9, 1.1], [1.8, 1.9]], labels: [0, 1, 1] };
const elements = [{ weight: 3, coveredBy: [0, 1] }, { weight: 2, coveredBy: [2] }, { weight: 1.5, coveredBy: [1, 2, 3] }];

interface Case {
  name: string;
  spec: Record<string, unknown>;
  game: Game;
}

const games: Case[] = [
  { name: 'table', spec: { type: 'table', n: 5, values: table5 }, game: tableGame(Float64Array.from(table5), 5) },
  { name: 'voting', spec: { type: 'voting', weights: [4, 4, 4, 2, 2, 1], quota: 12 }, game: votingGame([4, 4, 4, 2, 2, 1], 12) },
  {
    name: 'saturatingScale',
    spec: { type: 'saturatingScale', sizes: [10, 200, 3000, 45, 5], halfSize: 500, alpha: 0.7 },
    game: saturatingScaleGame([10, 200, 3000, 45, 5], 500, 0.7),
  },
  { name: 'coverage', spec: { type: 'coverage', n: 4, elements }, game: coverageGame(4, elements) },
  { name: 'knn', spec: { type: 'knn', k: 2, train, test }, game: knnGame(train, test, 2) },
];

type Options = Omit<PermutationSamplingOptions, 'onProgress'>;

function sample(spec: Record<string, unknown>, options: unknown, inline: InlineOptions = {}, env: JobEnvironment = inlineEnvironment()) {
  return runInline(shapleySample, shapleySampleWorker, { game: spec }, options, env, inline);
}

function expectSameAsEngine(result: Record<string, unknown> | undefined, game: Game, options: Options): void {
  const reference = permutationShapley(game, options);
  expect(result).toBeDefined();
  expect(result!.values).toEqual(Array.from(reference.values));
  expect(result!.standardErrors).toEqual(Array.from(reference.standardErrors));
  expect(result!.permutations).toBe(reference.permutations);
  expect(result!.samples).toBe(reference.samples);
  expect(result!.marginalContributions).toBe(reference.marginalContributions);
  expect(result!.stoppedBy).toBe(reference.stoppedBy);
  expect(result!.method).toBe(reference.method);
  expect(result!.seed).toBe(reference.seed);
}

/**
 * A target standard error that the engine reaches after a few blocks but not at the first: the
 * largest error after 6 blocks. The stopping test then decides mid-run, where a job merging
 * blocks out of order or counting them wrong would stop elsewhere.
 */
function midRunTarget(game: Game, seed: number, antithetic: boolean): Options {
  const blocks = 6 * SAMPLING_BLOCK_SIZE * (antithetic ? 2 : 1);
  const errors = permutationShapley(game, { seed, antithetic, maxPermutations: blocks }).standardErrors;
  const options = { seed, antithetic, targetStandardError: Math.max(...errors), minPermutations: 300 };
  const reference = permutationShapley(game, options);
  expect(reference.stoppedBy).toBe('targetStandardError');
  expect(reference.samples).toBeGreaterThan(SAMPLING_BLOCK_SIZE);
  return options;
}

const arrivals: Array<[string, InlineOptions, number]> = [
  ['in order, 1 thread', { order: 'fifo' }, 1],
  ['shuffled, 3 in flight, 2 threads', { order: 'shuffled', inFlight: 3, shuffleSeed: 5 }, 2],
  ['shuffled, 12 in flight, 8 threads', { order: 'shuffled', inFlight: 12, shuffleSeed: 9 }, 8],
];

describe('shapley.sample', () => {
  describe.each(games.map((g) => [g.name, g] as const))('%s game', (_name, { spec, game }) => {
    it.each<[string, Options | (() => Options)]>([
      ['plain, budget not a multiple of the block', { seed: 11, maxPermutations: 1000 }],
      ['antithetic, odd budget', { seed: 12, maxPermutations: 1501, antithetic: true }],
      ['plain, target standard error', () => midRunTarget(game, 13, false)],
      ['antithetic, target standard error', () => midRunTarget(game, 14, true)],
    ])('%s: the engine sampler bit for bit, in any order of arrival', (_label, given) => {
      const options = typeof given === 'function' ? given() : given;
      for (const [, inline, threads] of arrivals) {
        expectSameAsEngine(sample(spec, options, inline, inlineEnvironment({ threads })).result, game, options);
      }
    });

    it('resumes after an interruption to the values of an uninterrupted run', () => {
      for (const options of [{ seed: 21, maxPermutations: 2000 }, midRunTarget(game, 22, true)]) {
        const first = sample(spec, options, { order: 'shuffled', inFlight: 5, stopAfter: 3 });
        expect(first.result).toBeUndefined();
        expect(first.checkpoint).toBeDefined();
        const resumed = sample(spec, options, { order: 'shuffled', inFlight: 5, shuffleSeed: 3, checkpoint: first.checkpoint });
        expectSameAsEngine(resumed.result, game, options);
      }
    });
  });

  it('gives the engine sampler bit for bit for any budget, threads, arrival order and interruption', () => {
    fc.assert(
      fc.property(
        fc.record({
          game: fc.constantFrom(games[1], games[2], games[3]),
          seed: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          maxPermutations: fc.integer({ min: 2, max: 3000 }),
          antithetic: fc.boolean(),
          threads: fc.integer({ min: 1, max: 6 }),
          inFlight: fc.integer({ min: 1, max: 14 }),
          shuffleSeed: fc.integer({ min: 1, max: 1000 }),
          stopAfter: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        }),
        ({ game, seed, maxPermutations, antithetic, threads, inFlight, shuffleSeed, stopAfter }) => {
          const options = { seed, maxPermutations, antithetic };
          const env = inlineEnvironment({ threads });
          const inline: InlineOptions = { order: 'shuffled', inFlight, shuffleSeed };
          let run = sample(game.spec, options, { ...inline, stopAfter }, env);
          if (!run.result) run = sample(game.spec, options, { ...inline, checkpoint: run.checkpoint }, env);
          expectSameAsEngine(run.result, game.game, options);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('resumes from a checkpoint to the values of an uninterrupted run, even interrupted twice', () => {
    const { spec, game } = games[2];
    const options = { seed: 99, maxPermutations: 5000 };
    const first = sample(spec, options, { order: 'shuffled', inFlight: 4, stopAfter: 6 });
    expect(first.result).toBeUndefined();
    const second = sample(spec, options, { order: 'shuffled', inFlight: 4, stopAfter: 5, checkpoint: first.checkpoint });
    expect(second.result).toBeUndefined();
    expect(second.execution.progress()).toBeGreaterThan(first.execution.progress());
    const third = sample(spec, options, { order: 'shuffled', checkpoint: second.checkpoint });
    expectSameAsEngine(third.result, game, options);
  });

  it('finishes without sampling again when its checkpoint already holds the whole run', () => {
    const { spec, game } = games[3];
    const options = midRunTarget(game, 31, false);
    const complete = sample(spec, options, { order: 'shuffled' });
    const again = sample(spec, options, { checkpoint: complete.checkpoint });
    expect(again.unitsRun).toBe(0);
    expectSameAsEngine(again.result, game, options);
  });

  it('ignores a checkpoint of another run (another seed, another budget) instead of mixing it in', () => {
    const { spec, game } = games[1];
    const otherSeed = sample(spec, { seed: 1, maxPermutations: 2000 }, { stopAfter: 3 });
    expectSameAsEngine(sample(spec, { seed: 2, maxPermutations: 2000 }, { checkpoint: otherSeed.checkpoint }).result, game, { seed: 2, maxPermutations: 2000 });
    // A shorter run with the same seed ended on a partial block that this run's blocks cannot follow.
    const shorter = sample(spec, { seed: 2, maxPermutations: 1000 });
    expectSameAsEngine(sample(spec, { seed: 2, maxPermutations: 2000 }, { checkpoint: shorter.checkpoint }).result, game, { seed: 2, maxPermutations: 2000 });
  });

  it('hands out at most 2 × threads + 2 blocks ahead, buffers early ones and ignores those past the stop', () => {
    const { spec, game } = games[2];
    const env = inlineEnvironment({ threads: 3 });
    const options = midRunTarget(game, 41, false);
    const validated = shapleySample.validate({ game: spec }, options, env);
    const execution = shapleySample.start(validated.value, env, undefined);
    const state = shapleySampleWorker.setup(structuredClone(execution.context));
    const units = [];
    for (let unit = execution.next(); unit; unit = execution.next()) units.push(unit);
    expect(units.map((u) => u.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const outputs = units.map((u) => structuredClone(shapleySampleWorker.run(state, structuredClone(u.payload)).output));

    // Blocks 1..7 arrive before block 0: nothing can be merged, nothing checkpointed.
    for (let b = 7; b >= 1; b--) execution.accept(units[b], outputs[b], 1);
    expect(execution.progress()).toBe(0);
    expect(execution.checkpoint()).toBeUndefined();
    expect(execution.next()).toBeUndefined();
    // Block 0 lets the prefix merge, up to the engine's stopping block.
    execution.accept(units[0], outputs[0], 1);
    expect(execution.finished()).toBe(true);
    expect(execution.next()).toBeUndefined();
    const reference = permutationShapley(game, options);
    expect((execution.checkpoint()!.state as { blocks: number }).blocks).toBe(reference.samples / SAMPLING_BLOCK_SIZE);
    // A block past the stop, arriving late, changes nothing.
    const late = shapleySampleWorker.run(state, { blockIndex: 8, samples: SAMPLING_BLOCK_SIZE }).output;
    execution.accept({ index: 8, payload: { blockIndex: 8, samples: SAMPLING_BLOCK_SIZE } }, late, 1);
    expectSameAsEngine(execution.result(), game, options);
  });

  it('reports progress that never goes back and reaches 1 only at the end', () => {
    for (const options of [{ seed: 3, targetStandardError: 0.2 }, { seed: 3, maxPermutations: 3000, antithetic: true }]) {
      const run = sample(games[0].spec, options, { order: 'shuffled', inFlight: 4 });
      const progress = run.progress;
      expect(progress.length).toBeGreaterThan(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.slice(0, -1).every((p) => p >= 0 && p < 1)).toBe(true);
      expect(progress[progress.length - 1]).toBe(1);
    }
  });

  it('draws a seed when none is given, stores it in the options and runs with it', () => {
    const validated = shapleySample.validate({ game: games[1].spec }, { maxPermutations: 10 }, inlineEnvironment());
    expect(Number.isSafeInteger(validated.options.seed)).toBe(true);
    expect(validated.options).toEqual({ seed: validated.options.seed, maxPermutations: 10 });
    // runInline starts the job from its stored options, as the runner does at a resume.
    const run = sample(games[1].spec, { maxPermutations: 700 });
    expectSameAsEngine(run.result, games[1].game, { seed: run.result!.seed as number, maxPermutations: 700 });
  });

  it('names the game and the players in the result', () => {
    const run = runInline(shapleySample, shapleySampleWorker, { game: games[1].spec, players: ['F', 'D', 'I', 'B', 'N', 'L'] }, { seed: 1, maxPermutations: 300 }, inlineEnvironment());
    expect(run.result).toMatchObject({ game: 'voting', players: ['F', 'D', 'I', 'B', 'N', 'L'] });
  });

  it('reads a table and KNN points from datasets', () => {
    const record = (id: string, shape: number[], dtype = 'float64'): DatasetRecord => ({ id, name: id, format: 'npy', dtype, shape, bytes: 0, path: '', createdAt: '' });
    const records: Record<string, DatasetRecord> = { table: record('table', [32]), trainX: record('trainX', [6, 2]), trainY: record('trainY', [6], 'string') };
    const env = inlineEnvironment({
      catalogue: { getDataset: (id) => records[id] },
      datasets: {
        readVector: () => Float64Array.from(table5),
        readMatrix: () => ({ data: Float64Array.from(train.features.flat()), rows: 6, cols: 2 }),
        readLabels: () => train.labels.map((label) => (label === 0 ? 'zero' : 'one')),
      },
    });
    const options = { seed: 5, maxPermutations: 700 };
    expectSameAsEngine(sample({ type: 'table', n: 5, dataset: 'table' }, options, {}, env).result, games[0].game, options);
    const knn = { type: 'knn', k: 2, train: { features: 'trainX', labels: 'trainY' }, test: { ...test, labels: ['zero', 'one', 'one'] } };
    expectSameAsEngine(sample(knn, options, {}, env).result, games[4].game, options);
  });

  describe('refuses bad input, naming the field', () => {
    const env = inlineEnvironment({ totalMemory: 64 * 1024 * 1024 });
    const voting = { type: 'voting', weights: [1, 2, 3], quota: 4 };
    it.each<[string, unknown, unknown, string, RegExp]>([
      ['no input', null, { maxPermutations: 10 }, 'input', /object/],
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
      ['players of the wrong count', { game: voting, players: ['A', 'B'] }, { maxPermutations: 10 }, 'input.players', /3 names/],
      ['options not an object', { game: voting }, [10], 'options', /object/],
      ['no stopping rule', { game: voting }, {}, 'options.maxPermutations', /stop/],
      ['negative seed', { game: voting }, { seed: -1, maxPermutations: 10 }, 'options.seed', /2\^53/],
      ['seed past 2^53 − 1', { game: voting }, { seed: 2 ** 53, maxPermutations: 10 }, 'options.seed', /2\^53/],
      ['seed as text', { game: voting }, { seed: '7', maxPermutations: 10 }, 'options.seed', /whole number/],
      ['fractional permutations', { game: voting }, { maxPermutations: 10.5 }, 'options.maxPermutations', /whole number/],
      ['one antithetic permutation', { game: voting }, { maxPermutations: 1, antithetic: true }, 'options.maxPermutations', /≥ 2 \(an antithetic pair walks 2/],
      ['negative minimum', { game: voting }, { targetStandardError: 0.1, minPermutations: -1 }, 'options.minPermutations', /whole number ≥ 0/],
      ['zero target', { game: voting }, { targetStandardError: 0 }, 'options.targetStandardError', /> 0/],
      ['target as text', { game: voting }, { targetStandardError: '0.1' }, 'options.targetStandardError', /> 0/],
      ['unknown option', { game: voting }, { maxPermutations: 10, threads: 4 }, 'options.threads', /not an option/],
      ['antithetic not boolean', { game: voting }, { maxPermutations: 10, antithetic: 'yes' }, 'options.antithetic', /true or false/],
      ['over the contribution cap', { game: { type: 'saturatingScale', sizes: new Array(100_000).fill(1), halfSize: 1, alpha: 1 } }, { maxPermutations: 1e8 }, 'options.maxPermutations', /100000000 permutations × 100000 players is 1\.00e\+13 .*at most 1e\+12/],
    ])('%s', (_name, input, options, field, message) => {
      expectJobInputError(() => shapleySample.validate(input, options, env), field, message);
    });
  });
});
