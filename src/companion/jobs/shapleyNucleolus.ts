/**
 * shapley.nucleolus: the nucleolus or pre-nucleolus of a full table of 2^n coalition values (up
 * to n = 20), inline or an uploaded vector, by the same engine code as PARTAGE.NUCLEOLUS with the
 * same LP solver (HiGHS in WebAssembly, loaded once per worker thread).
 *
 * One unit: the LP levels are sequential (each depends on the coalitions the previous ones
 * fixed), and the whole computation takes seconds at n = 20 (bench "nucleolus n=16"), so there
 * is nothing to spread over threads and nothing worth checkpointing: a resumed job starts again.
 */
import { nucleolus, requireImputation, NUCLEOLUS_KINDS, type NucleolusKind } from '../../engine/shapley/nucleolus';
import { loadHighs } from '../../lp/highs';
import { engineInput, inputError } from './errors';
import { checkMemory, datasetRecord, elementCount, finiteNumbers, isAbsent, optionalNames, optionsRecord, requireRecord, sharedFiniteCopy, wholeNumber } from './shared';
import type { AsyncWorkerJob, Execution, JobDefinition, JobEnvironment, WorkUnit } from './types';

/**
 * Most players: the engine enumerates the 2^n excesses at every constraint-generation round,
 * ~10 ms a round at n = 20 and a few dozen rounds; each step up doubles that. 2^20 is also the
 * largest table a sheet holds.
 */
export const MAX_NUCLEOLUS_PLAYERS = 20;

const INPUT_FIELDS = ['n', 'values', 'dataset', 'players'];
const OPTION_FIELDS = ['kind'];

export interface NucleolusJob {
  readonly n: number;
  readonly kind: NucleolusKind;
  readonly values?: Float64Array;
  readonly dataset?: string;
  readonly players?: string[];
}

export interface NucleolusContext {
  kind: 'shapley.nucleolus';
  n: number;
  nucleolusKind: NucleolusKind;
  values: Float64Array;
}

/** What the worker sends back. */
export interface NucleolusOutput {
  values: Float64Array;
  excesses: number[];
  lpSolves: number;
  polished: boolean;
  solver: { name: string; version: string };
}

export const shapleyNucleolus: JobDefinition<NucleolusJob> = {
  type: 'shapley.nucleolus',

  validate(input, options, env) {
    const body = requireRecord('input', input);
    for (const key of Object.keys(body)) {
      if (!INPUT_FIELDS.includes(key)) throw inputError(`input.${key}`, `is not a field of a shapley.nucleolus input (${INPUT_FIELDS.join(', ')})`);
    }
    const opts = optionsRecord(options);
    for (const key of Object.keys(opts)) {
      if (!OPTION_FIELDS.includes(key)) throw inputError(`options.${key}`, `is not an option of shapley.nucleolus (${OPTION_FIELDS.join(', ')})`);
    }
    const kind = isAbsent(opts.kind) ? 'nucleolus' : opts.kind;
    if (typeof kind !== 'string' || !NUCLEOLUS_KINDS.includes(kind as NucleolusKind)) {
      throw inputError('options.kind', `must be "nucleolus" or "prenucleolus", got ${JSON.stringify(kind)}`);
    }
    const nucleolusKind = kind as NucleolusKind;
    const n = wholeNumber('input.n', body.n, 1, MAX_NUCLEOLUS_PLAYERS, ' (the nucleolus enumerates all 2^n coalitions at each LP round)');
    const size = 2 ** n;
    checkMemory('input.n', 3 * size * 8, env, `a nucleolus table of ${n} players`);
    const players = optionalNames('input.players', body.players, n);
    const hasValues = !isAbsent(body.values);
    const hasDataset = !isAbsent(body.dataset);
    if (hasValues === hasDataset) throw inputError('input.values', 'give the table either inline (values) or as an uploaded dataset (dataset), not both');
    const stored = { kind: nucleolusKind };
    if (hasValues) {
      const values = finiteNumbers('input.values', body.values, size, `values (2^${n}, one per coalition in mask order)`);
      // Refused at submission rather than after a thread has started on it.
      if (nucleolusKind === 'nucleolus') engineInput('input', () => requireImputation(values, n));
      return { value: { n, kind: nucleolusKind, values, players }, options: stored };
    }
    const record = datasetRecord(env.catalogue, 'input.dataset', body.dataset);
    if (record.dtype !== 'float32' && record.dtype !== 'float64') {
      throw inputError('input.dataset', `dataset "${record.id}" holds ${record.dtype === 'string' ? 'labels (text)' : record.dtype}; a vector of 2^${n} numbers is needed`);
    }
    if (elementCount(record) !== size) {
      throw inputError('input.dataset', `dataset "${record.id}" holds ${elementCount(record)} values; a table of ${n} players needs 2^${n} = ${size}`);
    }
    return { value: { n, kind: nucleolusKind, dataset: record.id, players }, options: stored };
  },

  start(job, env) {
    return new NucleolusExecution(job, env);
  },
};

class NucleolusExecution implements Execution {
  readonly context: NucleolusContext;
  private dispatched = false;
  private output: NucleolusOutput | undefined;

  constructor(
    private readonly job: NucleolusJob,
    env: JobEnvironment,
  ) {
    const { n } = job;
    const source = job.values ?? env.datasets.readVector(job.dataset!, 'input.dataset');
    if (source.length !== 2 ** n) throw inputError('input.dataset', `holds ${source.length} values; a table of ${n} players needs 2^${n} = ${2 ** n}`);
    const field = job.values ? 'input.values' : 'input.dataset';
    const values = sharedFiniteCopy(field, source);
    if (job.kind === 'nucleolus') engineInput('input', () => requireImputation(values, n), { values: field });
    this.context = { kind: 'shapley.nucleolus', n, nucleolusKind: job.kind, values };
  }

  next(): WorkUnit | undefined {
    if (this.dispatched) return undefined;
    this.dispatched = true;
    return { index: 0, payload: {} };
  }

  accept(unit: WorkUnit, output: unknown): void {
    const result = output as NucleolusOutput;
    if (!result || !ArrayBuffer.isView(result.values) || result.values.length !== this.job.n) throw new Error(`unit ${unit.index} returned a malformed result`);
    this.output = result;
  }

  finished(): boolean {
    return this.output !== undefined;
  }

  progress(): number {
    return this.output ? 1 : 0;
  }

  checkpoint() {
    return undefined;
  }

  result(): Record<string, unknown> {
    const output = this.output!;
    return {
      method: this.job.kind,
      n: this.job.n,
      values: Array.from(output.values),
      ...(this.job.players ? { players: this.job.players } : {}),
      levels: output.excesses.length,
      excesses: output.excesses,
      lpSolves: output.lpSolves,
      polished: output.polished,
      solver: output.solver,
    };
  }
}

export const shapleyNucleolusWorker: AsyncWorkerJob<NucleolusContext> = {
  setup(context) {
    return context as NucleolusContext;
  },
  async run(state) {
    const solver = await loadHighs();
    const result = nucleolus(state.values, state.n, state.nucleolusKind, solver);
    const output: NucleolusOutput = {
      values: result.values,
      excesses: result.excesses,
      lpSolves: result.lpSolves,
      polished: result.polished,
      solver: { name: solver.name, version: solver.version },
    };
    return { output, transfer: [result.values.buffer as ArrayBuffer] };
  },
};
