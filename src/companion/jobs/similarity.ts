/**
 * attribution.similarity: shares a remuneration among rightholders by how much M AI outputs
 * resemble their N catalogue items (embeddings of d dimensions), with the engine's similarity
 * attribution (src/engine/attribution/similarity.ts documents the rule: cosine similarity, each
 * holder's best match, the threshold, the max-game split of each output, market- and
 * user-centric totals).
 *
 * Request: input = { outputs, items: a dataset id (M × d, N × d numeric matrices) or inline rows
 * (number[][]); holders: N labels (inline list or labels dataset); weights?: M numbers ≥ 0
 * (inline or vector dataset; default 1); users?: M user ids (inline or labels dataset; default
 * every output its own user); modelScores?: the model as a player (seed 004, DESIGN.md §7.3),
 * each output's cosine similarity to what the model makes without any rightholder's contribution:
 * one number for every output, M numbers inline, or a vector dataset (a .npy vector or a CSV
 * column, for large M); each in [−1, 1], a negative one counting as 0 as a holder's best
 * similarity does }, options = { threshold? (default 0), mode?: 'market' (default) | 'user' |
 * 'both' (which totals the result reports), topHolders? (default 3, at most MAX_TOP_HOLDERS) }.
 *
 * Result: { method: 'similarity-max-shapley', holders (names, first-appearance order), totals and
 * shares: { market?: number[], user?: number[] } (the mode's keys, per holder), outputs: { M,
 * attributed, belowThreshold }, top: for the first MAX_INLINE_OUTPUT_TOPS outputs { output,
 * holders, shares, scores } (best share first, ties by holder order; scores are the holders' best
 * cosine similarities), topLeftOut (outputs beyond those), threshold, mode, topHolders, items,
 * dimensions }. With modelScores the model is one more player of every output's max game, not
 * filtered by the threshold, and an output no holder reaches goes to it whole; the result then
 * also has model = { totals, shares (the mode's keys, like the holders'; holders' shares and the
 * model's sum to 1), outputs (those that went to the model whole: outputs.belowThreshold),
 * modelScores: 'one for all' | 'per output' } and each top entry a `model` share; the model is
 * never listed among the holders.
 *
 * Units are runs of consecutive outputs (in the engine's user-grouped order) sized to ~0.2 s on
 * one thread; the size depends on N, d and the holder count only, so the numbers are the same
 * whatever the thread count. Unit results are merged in unit order (later ones wait for earlier
 * ones), so arrival order does not matter either. Checkpoint: the merged totals (part 0, replaced
 * each time) and the top lists of each merged unit (part 1 + unit); a resumed job redoes only
 * the units that had finished out of order and were not merged yet.
 */
import {
  attributeBlock,
  DEFAULT_TOP_HOLDERS,
  indexLabels,
  similarityAttributionOf,
  similarityProblem,
  SimilarityScratch,
  SimilarityTotals,
  sharesOfTotals,
  type ArrayAllocator,
  type SimilarityBlock,
  type SimilarityProblem,
  type SimilarityTotalsState,
  type TopLists,
} from '../../engine/attribution/similarity';
import { MAX_INLINE_OUTPUT_TOPS, MAX_SIMILARITY_PAIRS, MAX_SIMILARITY_PRODUCTS, MAX_TOP_HOLDERS } from '../limits';
import { engineInput, inputError } from './errors';
import {
  bytesToFloat64,
  checkMemory,
  datasetRecord,
  describe,
  elementCount,
  float64Bytes,
  isAbsent,
  isRecord,
  matrixShape,
  optionsRecord,
  requireRecord,
  sharedFloat64,
  wholeNumber,
} from './shared';
import type { DatasetRecord } from '../store/store';
import type { Execution, JobDefinition, JobEnvironment, StoredCheckpoint, WorkerJob, WorkUnit } from './types';

export type SimilarityMode = 'market' | 'user' | 'both';
const MODES: readonly SimilarityMode[] = ['market', 'user', 'both'];

/** A matrix given inline (validated, row-major float64) or as a dataset of known shape. */
type MatrixSource = { readonly rows: number; readonly cols: number } & ({ readonly data: Float64Array } | { readonly dataset: string });
/** Labels given inline or as a dataset of known length. */
type LabelSource = { readonly labels: string[] } | { readonly dataset: string };
type VectorSource = { readonly values: Float64Array } | { readonly dataset: string };

