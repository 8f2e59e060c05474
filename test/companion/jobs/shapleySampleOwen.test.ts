/**
 * shapley.sample with `input.unions` (Owen sampling) against the engine's permutationShapley with
 * the same unions (tested on its own against bruteForceOwenExact in
 * test/engine/sampling/owenSampling.test.ts): the same bits for every game of the catalogue,
 * whatever the threads, the order in which blocks come back and any interruption; the result says
 * how it was made; bad unions are refused naming `input.unions` and the item.
 */
import fc from 'fast-check';
import { coverageGame } from '../../../src/engine/games/coverage';
import type { Game } from '../../../src/engine/games/game';
import { knnGame } from '../../../src/engine/games/knn';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import { permutationShapley, SAMPLING_BLOCK_SIZE, type PermutationSamplingOptions } from '../../../src/engine/shapley/sampling';
import { GPU_JOBS } from '../../../src/companion/gpu/gpuJobs';
import { shapleySample, shapleySampleWorker } from '../../../src/companion/jobs/shapleySample';
import type { JobEnvironment } from '../../../src/companion/jobs/types';
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
  unions: Array<string | number>;
}

const games: Case[] = [
  { name: 'table', spec: { type: 'table', n: 5, values: table5 }, game: tableGame(Float64Array.from(table5), 5), unions: ['press', 'photo', 'press', 'music', 'photo'] },
  { name: 'voting', spec: { type: 'voting', weights: [4, 4, 4, 2, 2, 1], quota: 12 }, game: votingGame([4, 4, 4, 2, 2, 1], 12), unions: [1, 2, 1, 3, 3, 2] },
  {
    name: 'saturatingScale',
    spec: { type: 'saturatingScale', sizes: [10, 200, 3000, 45, 5], halfSize: 500, alpha: 0.7 },
    game: saturatingScaleGame([10, 200, 3000, 45, 5], 500, 0.7),
    unions: ['a', 'a', 'b', 'a', 'b'],
  },
  { name: 'coverage', spec: { type: 'coverage', n: 4, elements }, game: coverageGame(4, elements), unions: [0, 1, 1, 0] },
  { name: 'knn', spec: { type: 'knn', k: 2, train, test }, game: knnGame(train, test, 2), unions: ['x', 'y', 'x', 'y', 'z', 'z'] },
];

type Options = Omit<PermutationSamplingOptions, 'onProgress' | 'unions'>;

function sample(c: Case, options: unknown, inline: InlineOptions = {}, env: JobEnvironment = inlineEnvironment(), unions: unknown = c.unions) {
  return runInline(shapleySample, shapleySampleWorker, { game: c.spec, unions }, options, env, inline);
}

function expectSameAsEngine(result: Record<string, unknown> | undefined, c: Case, options: Options): void {
  const reference = permutationShapley(c.game, { ...options, unions: c.unions });
  expect(result).toBeDefined();
  expect(result!.values).toEqual(Array.from(reference.values));
  expect(result!.standardErrors).toEqual(Array.from(reference.standardErrors));
  expect(result!.permutations).toBe(reference.permutations);
  expect(result!.samples).toBe(reference.samples);
  expect(result!.stoppedBy).toBe(reference.stoppedBy);
  expect(result!.method).toBe(reference.method);
  expect(result!.method).toBe(options.antithetic ? 'antithetic-owen-permutation' : 'owen-permutation');
  expect(result!.seed).toBe(reference.seed);
  expect(result!.unions).toEqual(c.unions);
}

/** A target the engine reaches after a few blocks but not at the first (see shapleySample.test.ts). */
function midRunTarget(c: Case, seed: number, antithetic: boolean): Options {
  const blocks = 6 * SAMPLING_BLOCK_SIZE * (antithetic ? 2 : 1);
  const errors = permutationShapley(c.game, { seed, antithetic, maxPermutations: blocks, unions: c.unions }).standardErrors;
  const options = { seed, antithetic, targetStandardError: Math.max(...errors), minPermutations: 300 };
  const reference = permutationShapley(c.game, { ...options, unions: c.unions });
  expect(reference.stoppedBy).toBe('targetStandardError');
  expect(reference.samples).toBeGreaterThan(SAMPLING_BLOCK_SIZE);
  return options;
}

