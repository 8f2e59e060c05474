/*
 * The companion's units on a cluster: the same interface as the local thread pool
 * (runner/pool.ts), each unit queued as a BullMQ job on Redis for any `partage worker` to take.
 * The runner above is unchanged — it cuts jobs into the units it already uses and merges their
 * outputs in its own order — so a job's numbers are the same, bit for bit, as on one machine.
 *
 * A unit's job carries the job id, its kind, the engine version, the reference of its context
 * in the shared directory (contextFiles.ts) and its payload; never a dataset, never the
 * companion's token. What can go wrong, and what happens then:
 * - a worker stops mid-unit: BullMQ's stalled-job check hands the unit to another worker
 *   (`attempts` bounds the retries of a unit that keeps failing, whose last error fails the job);
 * - an answer is not the one asked or is malformed (unitChecks.ts): it is thrown away and the
 *   unit runs again on another worker; `attempts` such answers fail the job;
 * - a worker computes wrong numbers of the right shape: with `verifyFraction`, that share of the
 *   units, drawn at random, runs again on another worker of the same backend and the two answers
 *   are compared bit for bit; on a disagreement a third worker decides, the odd one is named in
 *   the job's result, and without a majority the job fails;
 * - an event is missed, or Redis restarts and loses its queue: every unit still awaited is looked
 *   up every few seconds; a finished one is read back, a vanished one queued again (the result
 *   is the same whichever run computes it).
 */
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { ENGINE_VERSION } from '../engine/version';
import { deserialiseError, TaskCancelled, WorkerCrashed, type SerialisedError, type TaskResult } from '../companion/runner/pool';
import { decodeValue, encodeValue } from './codec';
import { ContextFiles, type ContextRef } from './contextFiles';
import { digestOfText, echoProblem, outputProblem, seedOfContext, type UnitEcho } from './unitChecks';

export const UNIT_QUEUE = 'partage-units';
/** Redis pub/sub channel of cancelled jobs (the message is the job id). */
export const CANCEL_CHANNEL = 'partage:cancel';
/** Redis hash of the workers' heartbeats, by name. */
export const WORKERS_KEY = 'partage:workers';
/** Workers send a heartbeat this often; one silent for three beats is not counted on. */
export const HEARTBEAT_MS = 2000;
const ALIVE_MS = 3 * HEARTBEAT_MS + 1000;
/**
 * A unit awaited is first looked up after 3 s, then less and less often (up to every 30 s): with
 * thousands of units in flight, most of them simply waiting their turn, the look-ups must not
 * load Redis. When the connection comes back after a loss, every unit is looked up at once.
 */
const FIRST_LOOK_MS = 3000;
const LONGEST_LOOK_MS = 30_000;

export interface WorkerInfo {
  name: string;
  /** 'cpu' or 'webgpu'. */
  backend: string;
  device: string;
  threads: number;
  unitsDone: number;
  /** ISO time of the last heartbeat (every 2 s). */
  lastSeen: string;
  engineVersion: string;
}

export interface UnitJobData {
  /** The companion's job id. */
  key: string;
  kind: string;
  version: string;
  context: ContextRef;
  payload: string;
  /** A re-run for the check: workers that must not take it (they gave the answers it checks). */
  avoid?: string[];
  /** A re-run for the check: the backend whose answer it checks (bit for bit needs the same one). */
  backend?: string;
}

export interface UnitJobResult {
  output?: string;
  elapsedMs: number;
  worker: string;
  backend?: string;
  echo?: UnitEcho;
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
  /** Share of the units (0–1), drawn at random, run again on another worker and compared. */
  verifyFraction?: number;
  /** How long a re-run waits for another worker before the unit is taken unchecked. */
  checkTimeoutMs?: number;
  /** How often the look-ups run (each unit's own interval grows from 3 s to 30 s). */
  lookupIntervalMs?: number;
  log?: (line: string) => void;
  /** Random numbers for the draw of the units to check (tests make it certain). */
  random?: () => number;
}

