/**
 * gameSpec: a client's game description, validated, resolved (datasets read) and sent to a thread
 * by structured clone, must build the same game as the engine built straight from the same data:
 * the same v(S) on every coalition (tabulated through `value`) and the same walks (through the
 * walker the sampler uses). KNN labels given as text must give the game of numeric labels with the
 * same equalities. Each refusal names its request path.
 */
import fc from 'fast-check';
import { tabulateGame } from '../../helpers/bruteForce';
import { coverageGame } from '../../../src/engine/games/coverage';
import type { Game } from '../../../src/engine/games/game';
import { knnGame } from '../../../src/engine/games/knn';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import { JobInputError } from '../../../src/companion/jobs/errors';
import { buildGame, playersOf, resolveGame, validateGame, type GameSpec } from '../../../src/companion/jobs/gameSpec';
import type { DatasetReader, JobEnvironment } from '../../../src/companion/jobs/types';
import type { DatasetRecord } from '../../../src/companion/store/store';
import { inlineEnvironment } from './runInline';
import { expectJobInputError } from './expectJobInputError';

/** validate → resolve → structured clone (as postMessage) → build, as a job and its thread do. */
function throughJob(description: unknown, env: JobEnvironment = inlineEnvironment()): { spec: GameSpec; game: Game } {
  const spec = resolveGame(validateGame(description, env), env);
  return { spec, game: buildGame(structuredClone(spec)) };
}

/** Marginal contributions along `order` through the game's walker. */
function walk(game: Game, order: readonly number[]): number[] {
  const walker = game.walker();
  let previous = walker.reset();
  return order.map((player) => {
    const current = walker.add(player);
    const x = current - previous;
    previous = current;
    return x;
  });
}

function expectSameGame(actual: Game, expected: Game): void {
  expect(actual.n).toBe(expected.n);
  expect(tabulateGame(actual)).toEqual(tabulateGame(expected));
  const n = expected.n;
  const orders = [Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => n - 1 - i), Array.from({ length: n }, (_, i) => (i * 3 + 1) % n)];
  for (const order of orders) expect(walk(actual, order)).toEqual(walk(expected, order));
}

function record(id: string, shape: number[], dtype = 'float64'): DatasetRecord {
  return { id, name: `${id}.npy`, format: 'npy', dtype, shape, bytes: 0, path: '', createdAt: '' };
}

/** An environment whose datasets are the given arrays (numbers) or label lists (text). */
function datasetEnvironment(data: Record<string, { shape: number[]; values: Float32Array | Float64Array | string[] }>, overrides: Partial<JobEnvironment> = {}): JobEnvironment {
  const get = (id: string) => {
    const d = data[id];
    if (!d) throw new Error(`no dataset ${id}`);
    return d;
  };
  const datasets: DatasetReader = {
    readMatrix: (id) => {
      const { shape, values } = get(id);
      return { data: values as Float32Array | Float64Array, rows: shape[0], cols: shape[1] ?? 1 };
    },
    readVector: (id) => Float64Array.from(get(id).values as Float64Array),
    readLabels: (id) => {
      const { values } = get(id);
      return Array.isArray(values) ? values : Array.from(values, String);
    },
  };
  const catalogue = {
    getDataset: (id: string) => {
      const d = data[id];
      if (!d) return undefined;
      return record(id, d.shape, Array.isArray(d.values) ? 'string' : d.values instanceof Float32Array ? 'float32' : 'float64');
    },
  };
  return inlineEnvironment({ datasets, catalogue, ...overrides });
}

const table4 = Array.from({ length: 16 }, (_, mask) => (mask === 0 ? 0 : Math.sqrt(mask) * 3 - (mask % 5)));
const elements = [
  { weight: 3, coveredBy: [0, 1, 1] },
  { weight: 2.5, coveredBy: [] },
  { weight: 0.1, coveredBy: [2, 4, 0] },
  { weight: 7, coveredBy: [3] },
];
const trainFeatures = [[0, 0], [1, 0], [0, 1], [1, 1], [2, 2], [0.5, 0.2], [1.5, 0.7]];
const testFeatures = [[0.1, 0.1], [0.9, 1.1], [1.8, 1.9], [0.4, 0.6]];

