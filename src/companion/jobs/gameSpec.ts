/**
 * The games a sampled job can run (DESIGN.md §4), as a client describes them in `input.game`, and
 * their journey to a worker thread: validate() checks a description without reading datasets,
 * resolveGame() reads datasets and makes the plain, cloneable form that travels to the threads
 * (big arrays in shared memory), and buildGame() turns that into the engine's Game there.
 *
 *   {type: 'table', n, values: [2^n numbers in mask order] | dataset: id}
 *   {type: 'voting', weights: [...], quota}
 *   {type: 'saturatingScale', sizes: [...], halfSize, alpha}
 *   {type: 'coverage', n, elements: [{weight, coveredBy: [player indices]}]}
 *   {type: 'knn', k, train: {features: [[...]] | dataset, labels: [...] | dataset}, test: {...}}
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
  requireRecord,
  sharedFiniteCopy,
  wholeNumber,
} from './shared';
import type { JobEnvironment } from './types';

export const GAME_TYPES = ['table', 'voting', 'saturatingScale', 'coverage', 'knn'] as const;
export type GameType = (typeof GAME_TYPES)[number];

/** A list of numbers inline, or the id of an uploaded dataset holding them. */
type Source = { values: Float64Array } | { dataset: string };

interface PointsRequest {
  features: number[][] | { dataset: string };
  labels: Float64Array | { dataset: string };
  rows: number;
}

/** A validated game description: inline parts checked, dataset ids known and of the right shape. */
export type GameRequest =
  | { type: 'table'; n: number; table: Source }
  | { type: 'voting'; weights: Float64Array; quota: number }
  | { type: 'saturatingScale'; sizes: Float64Array; halfSize: number; alpha: number }
  | { type: 'coverage'; n: number; elements: CoverageElement[] }
  | { type: 'knn'; k: number; train: PointsRequest; test: PointsRequest };

/** What travels to the worker threads: plain data, tables in shared memory. */
export type GameSpec =
  | { type: 'table'; n: number; values: Float64Array }
  | { type: 'voting'; weights: Float64Array; quota: number }
  | { type: 'saturatingScale'; sizes: Float64Array; halfSize: number; alpha: number }
  | { type: 'coverage'; n: number; elements: CoverageElement[] }
  | { type: 'knn'; k: number; train: LabelledPoints; test: LabelledPoints };

const FIELD = 'input.game';

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

