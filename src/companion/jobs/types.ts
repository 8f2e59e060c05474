/**
 * What a job type provides to the runner: synchronous validation of a request into engine
 * objects, and an execution that splits the work into units for worker threads, merges their
 * outputs deterministically, says what to checkpoint and builds the result.
 */
import type { DatasetRecord } from '../store/store';

export type JobType = 'shapley.exact' | 'shapley.sample' | 'shapley.stratified' | 'shapley.nucleolus' | 'attribution.similarity' | 'pool.split';

export const JOB_TYPES: readonly JobType[] = ['shapley.exact', 'shapley.sample', 'shapley.stratified', 'shapley.nucleolus', 'attribution.similarity', 'pool.split'];

/**
 * Reads uploaded datasets (implemented by src/companion/datasets/reader.ts). Synchronous: the
 * runner calls it once per job run, when the job starts, never while answering a request.
 * Throws JobInputError(field, …) on an unknown id or a shape it cannot read: `field` is the
 * request path that named the dataset ('input.outputs'), 'dataset' when omitted.
 * Numeric data comes back in SharedArrayBuffer-backed arrays, ready for worker contexts.
 */
export interface DatasetReader {
  /** A 2-D dataset, or a 1-D one as rows × 1. */
  readMatrix(id: string, field?: string): { data: Float32Array | Float64Array; rows: number; cols: number };
  /** A numeric dataset of shape [n], [n, 1] or [1, n], as float64. */
  readVector(id: string, field?: string): Float64Array;
  /** A labels dataset, or a numeric vector whose numbers are formatted as text. */
  readLabels(id: string, field?: string): string[];
}

/** The dataset registry (the store): lets submit check ids and shapes without reading files. */
export interface DatasetCatalogue {
  getDataset(id: string): DatasetRecord | undefined;
}

export interface JobEnvironment {
  readonly datasets: DatasetReader;
  readonly catalogue: DatasetCatalogue;
  /** os.totalmem(), injectable so that tests can exercise the memory cap. */
  readonly totalMemory: number;
  /** Worker threads: what runs per thread (a game's own tables) counts that many times. */
  readonly threads: number;
  /**
   * Units the backend that runs the job takes at once when more than one per thread: a GPU batch
   * (src/companion/gpu/gpuJobs.ts). Executions that bound the units handed out ahead of their
   * merged prefix allow at least this many.
   */
  readonly batchUnits?: number;
  /**
   * Units a pool that is not this machine's threads keeps out at once (a cluster's workers, each
   * with its own cores or GPU): executions that bound the units handed out ahead of their merged
   * prefix allow at least this many, and the units' results waiting to be merged are counted
   * that many times; what runs per thread is not (it runs on the workers).
   */
  readonly unitsInFlight?: number;
}

/** A job's input after validation, and its options as stored (defaults filled in). */
export interface Validated<V> {
  readonly value: V;
  readonly options: Record<string, unknown>;
}

/** One piece of work for a thread. `index` numbers units 0, 1, 2… in merge order. */
export interface WorkUnit {
  readonly index: number;
  readonly payload: unknown;
}

/** What a checkpoint adds: `state` replaces the previous one; `parts` are appended by number. */
export interface CheckpointWrite {
  readonly state: unknown;
  readonly parts?: ReadonlyArray<{ readonly part: number; readonly data: Uint8Array }>;
}

export interface StoredCheckpoint {
  readonly state: unknown;
  readonly parts: ReadonlyMap<number, Uint8Array>;
}

export interface Execution {
  /**
   * Sent once to each worker thread that runs a unit of this job. Structured-cloned, so the
   * SharedArrayBuffers inside (tables, embeddings) are shared by all threads, not copied.
   */
  readonly context: unknown;
  /** The next unit to dispatch, or undefined when none is due (all dispatched, or stopped). */
  next(): WorkUnit | undefined;
  /** Merges a unit's output (units may arrive in any order). Throws to fail the job. */
  accept(unit: WorkUnit, output: unknown, elapsedMs: number): void;
  /** True once every unit the result needs is merged; in-flight extras are then discarded. */
  finished(): boolean;
  /** 0–1. */
  progress(): number;
  /** What to persist since the previous call, or undefined when nothing new is merged. */
  checkpoint(): CheckpointWrite | undefined;
  /** The job-specific part of the result (the runner adds backend, threads, version, time). */
  result(): Record<string, unknown>;
}

export interface JobDefinition<V = unknown> {
  readonly type: JobType;
  /** Synchronous and cheap enough for a request handler: no dataset is read. */
  validate(input: unknown, options: unknown, env: JobEnvironment): Validated<V>;
  /** Reads datasets, builds shared buffers and restores the checkpoint if any. */
  start(value: V, env: JobEnvironment, checkpoint: StoredCheckpoint | undefined): Execution;
}

/** The worker-thread half of a job type: builds its state from the context, then runs units. */
export interface WorkerJob<State = unknown> {
  setup(context: unknown): State;
  run(state: State, payload: unknown): { output: unknown; transfer?: ArrayBuffer[] };
}

/**
 * A worker half whose units wait on something (shapley.nucleolus loads its WebAssembly LP solver
 * on the thread's first unit); the worker thread awaits the result before answering.
 */
export interface AsyncWorkerJob<State = unknown> {
  setup(context: unknown): State;
  run(state: State, payload: unknown): Promise<{ output: unknown; transfer?: ArrayBuffer[] }>;
}