describe('gameSpec', () => {
  it.each<[string, Record<string, unknown>, Game]>([
    ['table', { type: 'table', n: 4, values: table4 }, tableGame(Float64Array.from(table4), 4)],
    ['voting', { type: 'voting', weights: [4, 4, 4, 2, 2, 1.5], quota: 12 }, votingGame([4, 4, 4, 2, 2, 1.5], 12)],
    ['saturatingScale', { type: 'saturatingScale', sizes: [10, 200, 3000, 0, 5], halfSize: 500, alpha: 0.7 }, saturatingScaleGame([10, 200, 3000, 0, 5], 500, 0.7)],
    ['coverage', { type: 'coverage', n: 5, elements }, coverageGame(5, elements)],
    [
      'knn',
      { type: 'knn', k: 3, train: { features: trainFeatures, labels: [0, 0, 1, 1, 1, 0, 2] }, test: { features: testFeatures, labels: [0, 1, 1, 2] } },
      knnGame({ features: trainFeatures, labels: [0, 0, 1, 1, 1, 0, 2] }, { features: testFeatures, labels: [0, 1, 1, 2] }, 3),
    ],
  ])('%s: builds in a thread the game the engine builds from the same data', (_name, description, expected) => {
    const { spec, game } = throughJob(description);
    expect(playersOf(spec)).toBe(expected.n);
    expect(spec.type).toBe(description.type);
    expectSameGame(game, expected);
  });

  it('puts the big arrays in shared memory, so that threads share them rather than copy them', () => {
    const table = throughJob({ type: 'table', n: 4, values: table4 }).spec as Extract<GameSpec, { type: 'table' }>;
    expect(table.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    const coverage = throughJob({ type: 'coverage', n: 5, elements }).spec as Extract<GameSpec, { type: 'coverage' }>;
    for (const array of Object.values(coverage.coverage)) expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    const knn = throughJob({ type: 'knn', k: 1, train: { features: trainFeatures, labels: [0, 0, 1, 1, 1, 0, 2] }, test: { features: testFeatures, labels: [0, 1, 1, 2] } }).spec as Extract<GameSpec, { type: 'knn' }>;
    for (const points of [knn.train, knn.test]) {
      expect(points.features.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(points.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    // A clone sees the same memory.
    const clone = structuredClone(table);
    clone.values[3] = 1234.5;
    expect(table.values[3]).toBe(1234.5);
  });

  it('KNN labels given as text give the game of numbers with the same equalities', () => {
    const alphabet = ['press', 'image', 'music', '1'];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 7, maxLength: 7 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 8 }),
        (trainCodes, testCodes, k) => {
          // Label '1' is given as the number 1 on the test side: it must match the text '1'.
          const asText = (c: number) => alphabet[c];
          const asMixed = (c: number) => (c === 3 ? 1 : alphabet[c]);
          const description = { type: 'knn', k, train: { features: trainFeatures, labels: trainCodes.map(asText) }, test: { features: testFeatures, labels: testCodes.map(asMixed) } };
          const expected = knnGame({ features: trainFeatures, labels: trainCodes }, { features: testFeatures, labels: testCodes }, k);
          expectSameGame(throughJob(description).game, expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads tables, KNN features (float32 too) and text labels from datasets', () => {
    const trainX = Float32Array.from(trainFeatures.flat().map((x) => x + 0.1));
    const env = datasetEnvironment({
      table: { shape: [16], values: Float64Array.from(table4) },
      trainX: { shape: [7, 2], values: trainX },
      trainY: { shape: [7], values: ['a', 'a', 'b', 'b', 'b', 'a', 'c'] },
      testY: { shape: [4, 1], values: Float64Array.from([7, 3, 3, 7]) },
    });
    expectSameGame(throughJob({ type: 'table', n: 4, dataset: 'table' }, env).game, tableGame(Float64Array.from(table4), 4));

    const rows = Array.from({ length: 7 }, (_, r) => trainX.subarray(2 * r, 2 * r + 2));
    const description = { type: 'knn', k: 2, train: { features: 'trainX', labels: 'trainY' }, test: { features: testFeatures, labels: ['a', 'b', 'c', 'd'] } };
    expectSameGame(throughJob(description, env).game, knnGame({ features: rows, labels: [0, 0, 1, 1, 1, 0, 2] }, { features: testFeatures, labels: [0, 1, 2, 3] }, 2));
    // Numeric labels from a dataset against inline numbers.
    const numeric = { type: 'knn', k: 2, train: { features: trainFeatures, labels: [3, 3, 7, 7, 7, 3, 1] }, test: { features: testFeatures, labels: 'testY' } };
    expectSameGame(throughJob(numeric, env).game, knnGame({ features: trainFeatures, labels: [3, 3, 7, 7, 7, 3, 1] }, { features: testFeatures, labels: [7, 3, 3, 7] }, 2));
  });

  describe('refuses what the datasets hold when the job starts', () => {
    function startError(data: Parameters<typeof datasetEnvironment>[0], description: unknown, submitted = data): JobInputError {
      const request = validateGame(description, datasetEnvironment(submitted));
      try {
        resolveGame(request, datasetEnvironment(data));
      } catch (error) {
        expect(error).toBeInstanceOf(JobInputError);
        return error as JobInputError;
      }
      throw new Error('resolveGame accepted the game');
    }

    it('a table holding a non-finite value, with its position', () => {
      const values = Float64Array.from(table4);
      values[5] = NaN;
      const error = startError({ t: { shape: [16], values } }, { type: 'table', n: 4, dataset: 't' });
      expect(error.field).toBe('input.game.dataset');
      expect(error.message).toMatch(/^input\.game\.dataset, item 6: .*finite/);
    });

    it('KNN features holding a non-finite value, with the point', () => {
      const x = Float64Array.from(trainFeatures.flat());
      x[7] = Infinity;
      const error = startError({ x: { shape: [7, 2], values: x } }, { type: 'knn', k: 1, train: { features: 'x', labels: [0, 0, 1, 1, 1, 0, 2] }, test: { features: testFeatures, labels: [0, 1, 1, 2] } });
      expect(error.field).toBe('input.game.train.features');
      expect(error.message).toMatch(/^input\.game\.train\.features, item 4: feature 2/);
    });

    it('a features dataset whose shape changed since the job was submitted', () => {
      const description = { type: 'knn', k: 1, train: { features: 'x', labels: [0, 0, 1, 1, 1, 0, 2] }, test: { features: testFeatures, labels: [0, 1, 1, 2] } };
      const submitted = { x: { shape: [7, 2], values: Float64Array.from(trainFeatures.flat()) } };
      const error = startError({ x: { shape: [2, 7], values: Float64Array.from(trainFeatures.flat()) } }, description, submitted);
      expect(error.field).toBe('input.game.train.features');
      expect(error.message).toMatch(/now has shape \[2, 7\]; it had \[7, 2\]/);
    });
  });

  describe('refuses bad descriptions, naming the request path, the item and the limit', () => {
    const env = datasetEnvironment(
      {
        labels: { shape: [3], values: ['a', 'b', 'c'] },
        x3: { shape: [3, 2], values: new Float64Array(6) },
        x3d3: { shape: [2, 3], values: new Float64Array(6) },
      },
      { totalMemory: 256 * 1024 * 1024 },
    );
    const knn = (train: unknown, test: unknown, k = 1) => ({ type: 'knn', k, train, test });
    const points = { features: [[0, 0], [1, 1], [2, 2]], labels: [0, 1, 0] };
    it.each<[string, unknown, string, RegExp]>([
      ['not an object', 'table', 'input.game', /must be an object/],
      ['unknown type', { type: 'glove' }, 'input.game.type', /"table", "voting", "saturatingScale", "coverage", "knn", got "glove"/],
      ['unknown field', { type: 'voting', weights: [1], quota: 1, quorum: 1 }, 'input.game.quorum', /not a field of a voting game \(type, weights, quota\)/],
      ['table: n too large', { type: 'table', n: 31, dataset: 'x' }, 'input.game.n', /1 to 30/],
      ['table: n over the memory cap', { type: 'table', n: 24, dataset: 'x' }, 'input.game.n', /256 MiB.*at most 64 MiB/],
      ['table: both values and dataset', { type: 'table', n: 1, values: [0, 1], dataset: 'x' }, 'input.game.values', /not both/],
      ['table: a labels dataset', { type: 'table', n: 1, dataset: 'labels' }, 'input.game.dataset', /labels \(text\)/],
      ['table: a dataset of the wrong size', { type: 'table', n: 2, dataset: 'x3' }, 'input.game.dataset', /holds 6 values; a table of 2 players needs 2\^2 = 4/],
      ['table: a value not finite', { type: 'table', n: 1, values: [0, null] }, 'input.game.values', /item 2: must be a finite number/],
      ['voting: no weights', { type: 'voting', weights: [], quota: 1 }, 'input.game.weights', /1 to 100000 players, got 0/],
      ['voting: over the player cap', { type: 'voting', weights: new Array(100_001).fill(1), quota: 1 }, 'input.game.weights', /1 to 100000 players, got 100001/],
      ['voting: negative weight', { type: 'voting', weights: [1, -1], quota: 1 }, 'input.game.weights', /item 2: must not be negative/],
      ['voting: quota above the total', { type: 'voting', weights: [1, 2], quota: 4 }, 'input.game.quota', /exceeds the sum/],
      ['saturatingScale: alpha 0', { type: 'saturatingScale', sizes: [1], halfSize: 1, alpha: 0 }, 'input.game.alpha', /positive/],
      ['saturatingScale: size not a number', { type: 'saturatingScale', sizes: [1, '2'], halfSize: 1, alpha: 1 }, 'input.game.sizes', /item 2/],
      ['coverage: n too large', { type: 'coverage', n: 100_001, elements: [] }, 'input.game.n', /1 to 100000/],
      ['coverage: element not an object', { type: 'coverage', n: 2, elements: [{ weight: 1, coveredBy: [0] }, 3] }, 'input.game.elements', /item 2: must be an object/],
      ['coverage: weight not a number', { type: 'coverage', n: 2, elements: [{ weight: 'x', coveredBy: [0] }] }, 'input.game.elements', /item 1: weight must be a number/],
      ['coverage: coverer out of range', { type: 'coverage', n: 2, elements: [{ weight: 1, coveredBy: [0] }, { weight: 1, coveredBy: [2] }] }, 'input.game.elements', /item 2: covering player 2 is not one of 0..1/],
      ['coverage: unknown element field', { type: 'coverage', n: 2, elements: [{ weight: 1, coveredBy: [0], players: [1] }] }, 'input.game.elements', /item 1: "players" is not a field/],
      ['coverage: over the memory cap', { type: 'coverage', n: 2, elements: Array.from({ length: 400_000 }, () => ({ weight: 1, coveredBy: [0, 1] })) }, 'input.game.elements', /400000 elements and 800000 coverings needs about \d+ MiB.*at most 64 MiB/],
      ['knn: k 0', knn(points, points, 0), 'input.game.k', /whole number from 1 to 100000/],
      ['knn: points of unequal dimension', knn({ features: [[0, 0], [1]], labels: [0, 1] }, points), 'input.game.train.features', /item 2: has 1 features; every point needs 2/],
      ['knn: train and test of different dimensions', knn(points, { features: [[0, 0, 0]], labels: [0] }), 'input.game.test.features', /3 features; the training points have 2/],
      ['knn: a dataset of another dimension', knn(points, { features: 'x3d3', labels: [0, 1] }), 'input.game.test.features', /3 features; the training points have 2/],
      ['knn: a feature not finite', knn({ features: [[0, 0], [1, null]], labels: [0, 1] }, points), 'input.game.train.features', /item 2: feature 2 must be a finite number/],
      ['knn: labels of the wrong count', knn(points, { features: [[0, 0]], labels: [0, 1] }), 'input.game.test.labels', /1 labels \(one per point\), got 2/],
      ['knn: a label neither text nor number', knn({ ...points, labels: [0, true, 0] }, points), 'input.game.train.labels', /item 2: must be a text or a number/],
      ['knn: a labels dataset of the wrong length', knn({ features: 'x3', labels: 'labels' }, { features: [[0, 0]], labels: 'labels' }), 'input.game.test.labels', /holds 3 labels; 1 are needed/],
      ['knn: features from a labels dataset', knn({ features: 'labels', labels: [0, 1, 0] }, points), 'input.game.train.features', /labels \(text\); a matrix/],
      ['knn: an unknown dataset', knn({ features: 'nope', labels: [0] }, points), 'input.game.train.features', /no dataset with id "nope"/],
      ['knn: no test point', knn(points, { features: [], labels: [] }), 'input.game.test.features', /at least one test point/],
      ['knn: the old name of features', knn({ points: [[0]], labels: [0] }, points), 'input.game.train.points', /not a field of KNN points \(features, labels\)/],
      [
        'knn: over the pair cap',
        knn({ features: Array.from({ length: 4000 }, () => [0]), labels: new Array(4000).fill(0) }, { features: Array.from({ length: 2501 }, () => [0]), labels: new Array(2501).fill(0) }),
        'input.game.test',
        /4000 training × 2501 test points is 10004000 pairs; at most 10000000/,
      ],
      [
        'knn: over the memory cap, counting every thread',
        knn({ features: Array.from({ length: 3000 }, () => [0]), labels: new Array(3000).fill(0) }, { features: Array.from({ length: 1500 }, () => [0]), labels: new Array(1500).fill(0) }),
        'input.game.test',
        /3000 training × 1500 test points needs about \d+ MiB.*at most 64 MiB/,
      ],
    ])('%s', (_name, description, field, message) => {
      expectJobInputError(() => validateGame(description, env), field, message);
    });
  });

  it('counts a KNN game per thread: more threads, more memory', () => {
    const big = {
      type: 'knn',
      k: 1,
      train: { features: Array.from({ length: 3000 }, () => [0]), labels: new Array(3000).fill(0) },
      test: { features: Array.from({ length: 1000 }, () => [0]), labels: new Array(1000).fill(0) },
    };
    // 3·10^6 pairs × 9 bytes ≈ 26 MiB a thread, against a 64 MiB cap.
    const totalMemory = 256 * 1024 * 1024;
    expect(() => validateGame(big, inlineEnvironment({ totalMemory, threads: 2 }))).not.toThrow();
    expect(() => validateGame(big, inlineEnvironment({ totalMemory, threads: 3 }))).toThrow(/memory/);
  });
});
