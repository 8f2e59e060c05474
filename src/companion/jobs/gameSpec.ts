/**
 * The games a sampled job can run (DESIGN.md §4), as a client describes them in `input.game`, and
 * their journey to a worker thread: validateGame() checks a description without reading datasets,
 * resolveGame() reads datasets and makes the plain, cloneable form that travels to the threads
 * (big arrays in shared memory), and buildGame() turns that into the engine's Game there.
 *
 *   {type: 'table', n, values: [2^n numbers in mask order, bit i = player i] | dataset: id}
 *   {type: 'voting', weights: [...], quota}
 *   {type: 'saturatingScale', sizes: [...], halfSize, alpha}
 *   {type: 'coverage', n, elements: [{weight, coveredBy: [player indices]}]}
 *   {type: 'knn', k, train: {features, labels}, test: {features, labels}}
 *     features: [[numbers], ...] (one row per point) or the id of a matrix dataset;
 *     labels: [numbers or texts] or the id of a dataset (text labels or numbers). Labels are
 *     compared as text, numbers written as JavaScript prints them, so an uploaded labels file
 *     matches inline numbers (1 and "1" are one label). The players are the training points.
 */
import { coverageGame, checkCoverage, type CoverageElement } from '../../engine/games/coverage';
import type { Game } from '../../engine/games/game';
import { knnGame, type LabelledPoints } from '../../engine/games/knn';
import { checkSaturatingScale, saturatingScaleGame } from '../../engine/games/saturatingScale';
import { MAX_TABLE_PLAYERS, tableGame } from '../../engine/games/table';
import { votingBody, votingGame } from '../../engine/games/voting';
import { MAX_KNN_PAIRS, MAX_SAMPLED_PLAYERS } from '../limits';
import { engineInput, inputError } from './errors';
import {
  checkMemory,
  datasetRecord,
  describe,
  elementCount,
  finiteNumbers,
  isAbsent,
  matrixShape,
  optionalNames,
  requireRecord,
  sharedFiniteCopy,
  sharedFloat64,
  wholeNumber,
} from './shared';
import type { DatasetRecord } from '../store/store';
import type { JobEnvironment } from './types';

export const GAME_TYPES = ['table', 'voting', 'saturatingScale', 'coverage', 'knn'] as const;
export type GameType = (typeof GAME_TYPES)[number];

/** Players (0..n-1) covering each element, packed: element e's are players[offsets[e]..offsets[e+1]). */
export interface PackedCoverage {
  readonly weights: Float64Array;
  readonly offsets: Int32Array;
  readonly players: Int32Array;
}

/** KNN points as validated: features inline (row-major) or a matrix dataset, labels likewise. */
interface PointsRequest {
  readonly rows: number;
  readonly dimension: number;
  readonly features: { readonly data: Float64Array } | { readonly dataset: string };
  readonly labels: { readonly labels: string[] } | { readonly dataset: string };
}

/** A validated game description: inline parts checked, dataset ids known and of the right shape. */
export type GameRequest =
  | { readonly type: 'table'; readonly n: number; readonly table: { readonly values: Float64Array } | { readonly dataset: string } }
  | { readonly type: 'voting'; readonly weights: Float64Array; readonly quota: number }
  | { readonly type: 'saturatingScale'; readonly sizes: Float64Array; readonly halfSize: number; readonly alpha: number }
  | { readonly type: 'coverage'; readonly n: number; readonly coverage: PackedCoverage }
  | { readonly type: 'knn'; readonly k: number; readonly train: PointsRequest; readonly test: PointsRequest };

/**
 * KNN points as they travel: features row-major in shared memory (float32 when the dataset is),
 * labels as codes (equal codes ⇔ equal labels), shared too.
 */
export interface PointsSpec {
  readonly rows: number;
  readonly dimension: number;
  readonly features: Float32Array | Float64Array;
  readonly labels: Int32Array;
}

/** What travels to the worker threads: plain data, big arrays in shared memory. */
export type GameSpec =
  | { readonly type: 'table'; readonly n: number; readonly values: Float64Array }
  | { readonly type: 'voting'; readonly weights: Float64Array; readonly quota: number }
  | { readonly type: 'saturatingScale'; readonly sizes: Float64Array; readonly halfSize: number; readonly alpha: number }
  | { readonly type: 'coverage'; readonly n: number; readonly coverage: PackedCoverage }
  | { readonly type: 'knn'; readonly k: number; readonly train: PointsSpec; readonly test: PointsSpec };

