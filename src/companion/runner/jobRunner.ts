/**
 * Runs the companion's jobs: a bounded queue in front of the worker pool, with everything a job
 * goes through written to the store as it happens, so that a crash or a kill loses at most the
 * work since the last checkpoint (about a second) and never a finished result.
 *
 * Life of a job: submit validates the request synchronously (a bad one is refused before anything
 * is stored) and stores it 'queued' with its validated options (a seed drawn for the run is part
 * of them, so a resume repeats the same run). Up to `maxConcurrent` jobs run at once; each
 * re-validates its stored request, builds its Execution (restoring a checkpoint if any) and keeps
 * its units flowing to the pool. Outputs are merged as they come; progress is published at most
 * every `progressIntervalMs` and a checkpoint written at most every `checkpointIntervalMs`. The
 * job ends 'done' (result and end of checkpoint in one transaction), 'failed' (with the field to
 * blame when the input was at fault), or 'cancelled'. A process that stops gracefully checkpoints
 * its running jobs and marks them 'interrupted'; one that was killed has them marked so at the
 * next start. Either way POST /v1/jobs/{id}/resume continues from the checkpoint.
 */
import { EventEmitter } from 'node:events';
import { EngineInputError } from '../../engine/errors';
import { ENGINE_VERSION } from '../../engine/version';
import { JOB_DEFINITIONS } from '../jobs/definitions';
import { asJobInputError, JobInputError, JobStateError } from '../jobs/errors';
import type { Execution, JobEnvironment, JobType, WorkUnit } from '../jobs/types';
import { DEFAULT_MAX_CONCURRENT_JOBS, MAX_QUEUED_JOBS } from '../limits';
import type { JobError, JobRecord, JobState, JobSummary, Store } from '../store/store';
import { FINAL_STATES } from '../store/store';
import { TaskCancelled, type TaskResult, type UnitPool } from './pool';
import { GpuError, type GpuContext } from '../../gpu/context';
import { GPU_JOBS, type GpuJob } from '../gpu/gpuJobs';
import type { WebGpuBackend } from '../gpu/webgpuBackend';

export interface RunnerOptions {
  readonly store: Store;
  readonly pool: UnitPool;
  readonly env: JobEnvironment;
  /** Name of the CPU backend the results report ('cpu'). */
  readonly backend: string;
  /**
   * The GPU, when the companion runs with the WebGPU backend: jobs with a kernel send their units
   * there in batches and fall back to the worker threads when it fails.
   */
  readonly webgpu?: WebGpuBackend;
  /** The GPU half of each job type (gpuJobs.ts); injectable so that tests can make it fail. */
  readonly gpuJobs?: Readonly<Record<string, GpuJob<any>>>;
  /** Seconds one GPU batch should take: batches grow and shrink towards it (cancel latency). */
  readonly gpuBatchSeconds?: number;
  readonly maxConcurrent?: number;
  readonly maxQueued?: number;
  readonly checkpointIntervalMs?: number;
  readonly progressIntervalMs?: number;
  /** How long a thread busy with a cancelled job's unit may finish it before it is replaced. */
  readonly cancelGraceMs?: number;
}

/** What GET /v1/jobs/{id} and the events report about a job besides its stored record. */
export interface LiveStatus {
  /** Seconds left at the current rate; absent until the rate can be judged. */
  etaSeconds?: number;
  /** Units merged in this run. */
  units?: number;
}

export type JobStatus = JobRecord & LiveStatus;

export interface JobEvent {
  /** 'progress' while the job is queued or running; 'end' once, when it ends or is interrupted. */
  readonly type: 'progress' | 'end';
  readonly job: JobSummary & LiveStatus;
}

/** Refused because the queue is full: the server answers 429. */
export class QueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`the queue already holds ${limit} jobs waiting to run (the limit); wait for some to finish or cancel some`);
    this.name = 'QueueFullError';
  }
}

/** A job's units going to the GPU. */
interface GpuRun {
  readonly job: GpuJob<any>;
  readonly state: unknown;
  /** Units per batch now; adapted towards gpuBatchSeconds, halved after an out-of-memory error. */
  batch: number;
  readonly maxBatch: number;
  /** Batches submitted and not yet back: two, so that the GPU computes while we merge. */
  batchesInFlight: number;
}

