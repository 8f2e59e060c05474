import { attributeSimilarity, indexLabels, sharesOfTotals, similarityProblem, type SimilarityAttribution } from '../../../src/engine/attribution/similarity';
import { JobInputError } from '../../../src/companion/jobs/errors';
import { attributionSimilarity, similarityOutputsPerUnit, similarityWorker } from '../../../src/companion/jobs/similarity';
import type { DatasetReader, JobEnvironment } from '../../../src/companion/jobs/types';
import { MAX_INLINE_OUTPUT_TOPS, MAX_SIMILARITY_PAIRS, MAX_SIMILARITY_PRODUCTS, MAX_TOP_HOLDERS } from '../../../src/companion/limits';
import type { DatasetRecord } from '../../../src/companion/store/store';
import { inlineEnvironment, runInline } from './runInline';

let seed = 12345;
function random(): number {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
}

function matrix(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(random() * 2 - 1)));
}

/** A problem of several units (256 outputs each at this size), with repeated users and weights. */
const M = 1100;
const N = 40;
const D = 6;
// Every 50th output a zero vector: similarity 0 with everything, so below any threshold.
const OUTPUTS = matrix(M, D).map((row, o) => (o % 50 === 0 ? row.map(() => 0) : row));
const ITEMS = matrix(N, D);
const HOLDERS = Array.from({ length: N }, (_, j) => (j % 3 === 0 ? 7 : `holder ${j % 5}`));
const WEIGHTS = Array.from({ length: M }, (_, o) => (o % 11) / 2);
const USERS = Array.from({ length: M }, (_, o) => `user ${(o * 37) % 29}`);
const INPUT = { outputs: OUTPUTS, items: ITEMS, holders: HOLDERS, weights: WEIGHTS, users: USERS };
const OPTIONS = { threshold: 0.2, mode: 'both', topHolders: 4 };

function engineResult(): { attribution: SimilarityAttribution; names: string[]; perUnit: number } {
  const holders = indexLabels(HOLDERS);
  const users = indexLabels(USERS);
  const problem = similarityProblem({
    d: D,
    outputs: OUTPUTS.flat(),
    outputCount: M,
    items: ITEMS.flat(),
    itemCount: N,
    holderOfItem: holders.index,
    holderCount: holders.names.length,
    weights: WEIGHTS,
    userOfOutput: users.index,
    userCount: users.names.length,
    threshold: 0.2,
    topHolders: 4,
    topOutputs: MAX_INLINE_OUTPUT_TOPS,
  });
  const perUnit = similarityOutputsPerUnit(N, D, holders.names.length);
  return { attribution: attributeSimilarity(problem, perUnit), names: holders.names, perUnit };
}

function run(input: unknown, options: unknown, env = inlineEnvironment(), inline: Parameters<typeof runInline>[5] = {}) {
  return runInline(attributionSimilarity, similarityWorker, input, options, env, inline);
}