export interface SimilarityJob {
  readonly outputs: MatrixSource;
  readonly items: MatrixSource;
  readonly holders: LabelSource;
  readonly weights?: VectorSource;
  readonly users?: LabelSource;
  /** One score for every output, or one per output (inline or a vector dataset). */
  readonly modelScores?: { readonly all: number } | VectorSource;
  readonly threshold: number;
  readonly mode: SimilarityMode;
  readonly topHolders: number;
  /** Distinct holders when known at validation (inline labels); N otherwise. */
  readonly holderBound: number;
}

export interface SimilarityContext {
  kind: 'attribution.similarity';
  problem: SimilarityProblem;
}

export interface SimilarityUnit {
  from: number;
  to: number;
}

interface SimilarityCheckpointState {
  kind: 'attribution.similarity';
  outputs: number;
  items: number;
  d: number;
  holders: number;
  threshold: number;
  topHolders: number;
  outputsPerUnit: number;
  /** Present (true) only for jobs with model scores, so that older checkpoints still match. */
  model?: true;
  merged: number;
  totals: SimilarityTotalsState;
}

/**
 * Product-equivalents one unit should cost: ~0.2 s on one thread at the kernel's ~2·10^9
 * products per second. Short enough for progress, cancel and checkpoints; long enough that the
 * merge (a few vectors of the holder count per unit) stays negligible.
 */
export const SIMILARITY_UNIT_WORK = 4e8;

/** Most outputs per unit: their best-score table is outputs × holders float64 per thread. */
const UNIT_BEST_ENTRIES = 2 ** 22;

/**
 * Outputs per unit for N items of d dimensions and H holders: a multiple of the kernel's group
 * of 4 when it can be. A function of the problem's size only, never of the thread count, so the
 * block boundaries (and with them the order of every sum) are the same on any machine.
 */
export function similarityOutputsPerUnit(itemCount: number, d: number, holderCount: number): number {
  // Per output: a dot product per item plus the best-score update, then the split (a scan of
  // the holders and a sort of the counted ones).
  const perOutput = itemCount * (d + 8) + holderCount * 64;
  let size = Math.max(1, Math.floor(SIMILARITY_UNIT_WORK / Math.max(1, perOutput)));
  size = Math.min(size, 256, Math.max(1, Math.floor(UNIT_BEST_ENTRIES / Math.max(1, holderCount))));
  return size >= 4 ? size - (size % 4) : size;
}

// ---- request validation -------------------------------------------------------------------

function numericRecord(field: string, record: DatasetRecord, what: string): void {
  if (record.dtype !== 'float32' && record.dtype !== 'float64') {
    throw inputError(field, `dataset "${record.id}" holds ${record.dtype === 'string' ? 'labels (text)' : record.dtype}; ${what} of numbers is needed`);
  }
}

function matrixSource(field: string, x: unknown, env: JobEnvironment): MatrixSource {
  if (typeof x === 'string') {
    const record = datasetRecord(env.catalogue, field, x);
    numericRecord(field, record, 'a matrix (one row per vector)');
    const { rows, cols } = matrixShape(field, record);
    if (rows < 1 || cols < 1) throw inputError(field, `dataset "${record.id}" is empty (shape [${record.shape.join(', ')}])`);
    return { rows, cols, dataset: record.id };
  }
  if (!Array.isArray(x)) throw inputError(field, `must be a dataset id or a list of rows of numbers, got ${describe(x)}`);
  if (x.length === 0) throw inputError(field, 'must hold at least one row');
  const first: unknown = x[0];
  if (!Array.isArray(first) || first.length === 0) throw inputError(field, `must be a list of numbers (one per dimension), got ${describe(first)}`, 0);
  const cols = first.length;
  const data = new Float64Array(x.length * cols);
  for (let r = 0; r < x.length; r++) {
    const row: unknown = x[r];
    if (!Array.isArray(row)) throw inputError(field, `must be a list of numbers (one per dimension), got ${describe(row)}`, r);
    if (row.length !== cols) throw inputError(field, `has ${row.length} values; every row needs ${cols} (the first row's dimension)`, r);
    for (let c = 0; c < cols; c++) {
      const v: unknown = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw inputError(field, `column ${c + 1} must be a finite number, got ${describe(v)}`, r);
      data[r * cols + c] = v;
    }
  }
  return { rows: x.length, cols, data };
}

