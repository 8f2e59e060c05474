/**
 * shapley.exact: exact Shapley values from a full table of 2^n coalition values, inline or an
 * uploaded vector. The table is copied once into shared memory; each unit computes a run of
 * consecutive players with the engine's exactShapleyOfPlayers (the same numbers as
 * exactShapley), so the result does not depend on how the players were spread over threads.
 * Checkpoint: the values of the finished units, one part per unit.
 */
import { exactShapleyOfPlayers } from '../../engine/shapley/exact';
import { MAX_EXACT_PLAYERS } from '../limits';
import { inputError } from './errors';
import {
  bytesToFloat64,
  checkMemory,
  datasetRecord,
  elementCount,
  finiteNumbers,
  float64Bytes,
  isAbsent,
  optionalNames,
  optionsRecord,
  requireRecord,
  sharedFiniteCopy,
  wholeNumber,
} from './shared';
import type { Execution, JobDefinition, JobEnvironment, StoredCheckpoint, WorkerJob, WorkUnit } from './types';

/**
 * Coalition masks one unit reads per player run: a player costs one pass over the 2^n table
 * (~6 ns a mask), so 2^24 masks is ~100 ms. At n ≥ 24 a unit is a single player (n = 26: ~0.4 s,
 * the coarsest unit; cancel then stops the thread instead of waiting for it).
 */
export const EXACT_MASKS_PER_UNIT = 2 ** 24;

export function playersPerUnit(n: number): number {
  return Math.max(1, Math.min(n, Math.floor(EXACT_MASKS_PER_UNIT / 2 ** n)));
}

const INPUT_FIELDS = ['n', 'values', 'dataset', 'players'];

export interface ExactJob {
  readonly n: number;
  /** Inline table (validated), or the id of a vector dataset of 2^n values. */
  readonly values?: Float64Array;
  readonly dataset?: string;
  readonly players?: string[];
}

export interface ExactContext {
  kind: 'shapley.exact';
  n: number;
  values: Float64Array;
}

export interface ExactUnit {
  from: number;
  to: number;
}

interface ExactCheckpointState {
  kind: 'shapley.exact';
  n: number;
  playersPerUnit: number;
}

export const shapleyExact: JobDefinition<ExactJob> = {
  type: 'shapley.exact',

  validate(input, options, env) {
    const body = requireRecord('input', input);
    // A misspelt field (or an option meant for shapley.sample) is refused rather than ignored.
    for (const key of Object.keys(body)) {
      if (!INPUT_FIELDS.includes(key)) throw inputError(`input.${key}`, `is not a field of a shapley.exact input (${INPUT_FIELDS.join(', ')})`);
    }
    for (const key of Object.keys(optionsRecord(options))) {
      throw inputError(`options.${key}`, 'is not an option of shapley.exact, which has none (exact values need no seed or sample count)');
    }
    const n = wholeNumber('input.n', body.n, 1, MAX_EXACT_PLAYERS, ' (exact Shapley on the CPU; use shapley.sample for more players)');
    const size = 2 ** n;
    // The table in shared memory, plus the dataset's own copy while it is read.
    checkMemory('input.n', 2 * size * 8, env, `an exact table of ${n} players`);
    const players = optionalNames('input.players', body.players, n);
    const hasValues = !isAbsent(body.values);
    const hasDataset = !isAbsent(body.dataset);
    if (hasValues === hasDataset) throw inputError('input.values', 'give the table either inline (values) or as an uploaded dataset (dataset), not both');
    if (hasValues) {
      const values = finiteNumbers('input.values', body.values, size, `values (2^${n}, one per coalition in mask order)`);
      return { value: { n, values, players }, options: {} };
    }
    const record = datasetRecord(env.catalogue, 'input.dataset', body.dataset);
    if (record.dtype !== 'float32' && record.dtype !== 'float64') {
      throw inputError('input.dataset', `dataset "${record.id}" holds ${record.dtype === 'string' ? 'labels (text)' : record.dtype}; a vector of 2^${n} numbers is needed`);
    }
    if (elementCount(record) !== size) {
      throw inputError('input.dataset', `dataset "${record.id}" holds ${elementCount(record)} values; a table of ${n} players needs 2^${n} = ${size}`);
    }
    return { value: { n, dataset: record.id, players }, options: {} };
  },

  start(job, env, checkpoint) {
    return new ExactExecution(job, env, checkpoint);
  },
};