interface ActiveJob {
  readonly id: string;
  readonly type: JobType;
  readonly execution: Execution;
  /** Set while the job's units go to the GPU; cleared when it falls back to the threads. */
  gpu?: GpuRun;
  /** Units handed out that must run again (after a GPU failure), before any new one. */
  readonly retry: WorkUnit[];
  /** Where merged units ran. */
  readonly ranOn: Set<string>;
  /** Why (part of) the job did not run on the GPU, for the result. */
  readonly backendNotes: string[];
  readonly startedAt: number;
  readonly startProgress: number;
  inFlight: number;
  units: number;
  /** Set when the job must dispatch nothing more: ended, cancelled or interrupted. */
  stopped: boolean;
  lastCheckpoint: number;
  lastProgress: number;
  resumed: boolean;
}

export class JobRunner {
  private readonly store: Store;
  private readonly pool: UnitPool;
  private readonly env: JobEnvironment;
  private readonly backend: string;
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private readonly checkpointIntervalMs: number;
  private readonly progressIntervalMs: number;
  private readonly cancelGraceMs: number;
  private readonly webgpu: WebGpuBackend | undefined;
  private readonly gpuJobs: Readonly<Record<string, GpuJob<any>>>;
  private readonly gpuBatchMs: number;
  private readonly events = new EventEmitter();
  private readonly queue: string[] = [];
  private readonly active = new Map<string, ActiveJob>();
  private stopping = false;

  constructor(options: RunnerOptions) {
    this.store = options.store;
    this.pool = options.pool;
    this.env = options.env;
    this.backend = options.backend;
    this.maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_JOBS;
    this.maxQueued = options.maxQueued ?? MAX_QUEUED_JOBS;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 1000;
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
    this.cancelGraceMs = options.cancelGraceMs ?? 500;
    this.webgpu = options.webgpu;
    this.gpuJobs = options.gpuJobs ?? GPU_JOBS;
    this.gpuBatchMs = 1000 * (options.gpuBatchSeconds ?? 0.25);
    // Every SSE client subscribes; hundreds of listeners on one emitter are expected.
    this.events.setMaxListeners(0);
  }

  /**
   * Takes over the store after a start: jobs left 'running' by a process that died become
   * 'interrupted' (returned), and jobs still 'queued' are queued again in their order.
   */
  start(): { interrupted: string[]; queued: number } {
    const interrupted = this.store.markRunningInterrupted();
    this.queue.push(...this.store.jobIdsInState('queued'));
    this.pump();
    return { interrupted, queued: this.queue.length };
  }

  /** Validates and queues a job; throws JobInputError (400) or QueueFullError (429). */
  submit(type: JobType, input: unknown, options: unknown): JobStatus {
    const definition = JOB_DEFINITIONS[type];
    if (!definition) throw new JobInputError('type', `type: unknown job type "${String(type)}"`);
    if (this.queue.length >= this.maxQueued) throw new QueueFullError(this.maxQueued);
    const validated = definition.validate(input, options, this.env);
    const job = this.store.createJob(type, input, validated.options);
    this.queue.push(job.id);
    this.publish(job.id, 'progress');
    this.pump();
    return this.status(job.id, { input: false })!;
  }

  /** The stored record and what is known live; undefined for an unknown id. */
  status(id: string, bodies: { input?: boolean; result?: boolean } = {}): JobStatus | undefined {
    const job = this.store.getJob(id, bodies);
    return job && { ...job, ...this.live(id) };
  }

  list(filter: { state?: JobState; limit?: number } = {}): Array<JobSummary & LiveStatus> {
    return this.store.listJobs(filter).map((job) => ({ ...job, ...this.live(job.id) }));
  }

  /**
   * Cancels a job that has not ended: a queued or interrupted one at once, a running one by
   * dropping its queued units and stopping the threads on it (within cancelGraceMs). Cancelling a
   * job that already ended is refused (409), so a late cancel cannot hide a result.
   */
  cancel(id: string): JobStatus {
    const job = this.store.getJob(id, { input: false, result: false });
    if (!job) throw new JobStateError('not-found', `no job with id "${id}"`);
    if (FINAL_STATES.includes(job.state)) throw new JobStateError('conflict', `job ${id} already ended (${job.state}); only a queued, running or interrupted job can be cancelled`);
    const active = this.active.get(id);
    if (active) this.stopActive(active);
    const index = this.queue.indexOf(id);
    if (index >= 0) this.queue.splice(index, 1);
    this.store.finishJob(id, { state: 'cancelled' });
    this.publish(id, 'end');
    this.pump();
    return this.status(id, { input: false })!;
  }