function labelSource(field: string, x: unknown, count: number, what: string, env: JobEnvironment): LabelSource {
  if (typeof x === 'string') {
    const record = datasetRecord(env.catalogue, field, x);
    if (elementCount(record) !== count) {
      throw inputError(field, `dataset "${record.id}" holds ${elementCount(record)} labels; ${count} are needed (${what})`);
    }
    return { dataset: record.id };
  }
  if (!Array.isArray(x)) throw inputError(field, `must be a dataset id or a list of ${count} labels (${what}), got ${describe(x)}`);
  if (x.length !== count) throw inputError(field, `must hold ${count} labels (${what}), got ${x.length}`);
  const labels = x.map((v: unknown, i) => {
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
    throw inputError(field, `must be a text or a number, got ${describe(v)}`, i);
  });
  return { labels };
}

function weightSource(field: string, x: unknown, count: number, env: JobEnvironment): VectorSource {
  if (typeof x === 'string') {
    const record = datasetRecord(env.catalogue, field, x);
    numericRecord(field, record, 'a vector');
    if (elementCount(record) !== count) throw inputError(field, `dataset "${record.id}" holds ${elementCount(record)} values; ${count} weights are needed (one per output)`);
    return { dataset: record.id };
  }
  if (!Array.isArray(x)) throw inputError(field, `must be a dataset id or a list of ${count} weights (one per output), got ${describe(x)}`);
  if (x.length !== count) throw inputError(field, `must hold ${count} weights (one per output), got ${x.length}`);
  const values = new Float64Array(count);
  for (let o = 0; o < count; o++) values[o] = weight(field, x[o], o);
  return { values };
}

function weight(field: string, v: unknown, index: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw inputError(field, `must be a finite number ≥ 0, got ${describe(v)}`, index);
  return v;
}

/** A model score: a cosine similarity in [−1, 1]; a negative one counts as 0, like a holder's. */
function modelScore(field: string, v: unknown, index?: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < -1 || v > 1) {
    throw inputError(field, `must be a cosine similarity from −1 to 1 (the output against the model alone), got ${describe(v)}`, index);
  }
  return Math.max(0, v);
}

function modelScoreSource(field: string, x: unknown, count: number, env: JobEnvironment): { all: number } | VectorSource {
  if (typeof x === 'number') return { all: modelScore(field, x) };
  if (typeof x === 'string') {
    const record = datasetRecord(env.catalogue, field, x);
    numericRecord(field, record, 'a vector');
    if (elementCount(record) !== count) throw inputError(field, `dataset "${record.id}" holds ${elementCount(record)} values; ${count} model scores are needed (one per output)`);
    return { dataset: record.id };
  }
  if (!Array.isArray(x)) throw inputError(field, `must be a number (one score for every output), a list of ${count} scores (one per output) or a dataset id, got ${describe(x)}`);
  if (x.length !== count) throw inputError(field, `must hold ${count} scores (one per output), got ${x.length}`);
  const values = new Float64Array(count);
  for (let o = 0; o < count; o++) values[o] = modelScore(field, x[o], o);
  return { values };
}

function readModelScores(field: string, source: { all: number } | VectorSource, count: number, env: JobEnvironment): Float64Array | number {
  if ('all' in source) return source.all;
  if ('values' in source) return source.values;
  const values = env.datasets.readVector(source.dataset, field);
  if (values.length !== count) throw inputError(field, `holds ${values.length} model scores; ${count} are needed (one per output)`);
  const out = new Float64Array(count);
  for (let o = 0; o < count; o++) out[o] = modelScore(field, values[o], o);
  return out;
}

function bytesPerValue(env: JobEnvironment, source: MatrixSource): number {
  if ('data' in source) return 0; // already in memory, as the request
  return env.catalogue.getDataset(source.dataset)?.dtype === 'float32' ? 4 : 8;
}

/** Unit results held back for an earlier unit, at most. */
function maxWaitingUnits(env: Pick<JobEnvironment, 'threads' | 'unitsInFlight'>): number {
  return Math.max(2 * env.threads + 2, env.unitsInFlight ?? 0);
}

/**
 * Memory estimate: the unit rows in shared memory (float32), the datasets while they are read,
 * per thread the best-score table and the split's working arrays, in the main thread the totals
 * and the unit results waiting to be merged in order.
 */