describe('attribution.similarity', () => {
  const reference = engineResult();
  const baseline = run(INPUT, OPTIONS);

  it('returns the engine attribution computed with the same blocks, bit for bit', () => {
    const { attribution, names, perUnit } = reference;
    expect(baseline.unitsRun).toBe(Math.ceil(M / perUnit));
    expect(baseline.unitsRun).toBeGreaterThan(3);
    const result = baseline.result!;
    expect(result).toMatchObject({
      method: 'similarity-max-shapley',
      holders: names,
      threshold: 0.2,
      mode: 'both',
      topHolders: 4,
      topLeftOut: 0,
      outputs: { M, attributed: attribution.attributed, belowThreshold: attribution.belowThreshold },
    });
    expect(names).toEqual(['7', 'holder 1', 'holder 2', 'holder 4', 'holder 0', 'holder 3']);
    expect(result.totals).toEqual({ market: Array.from(attribution.market), user: Array.from(attribution.user) });
    expect(result.shares).toEqual({ market: Array.from(sharesOfTotals(attribution.market)), user: Array.from(sharesOfTotals(attribution.user)) });
    expect(attribution.attributed).toBeGreaterThan(0);
    expect(attribution.belowThreshold).toBeGreaterThan(0);
    const top = result.top as Array<{ output: number; holders: string[]; shares: number[]; scores: number[] }>;
    expect(top.length).toBe(M);
    top.forEach((listed, o) => {
      const t = attribution.tops[o];
      expect(listed).toEqual({ output: o, holders: Array.from(t.holders, (h) => names[h]), shares: Array.from(t.shares), scores: Array.from(t.scores) });
    });
    expect(baseline.progress[baseline.progress.length - 1]).toBe(1);
    baseline.progress.forEach((p, i) => expect(p).toBeGreaterThanOrEqual(i === 0 ? 0 : baseline.progress[i - 1]));
  });

  it('gives the same result whatever order the units arrive in', () => {
    for (const [shuffleSeed, inFlight] of [[1, 3], [7, 5], [99, 8]]) {
      const shuffled = run(INPUT, OPTIONS, inlineEnvironment(), { order: 'shuffled', shuffleSeed, inFlight });
      expect(shuffled.result).toEqual(baseline.result);
    }
  });

  it('resumes from a checkpoint to the same result, redoing only unmerged units', () => {
    const units = baseline.unitsRun;
    for (const [stopAfter, order] of [[1, 'fifo'], [2, 'shuffled'], [units - 1, 'shuffled']] as const) {
      const first = run(INPUT, OPTIONS, inlineEnvironment(), { order, stopAfter, shuffleSeed: 3, inFlight: 4 });
      expect(first.result).toBeUndefined();
      expect(first.checkpoint).toBeDefined();
      const second = run(INPUT, OPTIONS, inlineEnvironment(), { order, checkpoint: first.checkpoint, shuffleSeed: 5 });
      expect(second.result).toEqual(baseline.result);
      const merged = (first.checkpoint!.state as { merged: number }).merged;
      expect(second.unitsRun).toBe(units - merged);
      // Interrupted twice: still the same.
      const third = run(INPUT, OPTIONS, inlineEnvironment(), { order: 'shuffled', checkpoint: first.checkpoint, stopAfter: 1, shuffleSeed: 8 });
      const fourth = run(INPUT, OPTIONS, inlineEnvironment(), { checkpoint: third.checkpoint });
      expect(fourth.result).toEqual(baseline.result);
    }
  });

  it('ignores a checkpoint of another problem', () => {
    const other = run(INPUT, { ...OPTIONS, threshold: 0.5 }, inlineEnvironment(), { stopAfter: 2 });
    const resumed = run(INPUT, OPTIONS, inlineEnvironment(), { checkpoint: other.checkpoint });
    expect(resumed.unitsRun).toBe(baseline.unitsRun);
    expect(resumed.result).toEqual(baseline.result);
  });

  it('reports the totals of the mode asked for, market by default', () => {
    const market = run(INPUT, { threshold: 0.2, topHolders: 4 }).result!;
    const user = run(INPUT, { ...OPTIONS, mode: 'user' }).result!;
    const both = baseline.result! as { totals: Record<string, number[]>; shares: Record<string, number[]> };
    expect(market).toMatchObject({ mode: 'market', totals: { market: both.totals.market }, shares: { market: both.shares.market } });
    expect(Object.keys(market.totals as object)).toEqual(['market']);
    expect(user).toMatchObject({ mode: 'user', totals: { user: both.totals.user }, shares: { user: both.shares.user } });
    expect(Object.keys(user.totals as object)).toEqual(['user']);
  });

  it('reads datasets to the same result as the same numbers inline', () => {
    const datasets = new MemoryDatasets();
    const input = {
      outputs: datasets.matrix('out', Float32Array.from(OUTPUTS.flat()), M, D),
      items: datasets.matrix('items', Float32Array.from(ITEMS.flat()), N, D),
      holders: datasets.labels('holders', HOLDERS.map(String)),
      weights: datasets.matrix('weights', Float64Array.from(WEIGHTS), M, 1),
      users: datasets.labels('users', USERS),
    };
    const fromFiles = run(input, OPTIONS, datasets.environment());
    expect(fromFiles.result).toEqual(baseline.result);
    expect(datasets.reads.sort()).toEqual(['holders as input.holders', 'items as input.items', 'out as input.outputs', 'users as input.users', 'weights as input.weights']);
  });

  it('lists the top holders of the first outputs only, and says how many it left out', () => {
    const m = MAX_INLINE_OUTPUT_TOPS + 10;
    const outputs = Array.from({ length: m }, (_, o) => [1, o % 3]);
    const result = run({ outputs, items: [[1, 0], [0, 1]], holders: ['A', 'B'] }, { topHolders: 1 }).result!;
    expect((result.top as unknown[]).length).toBe(MAX_INLINE_OUTPUT_TOPS);
    expect(result.topLeftOut).toBe(10);
    // Output 1 = (1, 1): A and B tie, one holder listed, the first.
    expect((result.top as unknown[])[1]).toEqual({ output: 1, holders: ['A'], shares: [0.5], scores: [Math.fround(Math.SQRT1_2)] });
    expect(result.outputs).toEqual({ M: m, attributed: m, belowThreshold: 0 });
  });

  it('hands worker results over in transferable buffers', () => {
    const { value } = attributionSimilarity.validate(INPUT, OPTIONS, inlineEnvironment());
    const execution = attributionSimilarity.start(value, inlineEnvironment(), undefined);
    const state = similarityWorker.setup(structuredClone(execution.context));
    const unit = execution.next()!;
    const { output, transfer } = similarityWorker.run(state, unit.payload);
    const moved = structuredClone(output, { transfer });
    expect(transfer!.every((b) => b.byteLength === 0)).toBe(true); // detached: moved, not copied
    execution.accept(unit, moved, 1);
    expect(execution.progress()).toBeGreaterThan(0);
  });
});

