/*
 * The companion's units on a cluster: the same interface as the local thread pool
 * (runner/pool.ts), each unit queued as a BullMQ job on Redis for any `partage worker` to take.
 * The runner above is unchanged — it cuts jobs into the units it already uses and merges their
 * outputs in its own order — so a job's numbers are the same, bit for bit, as on one machine.
 *
 * A unit's job carries the job id, its kind, the engine version, the reference of its context
 * in the shared directory (contextFiles.ts) and its payload; never a dataset, never the
 * companion's token. A worker that stops mid-unit loses nothing: BullMQ's stalled-job check
 * hands the unit to another worker (`attempts` bounds the retries of a unit that keeps failing,
 * whose last error then fails the job).
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { ENGINE_VERSION } from '../engine/version';
import { deserialiseError, TaskCancelled, WorkerCrashed, type SerialisedError, type TaskResult } from '../companion/runner/pool';
import { decodeValue, encodeValue } from './codec';
import { ContextFiles, type ContextRef } from './contextFiles';

export const UNIT_QUEUE = 'partage-units';
/** Redis pub/sub channel of cancelled jobs (the message is the job id). */
export const CANCEL_CHANNEL = 'partage:cancel';
/** Redis hash of the workers' heartbeats, by name. */
export const WORKERS_KEY = 'partage:workers';

export interface WorkerInfo {
  name: string;
  backend: string;
  device: string;
  threads: number;
  unitsDone: number;
  /** ISO time of the last heartbeat (every 2 s). */
  lastSeen: string;
  engineVersion: string;
}

interface Pending {
  key: string;
  jobId: string;
  resolve: (r: TaskResult) => void;
  reject: (e: Error) => void;
}

export interface UnitJobData {
  /** The companion's job id. */
  key: string;
  kind: string;
  version: string;
  context: ContextRef;
  payload: string;
}

export interface UnitJobResult {
  output?: string;
  elapsedMs: number;
  worker: string;
  error?: SerialisedError;
}

export interface ClusterPoolOptions {
  connection: ConnectionOptions;
  /** The directory the coordinator writes contexts to; workers read the same files. */
  sharedDir: string;
  /** Units kept in flight per job (the runner dispatches up to size + 1). */
  size: number;
  /** Tries of a unit before its job fails (a worker that dies mid-unit costs one). */
  attempts?: number;
}

export class ClusterPool {
  readonly size: number;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly files: ContextFiles;
  /** For the cancels it publishes and the workers' heartbeats it reads. */
  private readonly redis: IORedis;
  private readonly contexts = new Map<string, ContextRef>();
  /** By BullMQ job id: the units waiting for their worker's answer. */
  private readonly waiting = new Map<string, Pending>();
  private nextUnit = 1;
  /**
   * Unit job ids are `<job>.<run>.<n>`: a coordinator restarted on the same job must not take an
   * answer meant for its predecessor's unit of the same number.
   */
  private readonly run_ = randomUUID().slice(0, 8);
  private readonly attempts: number;
  private closed = false;

  constructor(options: ClusterPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`a cluster pool needs a size of at least 1, got ${options.size}`);
    this.size = options.size;
    this.attempts = options.attempts ?? 3;
    this.queue = new Queue(UNIT_QUEUE, { connection: options.connection });
    this.events = new QueueEvents(UNIT_QUEUE, { connection: options.connection });
    this.files = new ContextFiles(options.sharedDir);
    this.redis = new IORedis(options.connection as RedisOptions);
    // Answers by event, not by reading the finished job back: a job removed on completion
    // cannot be read, and one listener serves every unit in flight.
    this.events.on('completed', ({ jobId, returnvalue }) => {
      const entry = this.waiting.get(jobId);
      if (entry === undefined) return;
      this.finish(entry);
      const result = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as UnitJobResult;
      if (result.error) entry.reject(deserialiseError(result.error));
      else entry.resolve({ output: decodeValue(result.output!), elapsedMs: result.elapsedMs });
    });
    this.events.on('failed', ({ jobId, failedReason }) => {
      const entry = this.waiting.get(jobId);
      if (entry === undefined) return;
      // A retry is announced as failed too; only the last attempt's failure fails the unit.
      void this.queue.getJob(jobId).then((job) => {
        if (job && job.attemptsMade < (job.opts.attempts ?? 1) && !job.finishedOn) return;
        this.finish(entry);
        entry.reject(new WorkerCrashed(`a unit of job ${entry.key} failed on the cluster: ${failedReason}`));
      });
    });
  }

  private finish(entry: Pending): void {
    this.waiting.delete(entry.jobId);
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  run(key: string, context: unknown, payload: unknown): Promise<TaskResult> {
    if (this.closed) return Promise.reject(new WorkerCrashed('the cluster pool is closed'));
    let ref = this.contexts.get(key);
    if (ref === undefined) {
      ref = this.files.put(context);
      this.contexts.set(key, ref);
    }
    const kind = typeof (context as { kind?: unknown })?.kind === 'string' ? (context as { kind: string }).kind : 'unknown';
    const data: UnitJobData = { key, kind, version: ENGINE_VERSION, context: ref, payload: encodeValue(payload) };
    return new Promise<TaskResult>((resolve, reject) => {
      const entry: Pending = { key, jobId: `${key}.${this.run_}.${this.nextUnit++}`, resolve, reject };
      this.waiting.set(entry.jobId, entry);
      this.queue.add('unit', data, { jobId: entry.jobId, attempts: this.attempts, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: true, removeOnFail: 1000 }).catch((error: unknown) => {
        if (!this.waiting.has(entry.jobId)) return;
        this.finish(entry);
        reject(new WorkerCrashed(`the unit of job ${key} could not be queued: ${error instanceof Error ? error.message : String(error)}`));
      });
    });
  }

  /** The workers that sent a heartbeat, with when. */
  async workers(): Promise<WorkerInfo[]> {
    const all = (await this.redis.hgetall(WORKERS_KEY)) ?? {};
    return Object.values(all)
      .map((text) => JSON.parse(text) as WorkerInfo)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Units of `key` not yet taken are removed; those running are stopped on their workers (published on CANCEL_CHANNEL). */
  cancel(key: string, _graceMs: number): void {
    for (const entry of [...this.waiting.values()].filter((e) => e.key === key)) {
      this.finish(entry);
      entry.reject(new TaskCancelled());
      void this.queue.remove(entry.jobId).catch(() => undefined);
    }
    void this.redis.publish(CANCEL_CHANNEL, key).catch(() => undefined);
  }

  release(key: string): void {
    this.contexts.delete(key);
  }

  async close(_graceMs = 0): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const key of new Set([...this.waiting.values()].map((e) => e.key))) this.cancel(key, 0);
    await Promise.all([this.queue.close(), this.events.close()]);
    this.redis.disconnect();
  }
}