const FIELD = 'input.game';

/** The fields each game type takes: anything else is refused, so that a typo is not ignored. */
const GAME_FIELDS: Readonly<Record<GameType, readonly string[]>> = {
  table: ['type', 'n', 'values', 'dataset'],
  voting: ['type', 'weights', 'quota'],
  saturatingScale: ['type', 'sizes', 'halfSize', 'alpha'],
  coverage: ['type', 'n', 'elements'],
  knn: ['type', 'k', 'train', 'test'],
};

/** Engine field names → request paths, for errors raised by the engine's checks. */
const ENGINE_FIELDS: Readonly<Record<string, string>> = {
  players: `${FIELD}.n`,
  values: `${FIELD}.values`,
  weights: `${FIELD}.weights`,
  quota: `${FIELD}.quota`,
  sizes: `${FIELD}.sizes`,
  halfSize: `${FIELD}.halfSize`,
  alpha: `${FIELD}.alpha`,
  elements: `${FIELD}.elements`,
  k: `${FIELD}.k`,
  train: `${FIELD}.train`,
  test: `${FIELD}.test`,
};

/** The number of players of a validated (or resolved) game. */
export function playersOf(game: GameRequest | GameSpec): number {
  switch (game.type) {
    case 'table':
    case 'coverage':
      return game.n;
    case 'voting':
      return game.weights.length;
    case 'saturatingScale':
      return game.sizes.length;
    case 'knn':
      return game.train.rows;
  }
}

function onlyFields(field: string, x: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(x)) {
    if (!allowed.includes(key)) throw inputError(`${field}.${key}`, `is not a field of ${what} (${allowed.join(', ')})`);
  }
}

function number(field: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw inputError(field, `must be a number, got ${describe(x)}`);
  return x;
}

function checkPlayers(field: string, n: number): void {
  if (n < 1 || n > MAX_SAMPLED_PLAYERS) throw inputError(field, `a sampled game needs 1 to ${MAX_SAMPLED_PLAYERS} players, got ${n}`);
}

function numericDataset(field: string, record: DatasetRecord, what: string): void {
  if (record.dtype !== 'float32' && record.dtype !== 'float64') {
    throw inputError(field, `dataset "${record.id}" holds ${record.dtype === 'string' ? 'labels (text)' : record.dtype}; ${what} of numbers is needed`);
  }
}

/** The input of a job that samples a game of the catalogue: `{game, players?, unions?}`. */
export interface SampledGameInput {
  readonly game: GameRequest;
  readonly n: number;
  readonly players?: string[];
  /** One union label per player (Owen values), as the request gave them. */
  readonly unions?: Array<string | number>;
}

/** Checks the input of `jobType` (shapley.sample, shapley.stratified), naming the request path at fault. */
export function validateSampledInput(jobType: string, input: unknown, env: JobEnvironment): SampledGameInput {
  const body = requireRecord('input', input);
  for (const key of Object.keys(body)) {
    if (key !== 'game' && key !== 'players' && key !== 'unions') throw inputError(`input.${key}`, `is not a field of a ${jobType} input (game, players, unions)`);
  }
  const game = validateGame(body.game, env);
  const n = playersOf(game);
  const players = optionalNames('input.players', body.players, n);
  if (isAbsent(body.unions)) return { game, n, players };
  const unions = body.unions;
  if (!Array.isArray(unions)) throw inputError('input.unions', `must list the union of each of the ${n} players (a text or a whole number each), got ${describe(unions)}`);
  if (unions.length !== n) throw inputError('input.unions', `must list ${n} unions (one per player), got ${unions.length}`);
  return { game, n, players, unions: unions as Array<string | number> };
}