export function similarityMemoryBytes(m: number, n: number, d: number, holders: number, sourceBytes: number, env: Pick<JobEnvironment, 'threads' | 'unitsInFlight'>): number {
  const threads = env.unitsInFlight === undefined ? env.threads : 0;
  const perUnit = similarityOutputsPerUnit(n, d, holders);
  const unitRows = 4 * d * (m + n);
  const indices = 4 * (n + 3 * m) + 8 * m + 64 * n; // holder and user indices, weights, labels
  const thread = 8 * Math.ceil(perUnit / 4) * 4 * holders + 4 * Math.ceil(perUnit / 4) * 4 * d + 72 * holders;
  const unitResult = 8 * 4 * holders;
  const main = 8 * 3 * holders + maxWaitingUnits(env) * unitResult;
  return unitRows + sourceBytes + indices + threads * (thread + unitResult) + main;
}

export const attributionSimilarity: JobDefinition<SimilarityJob> = {
  type: 'attribution.similarity',

  validate(input, options, env) {
    const body = requireRecord('input', input);
    const opts = optionsRecord(options);
    const outputs = matrixSource('input.outputs', body.outputs, env);
    const items = matrixSource('input.items', body.items, env);
    const m = outputs.rows;
    const n = items.rows;
    const d = outputs.cols;
    if (items.cols !== d) throw inputError('input.items', `rows have ${items.cols} dimensions; the outputs have ${d} (both must come from the same embedding model)`);

    const pairs = m * n;
    if (pairs > MAX_SIMILARITY_PAIRS) {
      throw inputError('input.items', `${m} outputs × ${n} items = ${pairs.toExponential(2)} (output, item) pairs; at most ${MAX_SIMILARITY_PAIRS.toExponential(0)} per job`);
    }
    const products = pairs * d;
    if (products > MAX_SIMILARITY_PRODUCTS) {
      throw inputError('input.items', `${m} outputs × ${n} items × ${d} dimensions = ${products.toExponential(2)} products; at most ${MAX_SIMILARITY_PRODUCTS.toExponential(0)} per job (hours on all cores)`);
    }

    const holders = labelSource('input.holders', body.holders, n, 'one holder per item', env);
    const weights = isAbsent(body.weights) ? undefined : weightSource('input.weights', body.weights, m, env);
    const users = isAbsent(body.users) ? undefined : labelSource('input.users', body.users, m, 'one user id per output', env);
    const modelScores = isAbsent(body.modelScores) ? undefined : modelScoreSource('input.modelScores', body.modelScores, m, env);

    const threshold = isAbsent(opts.threshold) ? 0 : opts.threshold;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw inputError('options.threshold', `must be a finite number (a cosine similarity, usually from 0 to 1), got ${describe(threshold)}`);
    const mode = isAbsent(opts.mode) ? 'market' : opts.mode;
    if (!MODES.includes(mode as SimilarityMode)) throw inputError('options.mode', `must be one of ${MODES.map((x) => `"${x}"`).join(', ')}, got ${describe(mode)}`);
    const topHolders = isAbsent(opts.topHolders) ? DEFAULT_TOP_HOLDERS : wholeNumber('options.topHolders', opts.topHolders, 0, MAX_TOP_HOLDERS, ' (holders listed per output)');

    const holderBound = 'labels' in holders ? new Set(holders.labels).size : n;
    const sourceBytes = bytesPerValue(env, outputs) * m * d + bytesPerValue(env, items) * n * d;
    checkMemory('input.items', similarityMemoryBytes(m, n, d, holderBound, sourceBytes, env), env, `a similarity attribution of ${m} outputs × ${n} items × ${d} dimensions`);

    return {
      value: { outputs, items, holders, weights, users, modelScores, threshold, mode: mode as SimilarityMode, topHolders, holderBound },
      options: { threshold, mode, topHolders },
    };
  },

  start(job, env, checkpoint) {
    return new SimilarityExecution(job, env, checkpoint);
  },
};

// ---- running ------------------------------------------------------------------------------

const sharedArrays: ArrayAllocator = {
  float32: (length) => new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT)),
  float64: (length) => sharedFloat64(length),
  int32: (length) => new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT)),
};

