/*
 * `partage worker`: takes the companion's units from Redis (BullMQ) and runs them on this
 * machine's threads, through the same thread pool and job code as the companion itself. A unit
 * of a job type or engine version this worker does not know is refused for good (never run on
 * code that might compute differently); its context is read from the shared directory and
 * checked against its digest.
 */
import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { ENGINE_VERSION } from '../engine/version';
import { WORKER_JOBS } from '../companion/jobs/workerJobs';
import { serialiseError, TaskCancelled, WorkerPool } from '../companion/runner/pool';
import { decodeValue, encodeValue } from './codec';
import { CANCEL_CHANNEL, UNIT_QUEUE, WORKERS_KEY, type UnitJobData, type UnitJobResult, type WorkerInfo } from './clusterPool';
import { ContextFiles } from './contextFiles';

export interface ClusterWorkerOptions {
  connection: ConnectionOptions;
  sharedDir: string;
  threads?: number;
  name?: string;
  log?: (line: string) => void;
}

export interface RunningWorker {
  name: string;
  threads: number;
  /** Units this worker finished. */
  readonly done: number;
  close(): Promise<void>;
}

export async function startClusterWorker(options: ClusterWorkerOptions): Promise<RunningWorker> {
  const threads = options.threads ?? os.availableParallelism();
  const name = options.name ?? `${os.hostname()}-${process.pid}`;
  const log = options.log ?? (() => undefined);
  const pool = new WorkerPool(threads);
  const files = new ContextFiles(options.sharedDir);
  let done = 0;
  // The thread pool's keys of each companion job running here, for its cancel.
  const running = new Map<string, Set<string>>();
  const process_ = async (job: Job<UnitJobData>): Promise<UnitJobResult> => {
    const data = job.data;
    if (data.version !== ENGINE_VERSION) throw new UnrecoverableError(`worker ${name} runs engine ${ENGINE_VERSION}, the unit needs ${data.version}: refused`);
    if (!Object.prototype.hasOwnProperty.call(WORKER_JOBS, data.kind)) throw new UnrecoverableError(`worker ${name} does not know the job type ${data.kind}: refused`);
    const context = files.get(data.context);
    const started = Date.now();
    const local = `${data.key}:${data.context.digest}`;
    const keys = running.get(data.key) ?? new Set();
    keys.add(local);
    running.set(data.key, keys);
    try {
      const { output, elapsedMs } = await pool.run(local, context, decodeValue(data.payload));
      done++;
      return { output: encodeValue(output), elapsedMs: elapsedMs ?? Date.now() - started, worker: name };
    } catch (error) {
      // The companion cancelled the job: the unit is dropped, not retried elsewhere.
      if (error instanceof TaskCancelled) throw new UnrecoverableError(`job ${data.key} was cancelled`);
      // An input error of the job fails it with its field, as on one machine; no retry would help.
      if ((error as Error)?.name === 'EngineInputError' || (error as Error)?.name === 'JobInputError') return { error: serialiseError(error), elapsedMs: Date.now() - started, worker: name };
      throw error;
    }
  };
  const worker = new Worker<UnitJobData, UnitJobResult>(UNIT_QUEUE, process_, { connection: options.connection, concurrency: threads, stalledInterval: 2000, lockDuration: 10000 });
  worker.on('failed', (job, error) => log(`unit ${job?.id ?? '?'} of job ${job?.data.key ?? '?'} failed: ${error.message}`));
  await worker.waitUntilReady();

  // Cancels, as the companion publishes them: the units of that job stop on every worker.
  const subscriber = new IORedis(options.connection as RedisOptions);
  subscriber.on('message', (_channel: string, key: string) => {
    for (const local of running.get(key) ?? []) pool.cancel(local, 0);
    running.delete(key);
  });
  await subscriber.subscribe(CANCEL_CHANNEL);
  // What /v1/health and the task pane list: name, backend, device, threads, units done, last seen.
  const registry = new IORedis(options.connection as RedisOptions);
  const device = os.cpus()[0]?.model?.trim() || os.arch();
  const beat = async (): Promise<void> => {
    const info: WorkerInfo = { name, backend: 'cpu', device, threads, unitsDone: done, lastSeen: new Date().toISOString(), engineVersion: ENGINE_VERSION };
    await registry.hset(WORKERS_KEY, name, JSON.stringify(info));
  };
  await beat();
  const heartbeat = setInterval(() => void beat().catch(() => undefined), 2000);
  heartbeat.unref();
  log(`worker ${name}: ${threads} threads, engine ${ENGINE_VERSION}, contexts from ${options.sharedDir}`);
  return {
    name,
    threads,
    get done() {
      return done;
    },
    async close() {
      clearInterval(heartbeat);
      await worker.close();
      await pool.close(0);
      await registry.hdel(WORKERS_KEY, name).catch(() => undefined);
      subscriber.disconnect();
      registry.disconnect();
    },
  };
}