class ExactExecution implements Execution {
  readonly context: ExactContext;
  private readonly phi: Float64Array;
  private readonly perUnit: number;
  private readonly unitCount: number;
  private readonly done: Uint8Array;
  private finishedPlayers = 0;
  private nextUnit = 0;
  /** Finished units not yet checkpointed. */
  private unsaved: number[] = [];

  constructor(
    private readonly job: ExactJob,
    env: JobEnvironment,
    checkpoint: StoredCheckpoint | undefined,
  ) {
    const { n } = job;
    const source = job.values ?? env.datasets.readVector(job.dataset!, 'input.dataset');
    if (source.length !== 2 ** n) throw inputError('input.dataset', `holds ${source.length} values; a table of ${n} players needs 2^${n} = ${2 ** n}`);
    this.context = { kind: 'shapley.exact', n, values: sharedFiniteCopy(job.values ? 'input.values' : 'input.dataset', source) };
    this.phi = new Float64Array(n);
    this.perUnit = playersPerUnit(n);
    this.unitCount = Math.ceil(n / this.perUnit);
    this.done = new Uint8Array(this.unitCount);
    this.restore(checkpoint);
  }

  private restore(checkpoint: StoredCheckpoint | undefined): void {
    const state = checkpoint?.state as ExactCheckpointState | undefined;
    // A checkpoint from another unit size (another version) is ignored, not misread.
    if (!state || state.kind !== 'shapley.exact' || state.n !== this.job.n || state.playersPerUnit !== this.perUnit) return;
    for (const [part, bytes] of checkpoint!.parts) {
      if (part < 0 || part >= this.unitCount) continue;
      const { from, to } = this.unitRange(part);
      const values = bytesToFloat64(bytes);
      if (values.length !== to - from) continue;
      this.phi.set(values, from);
      this.done[part] = 1;
      this.finishedPlayers += to - from;
    }
  }

  private unitRange(index: number): ExactUnit {
    const from = index * this.perUnit;
    return { from, to: Math.min(this.job.n, from + this.perUnit) };
  }

  next(): WorkUnit | undefined {
    while (this.nextUnit < this.unitCount && this.done[this.nextUnit]) this.nextUnit++;
    if (this.nextUnit >= this.unitCount) return undefined;
    const index = this.nextUnit++;
    return { index, payload: this.unitRange(index) };
  }

  accept(unit: WorkUnit, output: unknown): void {
    const { from, to } = unit.payload as ExactUnit;
    const values = output as Float64Array;
    // Not instanceof: a typed array from a worker is of the main realm, which need not be ours (jest).
    if (!ArrayBuffer.isView(values) || values.length !== to - from) throw new Error(`unit ${unit.index} returned a malformed result`);
    if (this.done[unit.index]) return;
    this.phi.set(values, from);
    this.done[unit.index] = 1;
    this.finishedPlayers += to - from;
    this.unsaved.push(unit.index);
  }

  finished(): boolean {
    return this.finishedPlayers === this.job.n;
  }

  progress(): number {
    return this.finishedPlayers / this.job.n;
  }

  checkpoint() {
    if (this.unsaved.length === 0) return undefined;
    const parts = this.unsaved.map((index) => {
      const { from, to } = this.unitRange(index);
      return { part: index, data: float64Bytes(this.phi.slice(from, to)) };
    });
    this.unsaved = [];
    const state: ExactCheckpointState = { kind: 'shapley.exact', n: this.job.n, playersPerUnit: this.perUnit };
    return { state, parts };
  }

  result(): Record<string, unknown> {
    return {
      method: 'exact',
      n: this.job.n,
      values: Array.from(this.phi),
      ...(this.job.players ? { players: this.job.players } : {}),
    };
  }
}

export const shapleyExactWorker: WorkerJob<ExactContext> = {
  setup(context) {
    return context as ExactContext;
  },
  run(state, payload) {
    const { from, to } = payload as ExactUnit;
    const players = new Int32Array(to - from);
    for (let k = 0; k < players.length; k++) players[k] = from + k;
    const phi = exactShapleyOfPlayers(state.values, state.n, players, true);
    return { output: phi, transfer: [phi.buffer as ArrayBuffer] };
  },
};