function readMatrix(field: string, source: MatrixSource, env: JobEnvironment): Float32Array | Float64Array {
  if ('data' in source) return source.data;
  const read = env.datasets.readMatrix(source.dataset, field);
  if (read.rows !== source.rows || read.cols !== source.cols) {
    throw inputError(field, `dataset "${source.dataset}" now has shape [${read.rows}, ${read.cols}]; it had [${source.rows}, ${source.cols}] when the job was submitted`);
  }
  return read.data;
}

function readLabels(field: string, source: LabelSource, count: number, env: JobEnvironment): string[] {
  const labels = 'labels' in source ? source.labels : env.datasets.readLabels(source.dataset, field);
  if (labels.length !== count) throw inputError(field, `holds ${labels.length} labels; ${count} are needed`);
  return labels;
}

function readWeights(field: string, source: VectorSource, count: number, env: JobEnvironment): Float64Array {
  if ('values' in source) return source.values;
  const values = env.datasets.readVector(source.dataset, field);
  if (values.length !== count) throw inputError(field, `holds ${values.length} weights; ${count} are needed (one per output)`);
  for (let o = 0; o < count; o++) weight(field, values[o], o);
  return values;
}

/**
 * Top lists as one float64 part: [L, outputs(L), counts(L), holders, shares, scores], then, for
 * jobs with a model, the model's share of each listed output (L more).
 */
function encodeTops(tops: TopLists): Float64Array {
  const l = tops.outputs.length;
  const e = tops.holders.length;
  const out = new Float64Array(1 + 2 * l + 3 * e + (tops.model ? l : 0));
  out[0] = l;
  out.set(tops.outputs, 1);
  out.set(tops.counts, 1 + l);
  out.set(tops.holders, 1 + 2 * l);
  out.set(tops.shares, 1 + 2 * l + e);
  out.set(tops.scores, 1 + 2 * l + 2 * e);
  if (tops.model) out.set(tops.model, 1 + 2 * l + 3 * e);
  return out;
}

function decodeTops(values: Float64Array, model: boolean): TopLists | undefined {
  const l = values[0];
  const perOutput = model ? 3 : 2;
  if (!Number.isInteger(l) || l < 0 || 1 + perOutput * l > values.length) return undefined;
  const e = (values.length - 1 - perOutput * l) / 3;
  if (!Number.isInteger(e)) return undefined;
  const tops: TopLists = {
    outputs: Int32Array.from(values.subarray(1, 1 + l)),
    counts: Int32Array.from(values.subarray(1 + l, 1 + 2 * l)),
    holders: Int32Array.from(values.subarray(1 + 2 * l, 1 + 2 * l + e)),
    shares: values.slice(1 + 2 * l + e, 1 + 2 * l + 2 * e),
    scores: values.slice(1 + 2 * l + 2 * e, 1 + 2 * l + 3 * e),
  };
  return model ? { ...tops, model: values.slice(1 + 2 * l + 3 * e) } : tops;
}

/** Realm-independent: a structured clone may come from another realm's constructors (tests' vm). */
function isFloat64Array(x: unknown): x is Float64Array {
  return Object.prototype.toString.call(x) === '[object Float64Array]';
}

class SimilarityExecution implements Execution {
  readonly context: SimilarityContext;
  private readonly problem: SimilarityProblem;
  private readonly holderNames: string[];
  private readonly perUnit: number;
  private readonly unitCount: number;
  private readonly totals: SimilarityTotals;
  /** Unit results that arrived before an earlier unit: merged when their turn comes. */
  private readonly waiting = new Map<number, SimilarityBlock>();
  private readonly maxWaiting: number;
  private merged = 0;
  private nextUnit = 0;
  private acceptedOutputs = 0;
  /** Units merged since the last checkpoint. */
  private unsaved: Array<{ index: number; tops: TopLists }> = [];