interface Answer {
  worker: string;
  backend: string;
  output: string;
  elapsedMs: number;
}

/** One unit the runner awaits, through its first run, its re-runs and any rejected answers. */
interface Unit {
  readonly key: string;
  readonly kind: string;
  readonly base: string;
  readonly data: UnitJobData;
  readonly echo: Omit<UnitEcho, 'unit'>;
  readonly resolve: (r: TaskResult) => void;
  readonly reject: (e: Error) => void;
  /** The BullMQ job of the run awaited now, and when it was queued. */
  jobId: string;
  queuedAt: number;
  lookedAt: number;
  lookEvery: number;
  runs: number;
  /** Answers that passed the checks, one per worker. */
  readonly answers: Answer[];
  rejected: number;
  /** Workers whose answer was rejected or outvoted: never asked again for this unit. */
  readonly shunned: Set<string>;
  checking: boolean;
}

/** What a job's result says of the cluster that ran it. */
interface JobStats {
  readonly units: Map<string, { backend: string; units: number }>;
  checked: number;
  unchecked: number;
  readonly notes: string[];
}

export class ClusterPool {
  readonly size: number;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly files: ContextFiles;
  /** For the cancels it publishes and the workers' heartbeats it reads. */
  private readonly redis: IORedis;
  private readonly contexts = new Map<string, ContextRef>();
  /** By BullMQ job id: the units waiting for a worker's answer. */
  private readonly waiting = new Map<string, Unit>();
  private readonly stats = new Map<string, JobStats>();
  private nextUnit = 1;
  /**
   * Unit job ids are `<job>.<run>.<n>`: a coordinator restarted on the same job must not take an
   * answer meant for its predecessor's unit of the same number.
   */
  private readonly run_ = randomUUID().slice(0, 8);
  private readonly attempts: number;
  private readonly verifyFraction: number;
  private readonly checkTimeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly random: () => number;
  private readonly lookups: NodeJS.Timeout;
  private alive: WorkerInfo[] = [];
  private looking = false;
  private closed = false;