export function playersOf(game: GameRequest): number {
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

function number(field: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw inputError(field, `must be a number, got ${describe(x)}`);
  return x;
}

function playerCount(field: string, x: unknown): number {
  return wholeNumber(field, x, 1, MAX_SAMPLED_PLAYERS, ' (players of a sampled game)');
}

function checkPlayers(field: string, n: number): void {
  if (n < 1 || n > MAX_SAMPLED_PLAYERS) throw inputError(field, `a sampled game needs 1 to ${MAX_SAMPLED_PLAYERS} players, got ${n}`);
}

export function validateGame(x: unknown, env: JobEnvironment): GameRequest {
  const game = requireRecord(FIELD, x);
  switch (game.type) {
    case 'table':
      return validateTable(game, env);
    case 'voting': {
      const weights = finiteNumbers(`${FIELD}.weights`, game.weights);
      checkPlayers(`${FIELD}.weights`, weights.length);
      const quota = number(`${FIELD}.quota`, game.quota);
      engineInput(FIELD, () => votingBody(weights, quota), ENGINE_FIELDS);
      return { type: 'voting', weights, quota };
    }
    case 'saturatingScale': {
      const sizes = finiteNumbers(`${FIELD}.sizes`, game.sizes);
      checkPlayers(`${FIELD}.sizes`, sizes.length);
      const halfSize = number(`${FIELD}.halfSize`, game.halfSize);
      const alpha = number(`${FIELD}.alpha`, game.alpha);
      engineInput(FIELD, () => checkSaturatingScale(sizes, halfSize, alpha), ENGINE_FIELDS);
      return { type: 'saturatingScale', sizes, halfSize, alpha };
    }
    case 'coverage':
      return validateCoverage(game);
    case 'knn':
      return validateKnn(game, env);
    default:
      throw inputError(`${FIELD}.type`, `must be one of ${GAME_TYPES.map((t) => `"${t}"`).join(', ')}, got ${describe(game.type)}`);
  }
}

function validateTable(game: Record<string, unknown>, env: JobEnvironment): GameRequest {
  const n = wholeNumber(`${FIELD}.n`, game.n, 1, MAX_TABLE_PLAYERS, ' (a table of 2^n values)');
  const size = 2 ** n;
  // One shared copy for every thread, plus the dataset's own while it is read.
  checkMemory(`${FIELD}.n`, 2 * size * 8, env, `a table of ${n} players`);
  const hasValues = !isAbsent(game.values);
  if (hasValues === !isAbsent(game.dataset)) throw inputError(`${FIELD}.values`, 'give the table either inline (values) or as an uploaded dataset (dataset), not both');
  if (hasValues) return { type: 'table', n, table: { values: finiteNumbers(`${FIELD}.values`, game.values, size, `values (2^${n}, one per coalition in mask order)`) } };
  const record = datasetRecord(env.catalogue, `${FIELD}.dataset`, game.dataset);
  if (elementCount(record) !== size) throw inputError(`${FIELD}.dataset`, `dataset "${record.id}" holds ${elementCount(record)} values; a table of ${n} players needs 2^${n} = ${size}`);
  return { type: 'table', n, table: { dataset: record.id } };
}

function validateCoverage(game: Record<string, unknown>): GameRequest {
  const n = playerCount(`${FIELD}.n`, game.n);
  if (!Array.isArray(game.elements)) throw inputError(`${FIELD}.elements`, `must be a list of {weight, coveredBy}, got ${describe(game.elements)}`);
  const elements = game.elements.map((e, index): CoverageElement => {
    const element = requireRecord(`${FIELD}.elements.${index}`, e);
    if (!Array.isArray(element.coveredBy)) throw inputError(`${FIELD}.elements`, `coveredBy must be a list of player indices, got ${describe(element.coveredBy)}`, index);
    return { weight: element.weight as number, coveredBy: element.coveredBy as number[] };
  });
  engineInput(FIELD, () => checkCoverage(n, elements), ENGINE_FIELDS);
  return { type: 'coverage', n, elements };
}

function validatePoints(field: string, x: unknown, env: JobEnvironment): PointsRequest {
  const points = requireRecord(field, x);
  let rows: number;
  let features: PointsRequest['features'];
  if (typeof points.features === 'string') {
    const record = datasetRecord(env.catalogue, `${field}.features`, points.features);
    rows = matrixShape(`${field}.features`, record).rows;
    features = { dataset: record.id };
  } else {
    if (!Array.isArray(points.features)) throw inputError(`${field}.features`, `must be a list of points (lists of numbers) or a dataset id, got ${describe(points.features)}`);
    features = points.features.map((row, i) => {
      if (!Array.isArray(row)) throw inputError(`${field}.features`, `must be a list of numbers, got ${describe(row)}`, i);
      return row as number[];
    });
    rows = features.length;
  }
  let labels: PointsRequest['labels'];
  if (typeof points.labels === 'string') {
    const record = datasetRecord(env.catalogue, `${field}.labels`, points.labels);
    if (elementCount(record) !== rows) throw inputError(`${field}.labels`, `dataset "${record.id}" holds ${elementCount(record)} labels for ${rows} points`);
    labels = { dataset: record.id };
  } else {
    labels = finiteNumbers(`${field}.labels`, points.labels, rows, 'labels (one per point)');
  }
  return { features, labels, rows };
}

function validateKnn(game: Record<string, unknown>, env: JobEnvironment): GameRequest {
  const k = wholeNumber(`${FIELD}.k`, game.k, 1, MAX_SAMPLED_PLAYERS);
  const train = validatePoints(`${FIELD}.train`, game.train, env);
  const test = validatePoints(`${FIELD}.test`, game.test, env);
  checkPlayers(`${FIELD}.train`, train.rows);
  if (test.rows < 1) throw inputError(`${FIELD}.test`, 'needs at least one test point');
  const pairs = train.rows * test.rows;
  if (pairs > MAX_KNN_PAIRS) throw inputError(`${FIELD}.test`, `${train.rows} training × ${test.rows} test points is ${pairs} pairs; at most ${MAX_KNN_PAIRS} are allowed`);
  // Each thread keeps its own neighbour ranks: 9 bytes a pair.
  checkMemory(`${FIELD}.test`, pairs * 9 * env.threads, env, 'the KNN neighbour tables');
  return { type: 'knn', k, train, test };
}

function resolvePoints(field: string, points: PointsRequest, env: JobEnvironment): LabelledPoints {
  let features: number[][] | Float64Array[];
  if (Array.isArray(points.features)) features = points.features;
  else {
    const { data, rows, cols } = env.datasets.readMatrix(points.features.dataset, `${field}.features`);
    features = Array.from({ length: rows }, (_, r) => Float64Array.from(data.subarray(r * cols, (r + 1) * cols)));
  }
  const labels = 'dataset' in points.labels ? env.datasets.readVector(points.labels.dataset, `${field}.labels`) : points.labels;
  return { features, labels };
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
    case 'knn':
      return { type: 'knn', k: game.k, train: resolvePoints(`${FIELD}.train`, game.train, env), test: resolvePoints(`${FIELD}.test`, game.test, env) };
    default:
      return game;
  }
}

/**
 * The engine's game for a resolved spec (in the worker threads). The engine's own checks run here
 * too (KNN points of unequal dimension, say): their errors name the request path.
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
      return coverageGame(spec.n, spec.elements);
    case 'knn':
      return knnGame(spec.train, spec.test, spec.k);
  }
}