export function validateGame(x: unknown, env: JobEnvironment): GameRequest {
  const game = requireRecord(FIELD, x);
  const type = game.type as GameType;
  if (!GAME_TYPES.includes(type)) {
    throw inputError(`${FIELD}.type`, `must be one of ${GAME_TYPES.map((t) => `"${t}"`).join(', ')}, got ${describe(game.type)}`);
  }
  onlyFields(FIELD, game, GAME_FIELDS[type], `a ${type} game`);
  switch (type) {
    case 'table':
      return validateTable(game, env);
    case 'voting': {
      const weights = finiteNumbers(`${FIELD}.weights`, game.weights);
      checkPlayers(`${FIELD}.weights`, weights.length);
      const quota = number(`${FIELD}.quota`, game.quota);
      engineInput(FIELD, () => votingBody(weights, quota), ENGINE_FIELDS);
      return { type, weights, quota };
    }
    case 'saturatingScale': {
      const sizes = finiteNumbers(`${FIELD}.sizes`, game.sizes);
      checkPlayers(`${FIELD}.sizes`, sizes.length);
      const halfSize = number(`${FIELD}.halfSize`, game.halfSize);
      const alpha = number(`${FIELD}.alpha`, game.alpha);
      engineInput(FIELD, () => checkSaturatingScale(sizes, halfSize, alpha), ENGINE_FIELDS);
      return { type, sizes, halfSize, alpha };
    }
    case 'coverage':
      return validateCoverage(game, env);
    case 'knn':
      return validateKnn(game, env);
  }
}

function validateTable(game: Record<string, unknown>, env: JobEnvironment): GameRequest {
  const n = wholeNumber(`${FIELD}.n`, game.n, 1, MAX_TABLE_PLAYERS, ' (a table of 2^n values)');
  const size = 2 ** n;
  // One shared copy for every thread, plus the request's or the dataset's own while it is copied.
  checkMemory(`${FIELD}.n`, 2 * size * 8, env, `a table of ${n} players`);
  const hasValues = !isAbsent(game.values);
  if (hasValues === !isAbsent(game.dataset)) throw inputError(`${FIELD}.values`, 'give the table either inline (values) or as an uploaded dataset (dataset), not both');
  if (hasValues) return { type: 'table', n, table: { values: finiteNumbers(`${FIELD}.values`, game.values, size, `values (2^${n}, one per coalition in mask order)`) } };
  const record = datasetRecord(env.catalogue, `${FIELD}.dataset`, game.dataset);
  numericDataset(`${FIELD}.dataset`, record, 'a vector');
  if (elementCount(record) !== size) throw inputError(`${FIELD}.dataset`, `dataset "${record.id}" holds ${elementCount(record)} values; a table of ${n} players needs 2^${n} = ${size}`);
  return { type: 'table', n, table: { dataset: record.id } };
}

/**
 * Per thread, the engine keeps each element's distinct coverers (Int32Array) and each player's
 * covered elements (a number list), plus an element object and a mark per element.
 */
function coverageBytesPerThread(elements: number, incidences: number): number {
  return 12 * incidences + 72 * elements;
}

function validateCoverage(game: Record<string, unknown>, env: JobEnvironment): GameRequest {
  const n = wholeNumber(`${FIELD}.n`, game.n, 1, MAX_SAMPLED_PLAYERS, ' (players of a sampled game)');
  if (!Array.isArray(game.elements)) throw inputError(`${FIELD}.elements`, `must be a list of {weight, coveredBy}, got ${describe(game.elements)}`);
  const elements = game.elements.map((e: unknown, index): CoverageElement => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw inputError(`${FIELD}.elements`, `must be an object {weight, coveredBy}, got ${describe(e)}`, index);
    const element = e as Record<string, unknown>;
    for (const key of Object.keys(element)) {
      if (key !== 'weight' && key !== 'coveredBy') throw inputError(`${FIELD}.elements`, `"${key}" is not a field of an element (weight, coveredBy)`, index);
    }
    if (!Array.isArray(element.coveredBy)) throw inputError(`${FIELD}.elements`, `coveredBy must be a list of player indices, got ${describe(element.coveredBy)}`, index);
    return { weight: element.weight as number, coveredBy: element.coveredBy as number[] };
  });
  // The engine's check: weights finite, coverers whole numbers from 0 to n − 1.
  const { weights, coverers } = engineInput(FIELD, () => checkCoverage(n, elements), ENGINE_FIELDS);
  let incidences = 0;
  for (const list of coverers) incidences += list.length;
  checkMemory(`${FIELD}.elements`, 8 * (weights.length + incidences) + env.threads * coverageBytesPerThread(weights.length, incidences), env, `a coverage game of ${weights.length} elements and ${incidences} coverings`);
  // Packed into three shared arrays: cloned to each thread, a list of objects would be copied.
  const offsets = new Int32Array(new SharedArrayBuffer((coverers.length + 1) * Int32Array.BYTES_PER_ELEMENT));
  const players = new Int32Array(new SharedArrayBuffer(incidences * Int32Array.BYTES_PER_ELEMENT));
  coverers.forEach((list, e) => {
    players.set(list, offsets[e]);
    offsets[e + 1] = offsets[e] + list.length;
  });
  const shared = sharedFloat64(weights.length);
  shared.set(weights);
  return { type: 'coverage', n, coverage: { weights: shared, offsets, players } };
}

