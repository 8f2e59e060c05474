/*
 * `partage worker`: takes the companion's units from Redis (BullMQ) and runs them on this
 * machine's GPU (the companion's WGSL kernels, units of one job batched together) or threads
 * (the same thread pool and job code as the companion itself). A unit of a job type or engine
 * version this worker does not know is refused for good (never run on code that might compute
 * differently); its context is read from the shared directory and checked against its digest;
 * its answer repeats the unit's id, payload and context digests and seed, for the coordinator to
 * check (unitChecks.ts).
 */
import os from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { ENGINE_VERSION } from '../engine/version';
import { WORKER_JOBS } from '../companion/jobs/workerJobs';
import { serialiseError, TaskCancelled, WorkerPool } from '../companion/runner/pool';
import { GPU_JOBS, type GpuJob } from '../companion/gpu/gpuJobs';
import { openWebGpu, type WebGpuBackend } from '../companion/gpu/webgpuBackend';
import { decodeValue, encodeValue } from './codec';
import { CANCEL_CHANNEL, HEARTBEAT_MS, UNIT_QUEUE, WORKERS_KEY, type UnitJobData, type UnitJobResult, type WorkerInfo } from './clusterPool';
import { ContextFiles } from './contextFiles';
import { digestOfText, seedOfContext } from './unitChecks';

export interface ClusterWorkerOptions {
  connection: ConnectionOptions;
  sharedDir: string;
  /** 'cpu' (the threads), 'webgpu' (any adapter, or fail), 'auto' (a hardware GPU when there is one). */
  backend?: 'auto' | 'cpu' | 'webgpu';
  threads?: number;
  name?: string;
  log?: (line: string) => void;
  /** Applied to each output before it is sent: only for tests that need a faulty machine. */
  corruptOutput?: (kind: string, output: unknown) => unknown;
}

export interface RunningWorker {
  name: string;
  threads: number;
  backend: string;
  device: string;
  /** Units this worker finished. */
  readonly done: number;
  close(): Promise<void>;
}

/** Units of one job waiting a moment to go to the GPU together. */
interface GpuBatch {
  readonly payloads: unknown[];
  readonly waiters: Array<{ resolve: (output: unknown) => void; reject: (error: unknown) => void }>;
}

/** The GPU's state for one job context: its kernel's setup, or why the threads take it. */
type GpuJobState = { job: GpuJob<any>; state: unknown; batch?: GpuBatch } | { cpu: string };

/** Units a GPU worker takes from Redis at once, so that its batches fill the device. */
export const GPU_UNITS_IN_FLIGHT = 512;
/** How long a unit waits for others of its job before its batch goes to the GPU. */
const GPU_BATCH_WAIT_MS = 2;