  /** Queues an interrupted job again; it continues from its last checkpoint. */
  resume(id: string): JobStatus {
    const job = this.store.getJob(id, { input: false, result: false });
    if (!job) throw new JobStateError('not-found', `no job with id "${id}"`);
    if (job.state !== 'interrupted') throw new JobStateError('conflict', `job ${id} is ${job.state}; only an interrupted job can be resumed`);
    if (this.queue.length >= this.maxQueued) throw new QueueFullError(this.maxQueued);
    this.store.requeue(id);
    this.queue.push(id);
    this.publish(id, 'progress');
    this.pump();
    return this.status(id, { input: false })!;
  }

  /** Listens to one job's events; returns the function that stops listening. */
  subscribe(id: string, listener: (event: JobEvent) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  counts(): { running: number; queued: number } {
    return { running: this.active.size, queued: this.queue.length };
  }

  /**
   * Graceful stop: nothing new starts, each running job writes its checkpoint and becomes
   * 'interrupted' (queued jobs stay queued for the next start), then the threads stop.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const job of [...this.active.values()]) {
      this.saveCheckpoint(job);
      this.stopActive(job);
      this.store.markInterrupted(job.id);
      this.publish(job.id, 'end');
    }
    await this.pool.close(0);
  }

  // ---- running ----

  private live(id: string): LiveStatus {
    const job = this.active.get(id);
    if (!job) return {};
    const progress = job.execution.progress();
    const elapsed = (Date.now() - job.startedAt) / 1000;
    const done = progress - job.startProgress;
    // A rate from less than half a second or 1 % of the work says little.
    const eta = elapsed >= 0.5 && done >= 0.01 ? (elapsed * (1 - progress)) / done : undefined;
    return eta === undefined ? { units: job.units } : { units: job.units, etaSeconds: Math.round(eta * 10) / 10 };
  }

  private pump(): void {
    while (!this.stopping && this.active.size < this.maxConcurrent && this.queue.length > 0) {
      this.begin(this.queue.shift()!);
    }
  }

  private begin(id: string): void {
    if (!this.store.markRunning(id)) return; // cancelled meanwhile
    const record = this.store.getJob(id, { result: false })!;
    const gpuJob = this.webgpu ? this.gpuJobs[record.type] : undefined;
    const gpu = gpuJob && this.webgpu!.context();
    const backendNotes: string[] = [];
    if (gpuJob && !gpu) backendNotes.push(`the GPU was unavailable (${this.webgpu!.unavailable}); the job ran on the CPU threads`);
    let execution: Execution;
    try {
      const definition = JOB_DEFINITIONS[record.type];
      const env = gpu ? { ...this.env, batchUnits: MAX_GPU_UNITS_AHEAD } : this.env;
      const { value } = definition.validate(record.input, record.options, env);
      execution = definition.start(value, env, this.store.loadCheckpoint(id));
    } catch (error) {
      this.fail(id, error);
      return;
    }
    const now = Date.now();
    const job: ActiveJob = {
      id,
      type: record.type,
      execution,
      gpu: gpu ? this.gpuRun(gpuJob!, gpu, execution, backendNotes) : undefined,
      retry: [],
      ranOn: new Set(),
      backendNotes,
      startedAt: now,
      startProgress: execution.progress(),
      inFlight: 0,
      units: 0,
      stopped: false,
      lastCheckpoint: now,
      lastProgress: 0,
      resumed: record.progress > 0 || execution.progress() > 0,
    };
    this.active.set(id, job);
    this.store.setProgress(id, execution.progress());
    this.publish(id, 'progress');
    if (execution.finished()) return this.complete(job); // everything was in the checkpoint
    this.dispatch(job);
  }

  /** The job's GPU state, or undefined (and a note why) when its input has no kernel. */
  private gpuRun(gpuJob: GpuJob<any>, context: GpuContext, execution: Execution, notes: string[]): GpuRun | undefined {
    const cpuOnly = gpuJob.cpuOnly?.(execution.context);
    if (cpuOnly !== undefined) {
      notes.push(`${cpuOnly}; the job ran on the CPU threads`);
      return undefined;
    }
    let state: unknown;
    try {
      state = gpuJob.setup(context, execution.context);
    } catch (error) {
      notes.push(`the GPU could not take the job (${messageOf(error)}); it ran on the CPU threads`);
      return undefined;
    }
    if (state === undefined) {
      notes.push('this game has no GPU kernel; the job ran on the CPU threads');
      return undefined;
    }
    const maxBatch = Math.max(1, Math.min(gpuJob.maxBatch(state), MAX_GPU_UNITS_AHEAD));
    return { job: gpuJob, state, batch: Math.min(FIRST_GPU_BATCH, maxBatch), maxBatch, batchesInFlight: 0 };
  }

  /** The next unit to run: one to run again first, else a new one; undefined when none is due. */
  private takeUnit(job: ActiveJob): WorkUnit | undefined {
    return job.retry.shift() ?? job.execution.next();
  }

  /**
   * Keeps one unit per thread in flight, plus one so that a thread finishing a unit finds the next
   * one already queued while the main thread merges; or, on the GPU, two batches.
   */
  private dispatch(job: ActiveJob): void {
    if (job.gpu) return this.dispatchGpu(job, job.gpu);
    const limit = this.pool.size + 1;
    while (!job.stopped && job.inFlight < limit) {
      let unit: WorkUnit | undefined;
      try {
        unit = this.takeUnit(job);
      } catch (error) {
        return this.failActive(job, error);
      }
      if (!unit) break;
      const dispatched = unit;
      job.inFlight++;
      this.pool.run(job.id, job.execution.context, unit.payload).then(
        (result) => this.onUnit(job, dispatched, result),
        (error: Error) => this.onUnitError(job, error),
      );
    }
    if (!job.stopped && job.inFlight === 0 && !job.execution.finished()) {
      this.failActive(job, new Error(`the ${job.type} job has no more work to hand out but has not finished (a bug; please report it)`));
    }
  }

  private dispatchGpu(job: ActiveJob, run: GpuRun): void {
    while (!job.stopped && run.batchesInFlight < 2) {
      const units: WorkUnit[] = [];
      try {
        for (let unit = this.takeUnit(job); unit; unit = units.length < run.batch ? this.takeUnit(job) : undefined) units.push(unit);
      } catch (error) {
        return this.failActive(job, error);
      }
      if (units.length === 0) break;
      run.batchesInFlight++;
      job.inFlight += units.length;
      const started = performance.now();
      run.job.run(run.state, units.map((unit) => unit.payload)).then(
        (outputs) => this.onGpuBatch(job, run, units, outputs, performance.now() - started),
        (error: unknown) => this.onGpuError(job, run, units, error),
      );
    }
    if (!job.stopped && job.inFlight === 0 && !job.execution.finished()) {
      this.failActive(job, new Error(`the ${job.type} job has no more work to hand out but has not finished (a bug; please report it)`));
    }
  }

  private onGpuBatch(job: ActiveJob, run: GpuRun, units: WorkUnit[], outputs: unknown[], elapsedMs: number): void {
    run.batchesInFlight--;
    job.inFlight -= units.length;
    if (job.stopped) return;
    // Full batches that came back fast grow; slow ones shrink, so that cancel stays prompt.
    if (elapsedMs < this.gpuBatchMs / 2 && units.length === run.batch) run.batch = Math.min(run.maxBatch, run.batch * 2);
    else if (elapsedMs > this.gpuBatchMs * 2 && run.batch > 1) run.batch = Math.max(1, Math.floor(run.batch / 2));
    job.ranOn.add('webgpu');
    for (let k = 0; k < units.length; k++) {
      try {
        job.execution.accept(units[k], outputs[k], elapsedMs / units.length);
      } catch (error) {
        return this.failActive(job, error);
      }
      job.units++;
    }
    this.afterMerge(job);
  }

  /**
   * A failed batch is never lost: after an out-of-memory error its units go again in smaller
   * batches; after any other failure (device lost, a driver error) the job continues on the CPU
   * threads from those units on. Either way the reason goes into the result.
   */
  private onGpuError(job: ActiveJob, run: GpuRun, units: WorkUnit[], error: unknown): void {
    run.batchesInFlight--;
    job.inFlight -= units.length;
    if (job.stopped) return;
    job.retry.unshift(...units);
    job.retry.sort((a, b) => a.index - b.index);
    const memory = error instanceof GpuError && (error.kind === 'out-of-memory' || error.kind === 'too-large');
    if (memory && units.length > 1) {
      run.batch = Math.max(1, Math.floor(units.length / 2));
      job.backendNotes.push(`a GPU batch of ${units.length} units failed (${messageOf(error)}); retried in batches of ${run.batch}`);
    } else if (job.gpu === run) {
      job.gpu = undefined;
      job.backendNotes.push(`the GPU failed (${messageOf(error)}); the rest of the job ran on the CPU threads`);
      this.disposeGpu(run);
    }
    if (run.batchesInFlight === 0 || job.gpu !== run) this.dispatch(job);
  }

  private disposeGpu(run: GpuRun): void {
    try {
      run.job.dispose(run.state);
    } catch {
      // A lost device may refuse to free what it no longer has.
    }
  }

  private onUnit(job: ActiveJob, unit: WorkUnit, result: TaskResult): void {
    job.inFlight--;
    if (job.stopped) return;
    try {
      job.execution.accept(unit, result.output, result.elapsedMs);
    } catch (error) {
      return this.failActive(job, error);
    }
    job.units++;
    job.ranOn.add(this.backend);
    this.afterMerge(job);
  }

  private afterMerge(job: ActiveJob): void {
    if (job.execution.finished()) return this.complete(job);
    const now = Date.now();
    if (now - job.lastCheckpoint >= this.checkpointIntervalMs) this.saveCheckpoint(job);
    if (now - job.lastProgress >= this.progressIntervalMs) {
      job.lastProgress = now;
      this.store.setProgress(job.id, job.execution.progress());
      this.publish(job.id, 'progress');
    }
    this.dispatch(job);
  }

  private onUnitError(job: ActiveJob, error: Error): void {
    job.inFlight--;
    if (job.stopped || error instanceof TaskCancelled) return;
    this.failActive(job, error);
  }

  private saveCheckpoint(job: ActiveJob): void {
    job.lastCheckpoint = Date.now();
    const write = job.execution.checkpoint();
    if (write) this.store.saveCheckpoint(job.id, write);
  }

  private complete(job: ActiveJob): void {
    let result: Record<string, unknown>;
    try {
      const onGpu = job.ranOn.has('webgpu');
      const cluster = this.pool.describe?.(job.id);
      result = {
        ...job.execution.result(),
        backend: onGpu && job.ranOn.has(this.backend) ? `webgpu+${this.backend}` : onGpu ? 'webgpu' : this.backend,
        ...(onGpu ? { device: this.webgpu?.adapter?.name } : {}),
        ...(job.backendNotes.length > 0 ? { backendNotes: job.backendNotes } : {}),
        ...(cluster ? { cluster } : {}),
        threads: this.pool.size,
        engineVersion: ENGINE_VERSION,
        elapsedMs: Date.now() - job.startedAt,
        resumed: job.resumed,
      };
    } catch (error) {
      return this.failActive(job, error);
    }
    // Units dispatched past the end (sampling that met its target) are not needed.
    this.stopActive(job);
    this.store.finishJob(job.id, { state: 'done', result });
    this.publish(job.id, 'end');
    this.pump();
  }

  private failActive(job: ActiveJob, error: unknown): void {
    this.stopActive(job);
    this.fail(job.id, error);
  }

  private fail(id: string, error: unknown): void {
    this.store.finishJob(id, { state: 'failed', error: describeFailure(error) });
    this.publish(id, 'end');
    this.pump();
  }

  private stopActive(job: ActiveJob): void {
    if (job.stopped) return;
    job.stopped = true;
    if (job.gpu) this.disposeGpu(job.gpu);
    this.active.delete(job.id);
    this.pool.cancel(job.id, this.cancelGraceMs);
    this.pool.release(job.id);
  }

  private publish(id: string, type: JobEvent['type']): void {
    if (this.events.listenerCount(id) === 0) return;
    const job = this.store.getJob(id, { input: false, result: false });
    if (!job) return;
    this.events.emit(id, { type, job: { ...job, ...this.live(id) } } satisfies JobEvent);
  }
}

/** Units handed out ahead of the merged prefix at most for a GPU job (sampling blocks). */
const MAX_GPU_UNITS_AHEAD = 2 ** 17;

/** The first GPU batch is small: its time tells how large the next ones should be. */
const FIRST_GPU_BATCH = 8;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A job's error as stored: the field to blame when the input was at fault, else the message. */
export function describeFailure(error: unknown): JobError {
  const input = asJobInputError(error, 'input');
  if (input) return input.index === undefined ? { message: input.message, field: input.field } : { message: input.message, field: input.field, index: input.index };
  if (error instanceof EngineInputError) return { message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
