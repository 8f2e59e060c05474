/*
 * `partage worker`: takes the companion's units from Redis (BullMQ) and runs them on this
 * machine's threads, through the same thread pool and job code as the companion itself. A unit
 * of a job type or engine version this worker does not know is refused for good (never run on
 * code that might compute differently); its context is read from the shared directory and
 * checked against its digest.
 */
import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ConnectionOptions } from 'bullmq';
import { ENGINE_VERSION } from '../engine/version';
import { WORKER_JOBS } from '../companion/jobs/workerJobs';
import { WorkerPool, type SerialisedError } from '../companion/runner/pool';
import { decodeValue, encodeValue } from './codec';
import { UNIT_QUEUE, type UnitJobData, type UnitJobResult } from './clusterPool';
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

function serialise(error: unknown): SerialisedError {
  const e = error as Error & { field?: unknown; index?: unknown; detail?: unknown };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    field: typeof e?.field === 'string' ? e.field : undefined,
    index: typeof e?.index === 'number' ? e.index : undefined,
    detail: typeof e?.detail === 'string' ? e.detail : undefined,
  };
}

export async function startClusterWorker(options: ClusterWorkerOptions): Promise<RunningWorker> {
  const threads = options.threads ?? os.availableParallelism();
  const name = options.name ?? `${os.hostname()}-${process.pid}`;
  const log = options.log ?? (() => undefined);
  const pool = new WorkerPool(threads);
  const files = new ContextFiles(options.sharedDir);
  let done = 0;
  const process_ = async (job: Job<UnitJobData>): Promise<UnitJobResult> => {
    const data = job.data;
    if (data.version !== ENGINE_VERSION) throw new UnrecoverableError(`worker ${name} runs engine ${ENGINE_VERSION}, the unit needs ${data.version}: refused`);
    if (!Object.prototype.hasOwnProperty.call(WORKER_JOBS, data.kind)) throw new UnrecoverableError(`worker ${name} does not know the job type ${data.kind}: refused`);
    const context = files.get(data.context);
    const started = Date.now();
    try {
      const { output, elapsedMs } = await pool.run(`${data.key}:${data.context.digest}`, context, decodeValue(data.payload));
      done++;
      return { output: encodeValue(output), elapsedMs: elapsedMs ?? Date.now() - started, worker: name };
    } catch (error) {
      // An input error of the job fails it with its field, as on one machine; no retry would help.
      if ((error as Error)?.name === 'EngineInputError' || (error as Error)?.name === 'JobInputError') return { error: serialise(error), elapsedMs: Date.now() - started, worker: name };
      throw error;
    }
  };
  const worker = new Worker<UnitJobData, UnitJobResult>(UNIT_QUEUE, process_, { connection: options.connection, concurrency: threads, stalledInterval: 2000, lockDuration: 10000 });
  worker.on('failed', (job, error) => log(`unit ${job?.id ?? '?'} of job ${job?.data.key ?? '?'} failed: ${error.message}`));
  await worker.waitUntilReady();
  log(`worker ${name}: ${threads} threads, engine ${ENGINE_VERSION}, contexts from ${options.sharedDir}`);
  return {
    name,
    threads,
    get done() {
      return done;
    },
    async close() {
      await worker.close();
      await pool.close(0);
    },
  };
}