  constructor(
    private readonly job: SimilarityJob,
    env: JobEnvironment,
    checkpoint: StoredCheckpoint | undefined,
  ) {
    const { outputs, items } = job;
    const holders = indexLabels(readLabels('input.holders', job.holders, items.rows, env));
    const users = job.users ? indexLabels(readLabels('input.users', job.users, outputs.rows, env)) : undefined;
    const weights = job.weights ? readWeights('input.weights', job.weights, outputs.rows, env) : undefined;
    const modelScores = job.modelScores ? readModelScores('input.modelScores', job.modelScores, outputs.rows, env) : undefined;
    const fields = {
      outputs: 'input.outputs',
      items: 'input.items',
      holders: 'input.holders',
      weights: 'input.weights',
      users: 'input.users',
      modelScores: 'input.modelScores',
      threshold: 'options.threshold',
      topHolders: 'options.topHolders',
    };
    this.problem = engineInput(
      'input',
      () =>
        similarityProblem(
          {
            d: outputs.cols,
            outputs: readMatrix('input.outputs', outputs, env),
            outputCount: outputs.rows,
            items: readMatrix('input.items', items, env),
            itemCount: items.rows,
            holderOfItem: holders.index,
            holderCount: holders.names.length,
            weights,
            userOfOutput: users?.index,
            userCount: users?.names.length,
            threshold: job.threshold,
            topHolders: job.topHolders,
            topOutputs: MAX_INLINE_OUTPUT_TOPS,
            modelScores,
          },
          sharedArrays,
        ),
      fields,
    );
    this.holderNames = holders.names;
    this.context = { kind: 'attribution.similarity', problem: this.problem };
    this.perUnit = similarityOutputsPerUnit(this.problem.itemCount, this.problem.d, this.problem.holderCount);
    this.unitCount = Math.ceil(this.problem.outputCount / this.perUnit);
    this.maxWaiting = maxWaitingUnits(env);
    this.totals = new SimilarityTotals(this.problem.holderCount, Math.min(this.problem.outputCount, MAX_INLINE_OUTPUT_TOPS), this.problem.modelScores !== undefined);
    this.restore(checkpoint);
  }

  private stateKey(): Omit<SimilarityCheckpointState, 'merged' | 'totals'> {
    const p = this.problem;
    return {
      kind: 'attribution.similarity',
      outputs: p.outputCount,
      items: p.itemCount,
      d: p.d,
      holders: p.holderCount,
      threshold: p.threshold,
      topHolders: p.topHolders,
      outputsPerUnit: this.perUnit,
      ...(p.modelScores ? { model: true as const } : {}),
    };
  }

  private restore(checkpoint: StoredCheckpoint | undefined): void {
    const state = checkpoint?.state as SimilarityCheckpointState | undefined;
    if (!isRecord(state)) return;
    const key = this.stateKey();
    // A checkpoint of another problem or unit size (another version) is ignored, not misread.
    for (const [name, value] of Object.entries(key)) if ((state as unknown as Record<string, unknown>)[name] !== value) return;
    if (state.model !== key.model) return;
    const merged = state.merged;
    const vectors = checkpoint!.parts.get(0);
    if (!Number.isInteger(merged) || merged < 0 || merged > this.unitCount || !vectors || !isRecord(state.totals)) return;
    if (state.totals.position !== Math.min(this.problem.outputCount, merged * this.perUnit)) return;
    const values = bytesToFloat64(vectors);
    if (values.length !== 3 * this.totals.slots) return;
    const topParts: TopLists[] = [];
    for (let k = 0; k < merged; k++) {
      const part = checkpoint!.parts.get(1 + k);
      if (!part) continue; // a unit without listed outputs writes no part
      const tops = decodeTops(bytesToFloat64(part), this.totals.model);
      if (!tops) return;
      topParts.push(tops);
    }
    this.totals.restore(state.totals, values);
    for (const tops of topParts) this.totals.addTops(tops);
    this.merged = this.nextUnit = merged;
    this.acceptedOutputs = this.totals.position;
  }

  private unitRange(index: number): SimilarityUnit {
    const from = index * this.perUnit;
    return { from, to: Math.min(this.problem.outputCount, from + this.perUnit) };
  }

  next(): WorkUnit | undefined {
    // A unit far slower than the next ones would otherwise let finished results pile up
    // unmerged (each holds four vectors of the holder count).
    if (this.waiting.size >= this.maxWaiting) return undefined;
    while (this.nextUnit < this.unitCount && (this.nextUnit < this.merged || this.waiting.has(this.nextUnit))) this.nextUnit++;
    if (this.nextUnit >= this.unitCount) return undefined;
    const index = this.nextUnit++;
    return { index, payload: this.unitRange(index) };
  }