export async function startClusterWorker(options: ClusterWorkerOptions): Promise<RunningWorker> {
  const threads = options.threads ?? os.availableParallelism();
  const name = options.name ?? `${os.hostname()}-${process.pid}`;
  const log = options.log ?? (() => undefined);
  const webgpu: WebGpuBackend | undefined = await openWebGpu(options.backend ?? 'auto', log);
  const backend = webgpu ? 'webgpu' : 'cpu';
  const device = webgpu?.adapter?.name ?? (os.cpus()[0]?.model?.trim() || os.arch());
  const pool = new WorkerPool(threads);
  const files = new ContextFiles(options.sharedDir);
  const gpuStates = new Map<string, GpuJobState>();
  let done = 0;
  // The thread pool's keys of each companion job running here, for its cancel.
  const running = new Map<string, Set<string>>();

  /** The GPU's half of a context, set up on its first unit (a few kept, the oldest disposed). */
  const gpuStateOf = (kind: string, digest: string, context: unknown): GpuJobState => {
    const known = gpuStates.get(digest);
    if (known) return known;
    const job = GPU_JOBS[kind];
    const gpu = webgpu?.context();
    let entry: GpuJobState;
    if (!job || !gpu) entry = { cpu: job ? `the GPU is unavailable (${webgpu?.unavailable ?? 'none'})` : 'no kernel for this job type' };
    else {
      const cpuOnly = job.cpuOnly?.(context);
      let state: unknown;
      try {
        state = cpuOnly === undefined ? job.setup(gpu, context) : undefined;
      } catch (error) {
        log(`the GPU could not take a job of type ${kind} (${(error as Error).message}); its units run on the threads`);
      }
      entry = state === undefined ? { cpu: cpuOnly ?? 'no kernel for this input' } : { job, state };
    }
    if (gpuStates.size >= 4) {
      const [oldDigest, old] = gpuStates.entries().next().value as [string, GpuJobState];
      if ('job' in old) old.job.dispose(old.state);
      gpuStates.delete(oldDigest);
    }
    gpuStates.set(digest, entry);
    return entry;
  };

  const onGpu = (entry: Extract<GpuJobState, { job: unknown }>, payload: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (entry.batch === undefined) {
        const batch: GpuBatch = { payloads: [], waiters: [] };
        entry.batch = batch;
        setTimeout(() => {
          if (entry.batch === batch) entry.batch = undefined;
          entry.job.run(entry.state, batch.payloads).then(
            (outputs) => batch.waiters.forEach((w, k) => w.resolve(outputs[k])),
            (error: unknown) => batch.waiters.forEach((w) => w.reject(error)),
          );
        }, GPU_BATCH_WAIT_MS);
      }
      entry.batch.payloads.push(payload);
      entry.batch.waiters.push({ resolve, reject });
    });

  const runUnit = async (data: UnitJobData, context: unknown, payload: unknown): Promise<{ output: unknown; backend: string }> => {
    if (webgpu) {
      const entry = gpuStateOf(data.kind, data.context.digest, context);
      if ('job' in entry) {
        try {
          return { output: await onGpu(entry, payload), backend: 'webgpu' };
        } catch (error) {
          // The unit is not lost: it runs on the threads, and says so by its backend.
          log(`a GPU batch of job ${data.key} failed (${(error as Error).message}); its units run on the threads`);
        }
      }
    }
    const local = `${data.key}:${data.context.digest}`;
    const keys = running.get(data.key) ?? new Set();
    keys.add(local);
    running.set(data.key, keys);
    const { output } = await pool.run(local, context, payload);
    return { output, backend: 'cpu' };
  };

  const process_ = async (job: Job<UnitJobData>, token?: string): Promise<UnitJobResult> => {
    const data = job.data;
    if (data.version !== ENGINE_VERSION) throw new UnrecoverableError(`worker ${name} runs engine ${ENGINE_VERSION}, the unit needs ${data.version}: refused`);
    if (!Object.prototype.hasOwnProperty.call(WORKER_JOBS, data.kind)) throw new UnrecoverableError(`worker ${name} does not know the job type ${data.kind}: refused`);
    // A re-run that checks this worker's own answer, or another backend's: back to the queue for
    // another worker, without spending one of its attempts.
    if (data.avoid?.includes(name) || (data.backend !== undefined && data.backend !== backend)) {
      await job.moveToDelayed(Date.now() + 50, token);
      throw new DelayedError();
    }
    const context = files.get(data.context);
    const started = Date.now();
    try {
      const ran = await runUnit(data, context, decodeValue(data.payload));
      const output = options.corruptOutput ? options.corruptOutput(data.kind, ran.output) : ran.output;
      done++;
      return {
        output: encodeValue(output),
        elapsedMs: Date.now() - started,
        worker: name,
        backend: ran.backend,
        echo: { unit: job.id!, payloadDigest: digestOfText(data.payload), contextDigest: data.context.digest, seed: seedOfContext(context) },
      };
    } catch (error) {
      // The companion cancelled the job: the unit is dropped, not retried elsewhere.
      if (error instanceof TaskCancelled) throw new UnrecoverableError(`job ${data.key} was cancelled`);
      // An input error of the job fails it with its field, as on one machine; no retry would help.
      if ((error as Error)?.name === 'EngineInputError' || (error as Error)?.name === 'JobInputError') return { error: serialiseError(error), elapsedMs: Date.now() - started, worker: name };
      throw error;
    }
  };
  const concurrency = threads + (webgpu ? GPU_UNITS_IN_FLIGHT : 0);
  const worker = new Worker<UnitJobData, UnitJobResult>(UNIT_QUEUE, process_, { connection: options.connection, concurrency, stalledInterval: 2000, lockDuration: 10000 });
  worker.on('failed', (job, error) => {
    if (!(error instanceof DelayedError)) log(`unit ${job?.id ?? '?'} of job ${job?.data.key ?? '?'} failed: ${error.message}`);
  });
  worker.on('error', (error) => log(`redis: ${error.message}`));
  await worker.waitUntilReady();

  // Cancels, as the companion publishes them: the units of that job stop on every worker.
  const subscriber = new IORedis(options.connection as RedisOptions);
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, key: string) => {
    for (const local of running.get(key) ?? []) pool.cancel(local, 0);
    running.delete(key);
  });
  await subscriber.subscribe(CANCEL_CHANNEL);
  // What /v1/health and the task pane list: name, backend, device, threads, units done, last seen.
  const registry = new IORedis(options.connection as RedisOptions);
  registry.on('error', () => undefined);
  const beat = async (): Promise<void> => {
    const info: WorkerInfo = { name, backend, device, threads, unitsDone: done, lastSeen: new Date().toISOString(), engineVersion: ENGINE_VERSION };
    await registry.hset(WORKERS_KEY, name, JSON.stringify(info));
  };
  await beat();
  const heartbeat = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
  heartbeat.unref();
  log(`worker ${name}: ${backend} (${device}), ${threads} threads, engine ${ENGINE_VERSION}, contexts from ${options.sharedDir}`);
  return {
    name,
    threads,
    backend,
    device,
    get done() {
      return done;
    },
    async close() {
      clearInterval(heartbeat);
      await worker.close();
      await pool.close(0);
      for (const entry of gpuStates.values()) if ('job' in entry) entry.job.dispose(entry.state);
      webgpu?.destroy();
      await registry.hdel(WORKERS_KEY, name).catch(() => undefined);
      subscriber.disconnect();
      registry.disconnect();
    },
  };
}