function validateFeatures(field: string, x: unknown, env: JobEnvironment): Pick<PointsRequest, 'rows' | 'dimension' | 'features'> {
  if (typeof x === 'string') {
    const record = datasetRecord(env.catalogue, field, x);
    numericDataset(field, record, 'a matrix (one row per point)');
    const { rows, cols } = matrixShape(field, record);
    return { rows, dimension: cols, features: { dataset: record.id } };
  }
  if (!Array.isArray(x)) throw inputError(field, `must be a dataset id or a list of points (lists of numbers), got ${describe(x)}`);
  const first: unknown = x[0];
  const dimension = Array.isArray(first) ? first.length : 0;
  const data = sharedFloat64(x.length * dimension);
  for (let r = 0; r < x.length; r++) {
    const row: unknown = x[r];
    if (!Array.isArray(row)) throw inputError(field, `must be a list of numbers (one per feature), got ${describe(row)}`, r);
    if (row.length !== dimension) throw inputError(field, `has ${row.length} features; every point needs ${dimension} (the first point's)`, r);
    for (let c = 0; c < dimension; c++) {
      const v: unknown = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw inputError(field, `feature ${c + 1} must be a finite number, got ${describe(v)}`, r);
      data[r * dimension + c] = v;
    }
  }
  return { rows: x.length, dimension, features: { data } };
}

function validateLabels(field: string, x: unknown, rows: number, env: JobEnvironment): PointsRequest['labels'] {
  if (typeof x === 'string') {
    const record = datasetRecord(env.catalogue, field, x);
    if (elementCount(record) !== rows) throw inputError(field, `dataset "${record.id}" holds ${elementCount(record)} labels; ${rows} are needed (one per point)`);
    return { dataset: record.id };
  }
  if (!Array.isArray(x)) throw inputError(field, `must be a dataset id or a list of ${rows} labels (one per point), got ${describe(x)}`);
  if (x.length !== rows) throw inputError(field, `must hold ${rows} labels (one per point), got ${x.length}`);
  return {
    labels: x.map((v: unknown, i) => {
      if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
      throw inputError(field, `must be a text or a number, got ${describe(v)}`, i);
    }),
  };
}

function validatePoints(field: string, x: unknown, env: JobEnvironment): PointsRequest {
  const points = requireRecord(field, x);
  onlyFields(field, points, ['features', 'labels'], 'KNN points');
  const { rows, dimension, features } = validateFeatures(`${field}.features`, points.features, env);
  return { rows, dimension, features, labels: validateLabels(`${field}.labels`, points.labels, rows, env) };
}

/**
 * Per thread, the engine's neighbour tables (rank, order: int32; match: a byte per pair), its
 * walker's K nearest per test point (int32) and the sort's distances and indices.
 */
export function knnBytesPerThread(trainRows: number, testRows: number, k: number): number {
  return 9 * trainRows * testRows + 4 * testRows * k + 16 * trainRows;
}

function validateKnn(game: Record<string, unknown>, env: JobEnvironment): GameRequest {
  const k = wholeNumber(`${FIELD}.k`, game.k, 1, MAX_SAMPLED_PLAYERS, ' (neighbours)');
  const train = validatePoints(`${FIELD}.train`, game.train, env);
  const test = validatePoints(`${FIELD}.test`, game.test, env);
  checkPlayers(`${FIELD}.train.features`, train.rows);
  if (test.rows < 1) throw inputError(`${FIELD}.test.features`, 'needs at least one test point');
  if (test.dimension !== train.dimension) {
    throw inputError(`${FIELD}.test.features`, `points have ${test.dimension} features; the training points have ${train.dimension}`);
  }
  const pairs = train.rows * test.rows;
  if (pairs > MAX_KNN_PAIRS) throw inputError(`${FIELD}.test`, `${train.rows} training × ${test.rows} test points is ${pairs} pairs; at most ${MAX_KNN_PAIRS} are allowed`);
  const points = (train.rows + test.rows) * (8 * train.dimension + 4);
  checkMemory(`${FIELD}.test`, points + env.threads * knnBytesPerThread(train.rows, test.rows, k), env, `a KNN game of ${train.rows} training × ${test.rows} test points`);
  return { type: 'knn', k, train, test };
}