  accept(unit: WorkUnit, output: unknown): void {
    const { from, to } = this.unitRange(unit.index);
    const block = output as SimilarityBlock;
    const h = this.totals.slots;
    if (!isRecord(block) || block.from !== from || block.to !== to || !isFloat64Array(block.market) || block.market.length !== h) {
      throw new Error(`unit ${unit.index} returned a malformed result`);
    }
    if (unit.index < this.merged || this.waiting.has(unit.index)) return;
    this.waiting.set(unit.index, block);
    this.acceptedOutputs += to - from;
    for (let next = this.waiting.get(this.merged); next; next = this.waiting.get(this.merged)) {
      this.waiting.delete(this.merged);
      this.totals.add(next);
      if (next.tops.outputs.length > 0) this.unsaved.push({ index: this.merged, tops: next.tops });
      this.merged++;
    }
  }

  finished(): boolean {
    return this.merged === this.unitCount;
  }

  progress(): number {
    return this.problem.outputCount === 0 ? 1 : this.acceptedOutputs / this.problem.outputCount;
  }

  private lastSavedMerged = -1;

  checkpoint() {
    if (this.merged === this.lastSavedMerged) return undefined;
    this.lastSavedMerged = this.merged;
    const { state: totals, vectors } = this.totals.snapshot();
    const state: SimilarityCheckpointState = { ...this.stateKey(), merged: this.merged, totals };
    const parts = [{ part: 0, data: float64Bytes(vectors) }, ...this.unsaved.map(({ index, tops }) => ({ part: 1 + index, data: float64Bytes(encodeTops(tops)) }))];
    this.unsaved = [];
    return { state, parts };
  }

  result(): Record<string, unknown> {
    const attribution = similarityAttributionOf(this.totals);
    const names = this.holderNames;
    const modes: Array<'market' | 'user'> = this.job.mode === 'both' ? ['market', 'user'] : [this.job.mode];
    const totals: Record<string, number[]> = {};
    const shares: Record<string, number[]> = {};
    const model = attribution.model;
    const modelTotals: Record<string, number> = {};
    const modelShares: Record<string, number> = {};
    for (const mode of modes) {
      totals[mode] = Array.from(attribution[mode]);
      if (model) {
        // Shares of holders and model together: they sum to 1.
        const all = sharesOfTotals(attribution[mode], model[mode]);
        shares[mode] = Array.from(all.subarray(0, names.length));
        modelTotals[mode] = model[mode];
        modelShares[mode] = all[names.length];
      } else shares[mode] = Array.from(sharesOfTotals(attribution[mode]));
    }
    // Parallel lists rather than an object per holder: half the JSON for 10^4 outputs.
    const top = attribution.tops.map((t, output) => {
      const entry = {
        output,
        holders: Array.from(t.holders, (h) => names[h]),
        shares: Array.from(t.shares),
        scores: Array.from(t.scores),
      };
      return model ? { ...entry, model: t.model ?? 0 } : entry;
    });
    const modelPart = model
      ? {
          model: {
            totals: modelTotals,
            shares: modelShares,
            outputs: attribution.belowThreshold,
            modelScores: this.job.modelScores && 'all' in this.job.modelScores ? 'one for all' : 'per output',
          },
        }
      : {};
    return {
      method: 'similarity-max-shapley',
      holders: names,
      totals,
      shares,
      outputs: { M: this.problem.outputCount, attributed: attribution.attributed, belowThreshold: attribution.belowThreshold },
      top,
      topLeftOut: this.problem.outputCount - top.length,
      threshold: this.problem.threshold,
      mode: this.job.mode,
      topHolders: this.problem.topHolders,
      items: this.problem.itemCount,
      dimensions: this.problem.d,
      ...modelPart,
    };
  }
}

interface SimilarityWorkerState {
  problem: SimilarityProblem;
  scratch: SimilarityScratch;
}

export const similarityWorker: WorkerJob<SimilarityWorkerState> = {
  setup(context) {
    const { problem } = context as SimilarityContext;
    return { problem, scratch: new SimilarityScratch(problem) };
  },
  run(state, payload) {
    const { from, to } = payload as SimilarityUnit;
    const block = attributeBlock(state.problem, from, to, state.scratch);
    const arrays = [block.market, block.users, block.head.sums, block.tail?.sums, ...Object.values(block.tops)];
    const transfer = arrays.filter((a): a is Float64Array | Int32Array => a !== undefined).map((a) => a.buffer as ArrayBuffer);
    return { output: block, transfer };
  },
};