describe('attribution.similarity refusals', () => {
  const small = { outputs: [[1, 0], [0, 1]], items: [[1, 0], [1, 1], [0, 1]], holders: ['A', 'B', 'A'] };

  function refusal(input: unknown, options: unknown = {}, env: JobEnvironment = inlineEnvironment()): JobInputError {
    try {
      run(input, options, env);
    } catch (error) {
      if (error instanceof JobInputError) return error;
      throw error;
    }
    throw new Error('expected a JobInputError');
  }

  it.each<[string, unknown, unknown, string, number | undefined, RegExp]>([
    ['dimensions differ', { ...small, items: [[1, 0, 0]], holders: ['A'] }, {}, 'input.items', undefined, /3 dimensions; the outputs have 2/],
    ['holder count ≠ N', { ...small, holders: ['A', 'B'] }, {}, 'input.holders', undefined, /must hold 3 labels .*got 2/],
    ['a holder neither text nor number', { ...small, holders: ['A', null, 'B'] }, {}, 'input.holders', 1, /text or a number/],
    ['a non-finite entry', { ...small, outputs: [[1, 0], [0, Infinity]] }, {}, 'input.outputs', 1, /column 2 must be a finite number/],
    ['a text entry', { ...small, items: [[1, 0], ['x', 1], [0, 1]] }, {}, 'input.items', 1, /column 1 must be a finite number, got "x"/],
    ['a ragged row', { ...small, outputs: [[1, 0], [0, 1, 2]] }, {}, 'input.outputs', 1, /3 values; every row needs 2/],
    ['no outputs', { ...small, outputs: [] }, {}, 'input.outputs', undefined, /at least one row/],
    ['outputs neither rows nor id', { ...small, outputs: 5 }, {}, 'input.outputs', undefined, /dataset id or a list of rows/],
    ['a negative weight', { ...small, weights: [1, -2] }, {}, 'input.weights', 1, /finite number ≥ 0, got -2/],
    ['weights of the wrong length', { ...small, weights: [1] }, {}, 'input.weights', undefined, /2 weights \(one per output\), got 1/],
    ['users of the wrong length', { ...small, users: ['u'] }, {}, 'input.users', undefined, /must hold 2 labels/],
    ['a threshold that is not a number', small, { threshold: 'high' }, 'options.threshold', undefined, /finite number/],
    ['an unknown mode', small, { mode: 'users' }, 'options.mode', undefined, /"market", "user", "both"/],
    ['too many top holders', small, { topHolders: MAX_TOP_HOLDERS + 1 }, 'options.topHolders', undefined, new RegExp(`from 0 to ${MAX_TOP_HOLDERS}`)],
  ])('refuses %s', (_, input, options, field, index, message) => {
    const error = refusal(input, options);
    expect([error.field, error.index]).toEqual([field, index]);
    expect(error.message.startsWith(field)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('refuses unknown dataset ids and datasets of the wrong kind or size', () => {
    const datasets = new MemoryDatasets();
    const outputs = datasets.matrix('out', new Float32Array(4), 2, 2);
    const items = datasets.matrix('items', new Float32Array(6), 3, 2);
    const labels = datasets.labels('labels', ['A', 'B', 'C']);
    const env = datasets.environment();
    const cases: Array<[unknown, string, RegExp]> = [
      [{ outputs: 'nope', items, holders: labels }, 'input.outputs', /no dataset with id "nope"/],
      [{ outputs: labels, items, holders: labels }, 'input.outputs', /labels \(text\); a matrix/],
      [{ outputs, items, holders: outputs }, 'input.holders', /holds 4 labels; 3 are needed/],
      [{ outputs, items, holders: labels, weights: items }, 'input.weights', /holds 6 values; 2 weights are needed/],
      [{ outputs, items, holders: labels, users: 'gone' }, 'input.users', /no dataset with id "gone"/],
    ];
    for (const [input, field, message] of cases) {
      const error = refusal(input, {}, env);
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
    }
  });

  it('refuses jobs over the pair, product and memory caps, naming the limit', () => {
    const datasets = new MemoryDatasets();
    const shape = (id: string, rows: number, cols: number) => datasets.record(id, 'float32', [rows, cols]);
    const env = datasets.environment();
    const tooManyPairs = refusal({ outputs: shape('a', 1_000_000, 4), items: shape('b', 300_000, 4), holders: 'x' }, {}, env);
    expect(tooManyPairs.field).toBe('input.items');
    expect(tooManyPairs.message).toContain(MAX_SIMILARITY_PAIRS.toExponential(0));
    const tooManyProducts = refusal({ outputs: shape('c', 100_000, 4096), items: shape('d', 100_000, 4096), holders: 'x' }, {}, env);
    expect(tooManyProducts.field).toBe('input.items');
    expect(tooManyProducts.message).toContain(MAX_SIMILARITY_PRODUCTS.toExponential(0));
    datasets.record('labels', 'string', [50_000]);
    const small = { ...datasets.environment(), totalMemory: 256 * 1024 * 1024 };
    const tooBig = refusal({ outputs: shape('e', 2000, 512), items: shape('f', 50_000, 512), holders: 'labels' }, {}, small);
    expect(tooBig.field).toBe('input.items');
    expect(tooBig.message).toMatch(/needs about .* a job may use at most 64 MiB/);
  });

  it('refuses a non-finite number found in a dataset when the job starts, with its row', () => {
    const datasets = new MemoryDatasets();
    const items = Float32Array.from([1, 0, 0, 1, NaN, 1]);
    const input = { outputs: datasets.matrix('out', Float32Array.from([1, 0]), 1, 2), items: datasets.matrix('items', items, 3, 2), holders: ['A', 'B', 'C'] };
    const error = refusal(input, {}, datasets.environment());
    expect([error.field, error.index]).toEqual(['input.items', 2]);
    expect(error.message).toMatch(/^input\.items, item 3: column 1 must be a finite number/);
  });
});

/** Datasets in memory: a catalogue of records and a reader of their values, logging reads. */
class MemoryDatasets {
  private readonly records = new Map<string, DatasetRecord>();
  private readonly numbers = new Map<string, { data: Float32Array | Float64Array; rows: number; cols: number }>();
  private readonly names = new Map<string, string[]>();
  readonly reads: string[] = [];

  record(id: string, dtype: string, shape: number[]): string {
    this.records.set(id, { id, name: id, format: 'npy', dtype, shape, bytes: 0, path: `/nowhere/${id}`, createdAt: '' });
    return id;
  }

  matrix(id: string, data: Float32Array | Float64Array, rows: number, cols: number): string {
    this.numbers.set(id, { data, rows, cols });
    return this.record(id, data instanceof Float32Array ? 'float32' : 'float64', [rows, cols]);
  }

  labels(id: string, labels: string[]): string {
    this.names.set(id, labels);
    return this.record(id, 'string', [labels.length]);
  }

  environment(): JobEnvironment {
    const missing = (id: string, field = 'dataset'): never => {
      throw new JobInputError(field, `${field}: no dataset with id "${id}"`);
    };
    const reader: DatasetReader = {
      readMatrix: (id, field) => {
        this.reads.push(`${id} as ${field}`);
        return this.numbers.get(id) ?? missing(id, field);
      },
      readVector: (id, field) => {
        this.reads.push(`${id} as ${field}`);
        const m = this.numbers.get(id) ?? missing(id, field);
        return Float64Array.from(m.data);
      },
      readLabels: (id, field) => {
        this.reads.push(`${id} as ${field}`);
        return this.names.get(id) ?? missing(id, field);
      },
    };
    return inlineEnvironment({ datasets: reader, catalogue: { getDataset: (id) => this.records.get(id) } });
  }
}

describe('attribution.similarity with modelScores (the model as a player)', () => {
  // Cosines of each output with "the model alone", some negative (they count as 0, as a holder's do).
  const MODEL = Array.from({ length: M }, (_, o) => (o % 13 === 0 ? -0.25 : Math.fround(((o * 7919) % 1000) / 1000)));
  const WITH_MODEL = { ...INPUT, modelScores: MODEL };
  const modelRun = run(WITH_MODEL, OPTIONS);
  const reference = engineResult();
  const baseline = run(INPUT, OPTIONS);

  function engineWithModel(modelScores: number[] | number): SimilarityAttribution {
    const holders = indexLabels(HOLDERS);
    const users = indexLabels(USERS);
    const problem = similarityProblem({
      d: D,
      outputs: OUTPUTS.flat(),
      outputCount: M,
      items: ITEMS.flat(),
      itemCount: N,
      holderOfItem: holders.index,
      holderCount: holders.names.length,
      weights: WEIGHTS,
      userOfOutput: users.index,
      userCount: users.names.length,
      threshold: 0.2,
      topHolders: 4,
      topOutputs: MAX_INLINE_OUTPUT_TOPS,
      modelScores,
    });
    return attributeSimilarity(problem, similarityOutputsPerUnit(N, D, holders.names.length));
  }

  it('returns the engine attribution with the model, bit for bit: holders, model totals and shares, top lists', () => {
    const attribution = engineWithModel(MODEL.map((x) => Math.max(0, x)));
    const names = reference.names;
    const result = modelRun.result! as Record<string, any>;
    expect(result.totals).toEqual({ market: Array.from(attribution.market), user: Array.from(attribution.user) });
    const market = sharesOfTotals(attribution.market, attribution.model!.market);
    const user = sharesOfTotals(attribution.user, attribution.model!.user);
    expect(result.shares).toEqual({ market: Array.from(market.subarray(0, names.length)), user: Array.from(user.subarray(0, names.length)) });
    expect(result.model).toEqual({
      totals: { market: attribution.model!.market, user: attribution.model!.user },
      shares: { market: market[names.length], user: user[names.length] },
      outputs: attribution.belowThreshold,
      modelScores: 'per output',
    });
    // Holders and model share everything: market-centric, the model's total is Σ w minus the holders'.
    const holdersTotal = (result.totals.market as number[]).reduce((a, b) => a + b, 0);
    expect(holdersTotal + result.model.totals.market).toBeCloseTo(WEIGHTS.reduce((a, b) => a + b, 0), 9);
    expect([...result.shares.market, result.model.shares.market].reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
    expect(result.outputs).toEqual({ M, attributed: attribution.attributed, belowThreshold: attribution.belowThreshold });
    (result.top as Array<Record<string, unknown>>).forEach((listed, o) => {
      const t = attribution.tops[o];
      expect(listed).toEqual({ output: o, holders: Array.from(t.holders, (h) => names[h]), shares: Array.from(t.shares), scores: Array.from(t.scores), model: t.model });
    });
    // The holders' totals differ from the job without a model: the model takes its part.
    expect(result.totals.market).not.toEqual((baseline.result! as Record<string, any>).totals.market);
    expect((baseline.result! as Record<string, unknown>).model).toBeUndefined();
  });

  it('one number for every output is that number per output', () => {
    const one = run({ ...INPUT, modelScores: 0.4 }, OPTIONS).result! as Record<string, any>;
    const each = run({ ...INPUT, modelScores: new Array(M).fill(0.4) }, OPTIONS).result! as Record<string, any>;
    expect(one.model.modelScores).toBe('one for all');
    expect({ ...one, model: { ...one.model, modelScores: 'per output' } }).toEqual(each);
    expect(one.totals.market).toEqual(Array.from(engineWithModel(0.4).market));
  });

  it('reads model scores from a vector dataset (a .npy vector or a CSV column) to the same result', () => {
    const datasets = new MemoryDatasets();
    const id = datasets.matrix('model', Float64Array.from(MODEL), M, 1);
    const fromDataset = run({ ...INPUT, modelScores: id }, OPTIONS, datasets.environment());
    expect(fromDataset.result).toEqual(modelRun.result);
    expect(datasets.reads).toEqual(['model as input.modelScores']);
  });

  it('gives the same result in any unit order and after resuming; checkpoints with and without a model are not mixed', () => {
    const shuffled = run(WITH_MODEL, OPTIONS, inlineEnvironment(), { order: 'shuffled', shuffleSeed: 11, inFlight: 5 });
    expect(shuffled.result).toEqual(modelRun.result);
    const first = run(WITH_MODEL, OPTIONS, inlineEnvironment(), { order: 'shuffled', stopAfter: 2, shuffleSeed: 3, inFlight: 4 });
    expect((first.checkpoint!.state as { model?: boolean }).model).toBe(true);
    const second = run(WITH_MODEL, OPTIONS, inlineEnvironment(), { checkpoint: first.checkpoint });
    expect(second.result).toEqual(modelRun.result);
    expect(second.unitsRun).toBe(modelRun.unitsRun - (first.checkpoint!.state as { merged: number }).merged);
    // A job without a model ignores the model job's checkpoint, and the other way round.
    const plain = run(INPUT, OPTIONS, inlineEnvironment(), { checkpoint: first.checkpoint });
    expect([plain.unitsRun, plain.result]).toEqual([baseline.unitsRun, baseline.result]);
    const plainFirst = run(INPUT, OPTIONS, inlineEnvironment(), { stopAfter: 2 });
    const withModel = run(WITH_MODEL, OPTIONS, inlineEnvironment(), { checkpoint: plainFirst.checkpoint });
    expect([withModel.unitsRun, withModel.result]).toEqual([modelRun.unitsRun, modelRun.result]);
  });

  it('hands the model shares of the top lists over in transferable buffers', () => {
    const { value } = attributionSimilarity.validate(WITH_MODEL, OPTIONS, inlineEnvironment());
    const execution = attributionSimilarity.start(value, inlineEnvironment(), undefined);
    const state = similarityWorker.setup(structuredClone(execution.context));
    const unit = execution.next()!;
    const { output, transfer } = similarityWorker.run(state, unit.payload);
    const model = (output as { tops: { model: Float64Array } }).tops.model;
    expect(model.length).toBeGreaterThan(0);
    expect(transfer).toContain(model.buffer);
    const moved = structuredClone(output, { transfer });
    expect(transfer!.every((b) => b.byteLength === 0)).toBe(true);
    execution.accept(unit, moved, 1);
    expect(execution.progress()).toBeGreaterThan(0);
  });

  const small = { outputs: [[1, 0], [0, 1]], items: [[1, 0], [1, 1], [0, 1]], holders: ['A', 'B', 'A'] };
  function refusal(input: unknown, env: JobEnvironment = inlineEnvironment()): JobInputError {
    try {
      run(input, {}, env);
    } catch (error) {
      if (error instanceof JobInputError) return error;
      throw error;
    }
    throw new Error('expected a JobInputError');
  }

  it.each<[string, unknown, number | undefined, RegExp]>([
    ['the wrong number of scores', [0.5], undefined, /must hold 2 scores \(one per output\), got 1/],
    ['a score above 1', [0.5, 1.5], 1, /cosine similarity from −1 to 1 .*got 1\.5/],
    ['a score below −1', -2, undefined, /cosine similarity from −1 to 1/],
    ['a score that is not a number', [0.5, 'high'], 1, /got "high"/],
    ['neither a number, a list nor a dataset id', { all: 0.5 }, undefined, /a number \(one score for every output\), a list of 2 scores/],
  ])('refuses %s, naming input.modelScores and the output', (_, modelScores, index, message) => {
    const error = refusal({ ...small, modelScores });
    expect([error.field, error.index]).toEqual(['input.modelScores', index]);
    expect(error.message.startsWith('input.modelScores')).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('refuses model-score datasets of the wrong kind or size, and a score out of range found when the job starts', () => {
    const datasets = new MemoryDatasets();
    const labels = datasets.labels('labels', ['a', 'b']);
    const three = datasets.matrix('three', Float64Array.from([0.1, 0.2, 0.3]), 3, 1);
    const bad = datasets.matrix('bad', Float64Array.from([0.1, 3]), 2, 1);
    const env = datasets.environment();
    expect(refusal({ ...small, modelScores: labels }, env).message).toMatch(/^input\.modelScores: dataset "labels" holds labels \(text\); a vector/);
    expect(refusal({ ...small, modelScores: three }, env).message).toMatch(/holds 3 values; 2 model scores are needed/);
    expect(refusal({ ...small, modelScores: 'gone' }, env).message).toMatch(/no dataset with id "gone"/);
    const error = refusal({ ...small, modelScores: bad }, env);
    expect([error.field, error.index]).toEqual(['input.modelScores', 1]);
    expect(error.message).toMatch(/cosine similarity from −1 to 1/);
  });
});
