/**
 * Assembles the companion service: data folder, pairing token, SQLite store, worker pool, job
 * runner and the HTTP(S) API on 127.0.0.1. `partage companion` (src/cli/companionCommand.ts) and
 * the tests start it through startCompanionService.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { devHttpsOptions } from '../../scripts/devCertificates';
import { StoredDatasetReader } from './datasets/reader';
import { removeLeftoverFiles } from './datasets/service';
import type { JobEnvironment } from './jobs/types';
import { JobRunner } from './runner/jobRunner';
import { WorkerPool, type UnitPool } from './runner/pool';
import { ClusterPool } from '../cluster/clusterPool';
import { checkRedis, redactedRedisUrl, redisOptions } from '../cluster/redisUrl';
import { buildApp, type BackendInfo } from './server/app';
import { loadOrCreateToken } from './server/token';
import { PairingState } from './server/pairing';
import { Store } from './store/store';
import { openWebGpu, type WebGpuBackend } from './gpu/webgpuBackend';
import { DEFAULT_ORIGINS, DEFAULT_PORT } from './defaults';

/**
 * Units of a job a coordinator keeps queued for its workers unless told otherwise: enough to keep
 * a few workers' cores busy and to fill a GPU worker's batches, with the results waiting to be
 * merged bounded (each holds a few vectors of the holder count for a similarity job).
 */
export const DEFAULT_UNITS_IN_FLIGHT = 64;

export interface CompanionOptions {
  dataDir: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Plain http on loopback, for scripts and tests; the add-in needs https. */
  http?: boolean;
  /** The certificate to serve; default: the Office add-in development certificate (made if missing). */
  certificate?: { ca?: string | Buffer; cert: string | Buffer; key: string | Buffer };
  /**
   * 'auto': the GPU through WebGPU when the machine has an adapter, else the CPU threads;
   * 'webgpu': the GPU or refuse to start; 'cpu': the worker threads only.
   */
  backend?: 'auto' | 'cpu' | 'webgpu';
  origins?: readonly string[];
  /** Worker threads; default: every core the process may use. */
  threads?: number;
  maxConcurrent?: number;
  /** Largest dataset upload (limits.ts MAX_UPLOAD_BYTES by default). */
  maxUploadBytes?: number;
  /**
   * Coordinate a cluster instead of running units on this machine's threads: the Redis URL
   * (redis:// or rediss://), the directory shared with the workers for job contexts, and how
   * many units to keep in flight per job (default DEFAULT_UNITS_IN_FLIGHT); `verifyFraction` of the units run
   * again on another worker and are compared. A coordinator resumes, as it starts, the jobs its
   * predecessor left interrupted (a cluster's coordinator is a service nobody watches).
   */
  cluster?: { redis: string; sharedDir: string; size?: number; verifyFraction?: number; /** PEM, for rediss:// with a private CA. */ ca?: string };
  log?: (line: string) => void;
}

export interface RunningCompanion {
  url: string;
  port: number;
  tokenPath: string;
  tokenCreated: boolean;
  /** The one-time pairing code that works now (XXXX-XXXX), if any: none once used or expired. */
  readonly pairingCode: string | undefined;
  /** Replaces the pairing code with a new one, printed to the log, and returns it. */
  newPairingCode(): string;
  backends: BackendInfo[];
  /** Jobs found running from a previous process, now 'interrupted'. */
  interrupted: string[];
  /** Of those, the jobs resumed at once (a cluster's coordinator resumes them all). */
  resumed: string[];
  app: FastifyInstance;
  runner: JobRunner;
  store: Store;
  /** Graceful stop: running jobs checkpoint and become 'interrupted'. */
  close(): Promise<void>;
}

function packageVersion(): string {
  // package.json is two levels above both src/companion and lib/companion.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
}

/** The GPU's line in /v1/health; `available` is read at each request (a lost device says so). */
function webgpuInfo(webgpu: WebGpuBackend): BackendInfo {
  const device = webgpu.adapter?.name ?? 'WebGPU adapter';
  return {
    name: 'webgpu',
    device,
    get available() {
      return webgpu.unavailable === undefined;
    },
    get unavailable() {
      return webgpu.unavailable;
    },
  };
}