const arrivals: Array<[string, InlineOptions, number]> = [
  ['in order, 1 thread', { order: 'fifo' }, 1],
  ['shuffled, 3 in flight, 2 threads', { order: 'shuffled', inFlight: 3, shuffleSeed: 5 }, 2],
  ['shuffled, 12 in flight, 8 threads', { order: 'shuffled', inFlight: 12, shuffleSeed: 9 }, 8],
];

describe('shapley.sample with unions (Owen sampling)', () => {
  describe.each(games.map((g) => [g.name, g] as const))('%s game', (_name, c) => {
    it.each<[string, Options | (() => Options)]>([
      ['plain, budget not a multiple of the block', { seed: 11, maxPermutations: 1000 }],
      ['antithetic, odd budget', { seed: 12, maxPermutations: 1501, antithetic: true }],
      ['plain, target standard error', () => midRunTarget(c, 13, false)],
      ['antithetic, target standard error', () => midRunTarget(c, 14, true)],
    ])('%s: the engine sampler bit for bit, in any order of arrival', (_label, given) => {
      const options = typeof given === 'function' ? given() : given;
      for (const [, inline, threads] of arrivals) expectSameAsEngine(sample(c, options, inline, inlineEnvironment({ threads })).result, c, options);
    });

    it('resumes after an interruption to the values of an uninterrupted run', () => {
      for (const options of [{ seed: 21, maxPermutations: 2000 }, midRunTarget(c, 22, true)]) {
        const first = sample(c, options, { order: 'shuffled', inFlight: 5, stopAfter: 3 });
        expect(first.result).toBeUndefined();
        expect(first.checkpoint).toBeDefined();
        const resumed = sample(c, options, { order: 'shuffled', inFlight: 5, shuffleSeed: 3, checkpoint: first.checkpoint });
        expectSameAsEngine(resumed.result, c, options);
      }
    });
  });

  it('gives the engine sampler bit for bit for any unions, budget, threads, arrival order and interruption', () => {
    fc.assert(
      fc.property(
        fc.record({
          game: fc.constantFrom(games[1], games[2], games[4]),
          labels: fc.array(fc.constantFrom('a', 'b', 'c', 1, 2), { minLength: 6, maxLength: 6 }),
          seed: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          maxPermutations: fc.integer({ min: 2, max: 3000 }),
          antithetic: fc.boolean(),
          threads: fc.integer({ min: 1, max: 6 }),
          inFlight: fc.integer({ min: 1, max: 14 }),
          shuffleSeed: fc.integer({ min: 1, max: 1000 }),
          stopAfter: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        }),
        ({ game, labels, seed, maxPermutations, antithetic, threads, inFlight, shuffleSeed, stopAfter }) => {
          const c = { ...game, unions: labels.slice(0, game.game.n) };
          const options = { seed, maxPermutations, antithetic };
          const env = inlineEnvironment({ threads });
          const inline: InlineOptions = { order: 'shuffled', inFlight, shuffleSeed };
          let run = sample(c, options, { ...inline, stopAfter }, env);
          if (!run.result) run = sample(c, options, { ...inline, checkpoint: run.checkpoint }, env);
          expectSameAsEngine(run.result, c, options);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('ignores a checkpoint of the plain run or of other unions with the same seed instead of mixing it in', () => {
    const c = games[1];
    const options = { seed: 2, maxPermutations: 2000 };
    const plain = runInline(shapleySample, shapleySampleWorker, { game: c.spec }, options, inlineEnvironment(), { stopAfter: 3 });
    expectSameAsEngine(sample(c, options, { checkpoint: plain.checkpoint }).result, c, options);
    const other = sample(c, options, { stopAfter: 3 }, inlineEnvironment(), [1, 1, 1, 3, 3, 2]);
    expectSameAsEngine(sample(c, options, { checkpoint: other.checkpoint }).result, c, options);
    // And the plain run ignores an Owen checkpoint: it gives the plain engine sampler's numbers.
    const owen = sample(c, options, { stopAfter: 3 });
    const resumedPlain = runInline(shapleySample, shapleySampleWorker, { game: c.spec }, options, inlineEnvironment(), { checkpoint: owen.checkpoint });
    expect(resumedPlain.result!.values).toEqual(Array.from(permutationShapley(c.game, options).values));
    expect(resumedPlain.result!.method).toBe('permutation');
    expect(resumedPlain.result!.unions).toBeUndefined();
  });

  it('relabelled unions (same partition, other labels) give the same numbers', () => {
    const c = games[0];
    const options = { seed: 5, maxPermutations: 700 };
    const relabelled = sample(c, options, {}, inlineEnvironment(), [9, 4, 9, '7', 4]).result!;
    expect(relabelled.values).toEqual(sample(c, options).result!.values);
    expect(relabelled.unions).toEqual([9, 4, 9, '7', 4]);
  });

  it('keeps the unions in the input and the drawn seed in the options, so that a resume repeats the run', () => {
    const c = games[2];
    const validated = shapleySample.validate({ game: c.spec, unions: c.unions }, { maxPermutations: 600 }, inlineEnvironment());
    expect(validated.value.plan.unions).toEqual([0, 0, 1, 0, 1]);
    expect(validated.options).toEqual({ seed: validated.options.seed, maxPermutations: 600 });
    const run = sample(c, { maxPermutations: 600 });
    expectSameAsEngine(run.result, c, { seed: run.result!.seed as number, maxPermutations: 600 });
  });

  it('asks the GPU backend to leave it to the CPU threads, saying why; plain sampling stays on the GPU', () => {
    const sampleGpu = GPU_JOBS['shapley.sample'];
    const owen = shapleySample.start(shapleySample.validate({ game: games[0].spec, unions: games[0].unions }, { seed: 1, maxPermutations: 10 }, inlineEnvironment()).value, inlineEnvironment(), undefined);
    const plain = shapleySample.start(shapleySample.validate({ game: games[0].spec }, { seed: 1, maxPermutations: 10 }, inlineEnvironment()).value, inlineEnvironment(), undefined);
    expect(sampleGpu.cpuOnly!(owen.context)).toBe('Owen sampling (unions) has no GPU kernel');
    expect(sampleGpu.cpuOnly!(plain.context)).toBeUndefined();
    // Even called directly, setup takes no Owen job (it needs no GPU to say so).
    expect(sampleGpu.setup(undefined as never, owen.context)).toBeUndefined();
  });

  describe('refuses bad unions, naming the field and the item', () => {
    const voting = { type: 'voting', weights: [1, 2, 3], quota: 4 };
    it.each<[string, unknown, string, RegExp]>([
      ['not a list', 'abc', 'input.unions', /must list the union of each of the 3 players \(a text or a whole number each\), got "abc"/],
      ['an object', { a: 1 }, 'input.unions', /got an object/],
      ['too short', ['a', 'b'], 'input.unions', /must list 3 unions \(one per player\), got 2/],
      ['too long', [1, 2, 3, 4], 'input.unions', /must list 3 unions \(one per player\), got 4/],
      ['an empty label', ['a', '', 'b'], 'input.unions', /^input\.unions, item 2: a union is named by a non-empty text or a whole number, got ""/],
      ['a fractional label', [1, 2, 2.5], 'input.unions', /^input\.unions, item 3: .*got 2\.5/],
      ['a null label', [null, 2, 2], 'input.unions', /^input\.unions, item 1: .*got null/],
      ['a boolean label', [1, true, 2], 'input.unions', /^input\.unions, item 2: .*got true/],
    ])('%s', (_name, unions, field, message) => {
      const refusal = expectJobInputError(() => shapleySample.validate({ game: voting, unions }, { maxPermutations: 10 }, inlineEnvironment()), field, message);
      expect(refusal.field).toBe(field);
    });

    it('names the fields a shapley.sample input takes', () => {
      expectJobInputError(() => shapleySample.validate({ game: voting, union: [1, 1, 1] }, { maxPermutations: 10 }, inlineEnvironment()), 'input.union', /not a field.*\(game, players, unions\)/);
    });
  });
});