  constructor(options: ClusterPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`a cluster pool needs a size of at least 1, got ${options.size}`);
    const fraction = options.verifyFraction ?? 0;
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`the share of units to check must be from 0 to 1, got ${fraction}`);
    this.size = options.size;
    this.attempts = options.attempts ?? 3;
    this.verifyFraction = fraction;
    this.checkTimeoutMs = options.checkTimeoutMs ?? 60_000;
    this.log = options.log ?? (() => undefined);
    this.random = options.random ?? Math.random;
    this.queue = new Queue(UNIT_QUEUE, { connection: options.connection });
    this.events = new QueueEvents(UNIT_QUEUE, { connection: options.connection });
    this.files = new ContextFiles(options.sharedDir);
    this.redis = new IORedis(options.connection as RedisOptions);
    // Errors while Redis is away are retried by ioredis; they must not crash the companion.
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => {
      for (const unit of this.waiting.values()) unit.lookEvery = 0;
    });
    this.events.on('completed', ({ jobId, returnvalue }) => {
      const unit = this.take(jobId);
      if (unit) this.onAnswer(unit, (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as UnitJobResult);
    });
    this.events.on('failed', ({ jobId, failedReason }) => {
      if (!this.waiting.has(jobId)) return;
      // A retry is announced as failed too; only the last attempt's failure fails the unit.
      void this.queue.getJob(jobId).then((job) => {
        if (job && job.attemptsMade < (job.opts.attempts ?? 1) && !job.finishedOn) return;
        const unit = this.take(jobId);
        if (unit) unit.reject(new WorkerCrashed(`a unit of job ${unit.key} failed on the cluster: ${failedReason}`));
      }, () => undefined);
    });
    this.lookups = setInterval(() => void this.lookUp().catch(() => undefined), options.lookupIntervalMs ?? 2000);
    this.lookups.unref();
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    await this.refreshWorkers();
  }

  run(key: string, context: unknown, payload: unknown): Promise<TaskResult> {
    if (this.closed) return Promise.reject(new WorkerCrashed('the cluster pool is closed'));
    let ref = this.contexts.get(key);
    if (ref === undefined) {
      ref = this.files.put(context);
      this.contexts.set(key, ref);
      this.stats.set(key, { units: new Map(), checked: 0, unchecked: 0, notes: [] });
    }
    const kind = typeof (context as { kind?: unknown })?.kind === 'string' ? (context as { kind: string }).kind : 'unknown';
    const data: UnitJobData = { key, kind, version: ENGINE_VERSION, context: ref, payload: encodeValue(payload) };
    const echo = { payloadDigest: digestOfText(data.payload), contextDigest: ref.digest, seed: seedOfContext(context) };
    return new Promise<TaskResult>((resolve, reject) => {
      const base = `${key}.${this.run_}.${this.nextUnit++}`;
      const unit: Unit = { key, kind, base, data, echo, resolve, reject, jobId: base, queuedAt: 0, lookedAt: 0, lookEvery: FIRST_LOOK_MS, runs: 0, answers: [], rejected: 0, shunned: new Set(), checking: false };
      this.enqueue(unit, {});
    });
  }

  /** Queues the unit's next run (the first, a re-run after a rejected answer, or a check). */
  private enqueue(unit: Unit, extra: Pick<UnitJobData, 'avoid' | 'backend'>): void {
    unit.jobId = unit.runs === 0 ? unit.base : `${unit.base}.r${unit.runs}`;
    unit.runs++;
    unit.queuedAt = unit.lookedAt = Date.now();
    unit.lookEvery = FIRST_LOOK_MS;
    this.waiting.set(unit.jobId, unit);
    this.add(unit, { ...unit.data, ...extra });
  }

  private add(unit: Unit, data: UnitJobData): void {
    const jobId = unit.jobId;
    // Kept an hour once done, so that an answer whose event was missed can be read back.
    this.queue.add('unit', data, { jobId, attempts: this.attempts, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } }).catch((error: unknown) => {
      // Redis away: the next look-up finds the unit missing and queues it again.
      if (this.waiting.get(jobId) === unit) this.log(`unit ${jobId} could not be queued yet (${error instanceof Error ? error.message : String(error)}); retrying`);
    });
  }

  /** The unit awaiting the answer of BullMQ job `jobId`, no longer awaited under it. */
  private take(jobId: string): Unit | undefined {
    const unit = this.waiting.get(jobId);
    if (unit !== undefined) this.waiting.delete(jobId);
    return unit;
  }

  private onAnswer(unit: Unit, result: UnitJobResult): void {
    if (result.error) return unit.reject(deserialiseError(result.error));
    const worker = result.worker ?? '(unnamed)';
    const stats = this.stats.get(unit.key);
    let problem = echoProblem({ unit: unit.jobId, ...unit.echo }, result.echo);
    if (problem === undefined) {
      try {
        problem = outputProblem(unit.kind, decodeValue(unit.data.payload), decodeValue(result.output ?? ''));
      } catch (error) {
        problem = `it cannot be read (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    if (problem !== undefined) {
      unit.rejected++;
      unit.shunned.add(worker);
      const note = `an answer of worker ${worker} to unit ${unit.base} was refused: ${problem}`;
      stats?.notes.push(note);
      this.log(note);
      if (unit.rejected >= this.attempts) return unit.reject(new WorkerCrashed(`unit ${unit.base} of job ${unit.key} got ${unit.rejected} answers that fail the checks; the last: ${note}`));
      return this.enqueue(unit, this.otherWorkers(unit, undefined).length > 0 ? { avoid: [...unit.shunned] } : {});
    }
    unit.answers.push({ worker, backend: result.backend ?? 'cpu', output: result.output!, elapsedMs: result.elapsedMs });
    this.decide(unit, stats);
  }

  /** Merges the unit's answer, or first asks another worker to check it. */
  private decide(unit: Unit, stats: JobStats | undefined): void {
    const [first, second, third] = unit.answers;
    if (second === undefined) {
      if (this.verifyFraction > 0 && this.random() < this.verifyFraction) {
        if (this.otherWorkers(unit, first.backend).length > 0) {
          unit.checking = true;
          return this.enqueue(unit, { avoid: [first.worker, ...unit.shunned], backend: first.backend });
        }
        if (stats) stats.unchecked++;
      }
      return this.accept(unit, first, stats);
    }
    if (third === undefined) {
      if (second.output === first.output) {
        if (stats) stats.checked++;
        return this.accept(unit, first, stats);
      }
      const note = `workers ${first.worker} and ${second.worker} gave different answers to unit ${unit.base}`;
      stats?.notes.push(note);
      this.log(note);
      if (this.otherWorkers(unit, first.backend).length === 0) return unit.reject(new WorkerCrashed(`${note}, and no third worker (${first.backend}) is there to decide`));
      return this.enqueue(unit, { avoid: [first.worker, second.worker, ...unit.shunned], backend: first.backend });
    }
    const majority = [first, second].find((answer) => answer.output === third.output);
    if (majority === undefined) return unit.reject(new WorkerCrashed(`workers ${first.worker}, ${second.worker} and ${third.worker} gave three different answers to unit ${unit.base} of job ${unit.key}`));
    const odd = [first, second].find((answer) => answer.output !== third.output)!;
    const note = `worker ${odd.worker} was outvoted on unit ${unit.base} (${majority.worker} and ${third.worker} agree): check that machine`;
    stats?.notes.push(note);
    this.log(note);
    if (stats) stats.checked++;
    this.accept(unit, majority, stats);
  }

  private accept(unit: Unit, answer: Answer, stats: JobStats | undefined): void {
    if (stats) {
      const count = stats.units.get(answer.worker) ?? { backend: answer.backend, units: 0 };
      count.units++;
      stats.units.set(answer.worker, count);
    }
    unit.resolve({ output: decodeValue(answer.output), elapsedMs: answer.elapsedMs });
  }

  /** Live workers that may take a run of `unit` (of `backend` when given). */
  private otherWorkers(unit: Unit, backend: string | undefined): WorkerInfo[] {
    const asked = new Set([...unit.answers.map((a) => a.worker), ...unit.shunned]);
    return this.alive.filter((w) => !asked.has(w.name) && (backend === undefined || w.backend === backend));
  }

  private async refreshWorkers(): Promise<void> {
    const now = Date.now();
    this.alive = (await this.workers()).filter((w) => now - Date.parse(w.lastSeen) < ALIVE_MS && w.engineVersion === ENGINE_VERSION);
  }

  /**
   * Every unit awaited for a while is looked up: an answer whose event was missed is read back,
   * a unit Redis no longer has (restarted without its data, or never queued) is queued again,
   * and a check no other worker took in time is given up (the first answer is merged, unchecked).
   */
  private async lookUp(): Promise<void> {
    if (this.closed || this.looking) return;
    this.looking = true;
    try {
      await this.lookUpUnits();
    } finally {
      this.looking = false;
    }
  }

  private async lookUpUnits(): Promise<void> {
    await this.refreshWorkers();
    const now = Date.now();
    for (const unit of [...this.waiting.values()]) {
      if (now - unit.lookedAt < unit.lookEvery) continue;
      unit.lookedAt = now;
      unit.lookEvery = Math.min(Math.max(FIRST_LOOK_MS, 2 * unit.lookEvery), LONGEST_LOOK_MS);
      const jobId = unit.jobId;
      const state = await this.queue.getJobState(jobId);
      if (this.waiting.get(jobId) !== unit) continue;
      if (state === 'completed') {
        const job = await this.queue.getJob(jobId);
        const taken = job && this.waiting.get(jobId) === unit ? this.take(jobId) : undefined;
        if (taken) this.onAnswer(taken, (typeof job!.returnvalue === 'string' ? JSON.parse(job!.returnvalue) : job!.returnvalue) as UnitJobResult);
      } else if (state === 'failed') {
        const job = await this.queue.getJob(jobId);
        if (job && job.finishedOn && job.attemptsMade >= (job.opts.attempts ?? 1) && this.take(jobId)) unit.reject(new WorkerCrashed(`a unit of job ${unit.key} failed on the cluster: ${job.failedReason}`));
      } else if (state === 'unknown') {
        this.log(`unit ${jobId} of job ${unit.key} is no longer in Redis; queued again`);
        unit.queuedAt = now;
        this.add(unit, unit.checking ? { ...unit.data, avoid: [...unit.answers.map((a) => a.worker), ...unit.shunned], backend: unit.answers[0]?.backend } : unit.data);
      } else if (unit.checking && unit.answers.length === 1 && now - unit.queuedAt > this.checkTimeoutMs && this.take(jobId)) {
        await this.queue.remove(jobId).catch(() => undefined);
        const stats = this.stats.get(unit.key);
        if (stats) {
          stats.unchecked++;
          stats.notes.push(`no other worker took the check of unit ${unit.base} within ${Math.round(this.checkTimeoutMs / 1000)} s; merged unchecked`);
        }
        this.accept(unit, unit.answers[0], stats);
      }
    }
  }

  /** The workers that sent a heartbeat, with when. */
  async workers(): Promise<WorkerInfo[]> {
    const all = (await this.redis.hgetall(WORKERS_KEY)) ?? {};
    return Object.values(all)
      .map((text) => JSON.parse(text) as WorkerInfo)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** What the job's result reports of the cluster: the workers that answered, the checks made. */
  describe(key: string): Record<string, unknown> | undefined {
    const stats = this.stats.get(key);
    if (stats === undefined) return undefined;
    return {
      workers: [...stats.units].map(([name, { backend, units }]) => ({ name, backend, units })).sort((a, b) => a.name.localeCompare(b.name)),
      verifyFraction: this.verifyFraction,
      unitsChecked: stats.checked,
      ...(stats.unchecked > 0 ? { unitsLeftUnchecked: stats.unchecked } : {}),
      ...(stats.notes.length > 0 ? { notes: stats.notes.slice(0, 50) } : {}),
    };
  }

  /** Units of `key` not yet taken are removed; those running are stopped on their workers (published on CANCEL_CHANNEL). */
  cancel(key: string, _graceMs: number): void {
    for (const unit of [...this.waiting.values()].filter((u) => u.key === key)) {
      this.take(unit.jobId);
      unit.reject(new TaskCancelled());
      void this.queue.remove(unit.jobId).catch(() => undefined);
    }
    void this.redis.publish(CANCEL_CHANNEL, key).catch(() => undefined);
  }

  /**
   * Jobs a killed coordinator left on the cluster: their units still queued are removed and
   * those running stopped, so that the workers do not compute answers nobody awaits.
   */
  async forget(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const set = new Set(keys);
    const stale = (await this.queue.getJobs(['waiting', 'delayed', 'prioritized'])).filter((job) => job && set.has((job.data as UnitJobData).key));
    await Promise.all(stale.map((job) => job.remove().catch(() => undefined)));
    for (const key of keys) await this.redis.publish(CANCEL_CHANNEL, key);
    return stale.length;
  }

  /** The job ended: its context file goes unless another running job has the same one. */
  release(key: string): void {
    const ref = this.contexts.get(key);
    this.contexts.delete(key);
    this.stats.delete(key);
    if (ref !== undefined && ![...this.contexts.values()].some((other) => other.digest === ref.digest)) this.files.remove(ref);
  }

  async close(_graceMs = 0): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.lookups);
    for (const key of new Set([...this.waiting.values()].map((u) => u.key))) this.cancel(key, 0);
    await Promise.all([this.queue.close(), this.events.close()]);
    this.redis.disconnect();
  }
}