export async function startCompanionService(options: CompanionOptions): Promise<RunningCompanion> {
  const log = options.log ?? (() => undefined);
  const backendChoice = options.backend ?? 'auto';
  if (backendChoice !== 'auto' && backendChoice !== 'cpu' && backendChoice !== 'webgpu') throw new Error(`unknown backend "${String(backendChoice)}" (auto, cpu or webgpu)`);
  const threads = options.threads ?? os.availableParallelism();
  const token = loadOrCreateToken(options.dataDir);
  if (token.warning) log(`warning: ${token.warning}`);
  const datasetsDir = path.join(options.dataDir, 'datasets');
  mkdirSync(datasetsDir, { recursive: true, mode: 0o700 });

  const store = Store.open(options.dataDir);
  let pool: UnitPool | undefined;
  let cluster: ClusterPool | undefined;
  let webgpu: WebGpuBackend | undefined;
  try {
    // Uploads cut short by a crash, and files whose registration never committed.
    await removeLeftoverFiles(store, datasetsDir);
    if (options.cluster) {
      const connection = redisOptions(options.cluster.redis, options.cluster.ca);
      await checkRedis(connection, options.cluster.redis);
      cluster = new ClusterPool({ connection, sharedDir: options.cluster.sharedDir, size: options.cluster.size ?? DEFAULT_UNITS_IN_FLIGHT, verifyFraction: options.cluster.verifyFraction, log });
      await cluster.ready();
      log(`coordinating a cluster over ${redactedRedisUrl(options.cluster.redis)} (contexts in ${options.cluster.sharedDir})`);
      pool = cluster;
    } else pool = new WorkerPool(threads);
    const env: JobEnvironment = {
      datasets: new StoredDatasetReader(store),
      catalogue: store,
      totalMemory: os.totalmem(),
      threads,
      ...(cluster ? { unitsInFlight: cluster.size } : {}),
    };
    // A coordinator leaves the computing to its workers (each with its own GPU or cores).
    webgpu = options.cluster ? undefined : await openWebGpu(backendChoice, log);
    const runner = new JobRunner({ store, pool, env, backend: options.cluster ? 'cluster' : 'cpu', webgpu, maxConcurrent: options.maxConcurrent });
    const backends: BackendInfo[] = [...(webgpu ? [webgpuInfo(webgpu)] : []), { name: 'cpu', device: os.cpus()[0]?.model?.trim() || os.arch(), threads }];
    const https = options.http ? undefined : (options.certificate ?? (await devHttpsOptions((message) => log(`warning: ${message}`))));
    let port = options.port ?? DEFAULT_PORT;
    const pairing = new PairingState({ token: token.token, log });
    const app = await buildApp({
      runner,
      store,
      datasetsDir,
      token: token.token,
      origins: options.origins ?? DEFAULT_ORIGINS,
      port: () => port,
      version: packageVersion(),
      backends,
      https,
      maxUploadBytes: options.maxUploadBytes,
      pairing,
      ...(cluster ? { workers: () => cluster!.workers() } : {}),
    });
    await app.listen({ host: '127.0.0.1', port });
    const address = app.server.address();
    if (address && typeof address === 'object') port = address.port;
    // Jobs start only once the API answers, so that a client polling at start sees them move.
    const { interrupted } = runner.start();
    let resumed: string[] = [];
    if (cluster) {
      // What the killed coordinator left queued is dropped first: the resumed runs queue their own.
      const dropped = await cluster.forget(interrupted);
      if (dropped > 0) log(`dropped ${dropped} unit(s) the last coordinator left queued`);
      resumed = interrupted.filter((id) => {
        try {
          runner.resume(id);
          return true;
        } catch (error) {
          log(`job ${id} could not be resumed: ${(error as Error).message}`);
          return false;
        }
      });
    }
    const url = `${https ? 'https' : 'http'}://localhost:${port}`;
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      tokenPath: token.path,
      tokenCreated: token.created,
      get pairingCode() {
        return pairing.current()?.code;
      },
      newPairingCode: () => pairing.renew().code,
      backends,
      interrupted,
      resumed,
      app,
      runner,
      store,
      close() {
        closing ??= (async () => {
          await runner.stop();
          await app.close();
          store.close();
          webgpu?.destroy();
        })();
        return closing;
      },
    };
  } catch (error) {
    await pool?.close();
    store.close();
    webgpu?.destroy();
    throw error;
  }
}
