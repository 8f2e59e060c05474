/**
 * Runs a job definition in this thread, driving its Execution with its WorkerJob the way the
 * runner drives worker threads, but with control over the order in which unit outputs arrive
 * and over interruptions: what the runner's determinism and resume promises rest on.
 *
 * - `order`: 'fifo' accepts outputs in dispatch order; 'shuffled' keeps up to `inFlight` units
 *   dispatched and accepts them in a pseudo-random order (as threads finishing at different
 *   speeds would).
 * - `stopAfter`: accept this many units, then stop, take the last checkpoint (as the store
 *   would hold it after merging every write) and return it, to be passed to a new run.
 */
import type { CheckpointWrite, Execution, JobDefinition, JobEnvironment, StoredCheckpoint, WorkerJob, WorkUnit } from '../../../src/companion/jobs/types';

export interface InlineOptions {
  order?: 'fifo' | 'shuffled';
  inFlight?: number;
  stopAfter?: number;
  checkpoint?: StoredCheckpoint;
  /** Seed of the shuffle. */
  shuffleSeed?: number;
  /** A structured clone of context and payloads, as postMessage makes (default true). */
  clone?: boolean;
}

export interface InlineRun {
  result?: Record<string, unknown>;
  /** The store's view of every checkpoint written so far (state replaced, parts merged). */
  checkpoint: StoredCheckpoint | undefined;
  unitsRun: number;
  progress: number[];
  execution: Execution;
}

/** Merges a checkpoint write into the stored one, as Store.saveCheckpoint does. */
export function applyCheckpoint(stored: StoredCheckpoint | undefined, write: CheckpointWrite | undefined): StoredCheckpoint | undefined {
  if (!write) return stored;
  const parts = new Map(stored?.parts ?? []);
  for (const { part, data } of write.parts ?? []) parts.set(part, Uint8Array.from(data));
  // The store keeps the state as JSON text: what comes back is what JSON can carry.
  return { state: JSON.parse(JSON.stringify(write.state)), parts };
}

export function runInline<V>(
  definition: JobDefinition<V>,
  worker: WorkerJob<any>,
  input: unknown,
  options: unknown,
  env: JobEnvironment,
  inline: InlineOptions = {},
): InlineRun {
  const validated = definition.validate(input, options, env);
  // The runner stores the validated options and validates them again at each start (resume):
  // that second validation must give the same job.
  const again = definition.validate(input, JSON.parse(JSON.stringify(validated.options)), env);
  const execution = definition.start(again.value, env, inline.checkpoint);
  const clone = inline.clone !== false;
  const state = worker.setup(clone ? structuredClone(execution.context) : execution.context);
  const inFlight = inline.inFlight ?? 4;
  let random = (inline.shuffleSeed ?? 1) >>> 0 || 1;
  const nextRandom = () => {
    random ^= random << 13;
    random ^= random >>> 17;
    random ^= random << 5;
    return (random >>> 0) / 4294967296;
  };

  let checkpoint = inline.checkpoint;
  let unitsRun = 0;
  const progress: number[] = [];
  const pending: Array<{ unit: WorkUnit; output: unknown }> = [];
  for (;;) {
    while (pending.length < (inline.order === 'shuffled' ? inFlight : 1)) {
      const unit = execution.next();
      if (!unit) break;
      const payload = clone ? structuredClone(unit.payload) : unit.payload;
      const { output } = worker.run(state, payload);
      pending.push({ unit, output: clone ? structuredClone(output) : output });
    }
    if (pending.length === 0) break;
    const pick = inline.order === 'shuffled' ? Math.floor(nextRandom() * pending.length) : 0;
    const [{ unit, output }] = pending.splice(pick, 1);
    execution.accept(unit, output, 1);
    unitsRun++;
    progress.push(execution.progress());
    checkpoint = applyCheckpoint(checkpoint, execution.checkpoint());
    if (execution.finished()) break;
    if (inline.stopAfter !== undefined && unitsRun >= inline.stopAfter) {
      return { checkpoint, unitsRun, progress, execution };
    }
  }
  if (!execution.finished()) throw new Error(`the job ran out of units after ${unitsRun} without finishing`);
  return { result: execution.result(), checkpoint, unitsRun, progress, execution };
}

/** A JobEnvironment without datasets (inline inputs only), or with the given reader/catalogue. */
export function inlineEnvironment(overrides: Partial<JobEnvironment> = {}): JobEnvironment {
  const none = (id: string): never => {
    throw new Error(`no dataset ${id} in this test`);
  };
  return {
    datasets: { readMatrix: none, readVector: none, readLabels: none },
    catalogue: { getDataset: () => undefined },
    totalMemory: 16 * 1024 ** 3,
    threads: 2,
    ...overrides,
  };
}