function readFeatures(field: string, points: PointsRequest, env: JobEnvironment): Float32Array | Float64Array {
  if ('data' in points.features) return points.features.data;
  const { data, rows, cols } = env.datasets.readMatrix(points.features.dataset, field);
  if (rows !== points.rows || cols !== points.dimension) {
    throw inputError(field, `dataset "${points.features.dataset}" now has shape [${rows}, ${cols}]; it had [${points.rows}, ${points.dimension}] when the job was submitted`);
  }
  // Checked here, once, rather than by the engine in every thread.
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw inputError(field, `feature ${(i % cols) + 1} must be a finite number, got ${data[i]}`, Math.floor(i / cols));
  }
  return data;
}

function readPointLabels(field: string, points: PointsRequest, env: JobEnvironment): string[] {
  const labels = 'labels' in points.labels ? points.labels.labels : env.datasets.readLabels(points.labels.dataset, field);
  if (labels.length !== points.rows) throw inputError(field, `holds ${labels.length} labels; ${points.rows} are needed (one per point)`);
  return labels;
}

/** Training and test labels as codes from one dictionary, so that equal labels get equal codes. */
function labelCodes(train: string[], test: string[]): { train: Int32Array; test: Int32Array } {
  const codes = new Map<string, number>();
  const encode = (labels: string[]) => {
    const out = new Int32Array(new SharedArrayBuffer(labels.length * Int32Array.BYTES_PER_ELEMENT));
    labels.forEach((label, i) => {
      let code = codes.get(label);
      if (code === undefined) codes.set(label, (code = codes.size));
      out[i] = code;
    });
    return out;
  };
  return { train: encode(train), test: encode(test) };
}

/** Reads the datasets a game names and makes the form that travels to the threads. */
export function resolveGame(game: GameRequest, env: JobEnvironment): GameSpec {
  switch (game.type) {
    case 'table': {
      const fromDataset = 'dataset' in game.table;
      const source = 'values' in game.table ? game.table.values : env.datasets.readVector(game.table.dataset, `${FIELD}.dataset`);
      if (source.length !== 2 ** game.n) throw inputError(`${FIELD}.dataset`, `holds ${source.length} values; a table of ${game.n} players needs ${2 ** game.n}`);
      return { type: 'table', n: game.n, values: sharedFiniteCopy(fromDataset ? `${FIELD}.dataset` : `${FIELD}.values`, source) };
    }
    case 'knn': {
      const labels = labelCodes(readPointLabels(`${FIELD}.train.labels`, game.train, env), readPointLabels(`${FIELD}.test.labels`, game.test, env));
      const points = (which: 'train' | 'test'): PointsSpec => {
        const request = game[which];
        return { rows: request.rows, dimension: request.dimension, features: readFeatures(`${FIELD}.${which}.features`, request, env), labels: labels[which] };
      };
      return { type: 'knn', k: game.k, train: points('train'), test: points('test') };
    }
    default:
      return game;
  }
}

function labelledPoints(points: PointsSpec): LabelledPoints {
  const { rows, dimension, features } = points;
  // Views into the shared rows: no copy per thread.
  const rowViews = Array.from({ length: rows }, (_, r) => features.subarray(r * dimension, (r + 1) * dimension));
  return { features: rowViews, labels: points.labels };
}

function coverageElements(coverage: PackedCoverage): CoverageElement[] {
  const { weights, offsets, players } = coverage;
  return Array.from(weights, (weight, e) => ({ weight, coveredBy: players.subarray(offsets[e], offsets[e + 1]) }));
}

/**
 * The engine's game for a resolved spec (in the worker threads). The engine's own checks run here
 * too: should one fail, its error names the request path.
 */
export function buildGame(spec: GameSpec): Game {
  return engineInput(FIELD, () => engineGame(spec), ENGINE_FIELDS);
}

function engineGame(spec: GameSpec): Game {
  switch (spec.type) {
    case 'table':
      return tableGame(spec.values, spec.n);
    case 'voting':
      return votingGame(spec.weights, spec.quota);
    case 'saturatingScale':
      return saturatingScaleGame(spec.sizes, spec.halfSize, spec.alpha);
    case 'coverage':
      return coverageGame(spec.n, coverageElements(spec.coverage));
    case 'knn':
      return knnGame(labelledPoints(spec.train), labelledPoints(spec.test), spec.k);
  }
}
