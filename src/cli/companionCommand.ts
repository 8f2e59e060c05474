import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ORIGINS, DEFAULT_PORT, defaultDataDir } from '../companion/defaults';
import type { RunningCompanion } from '../companion/service';
import { EXIT, type CliIo } from './io';

interface CompanionFlags {
  port: number;
  dataDir: string;
  backend: 'auto' | 'cpu' | 'webgpu';
  origin?: string[];
  http?: boolean;
  threads?: number;
  jobs?: number;
  pair?: boolean;
  redis?: string;
  shared?: string;
  verify?: number;
  inFlight?: number;
  redisCa?: string;
}

function wholeNumber(least: number, most: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < least || value > most) throw new InvalidArgumentError(`must be a whole number from ${least} to ${most}`);
    return value;
  };
}

/** The PEM file of --redis-ca, read (a missing file stops the start with its name). */
function readCa(file: string | undefined): string | undefined {
  return file === undefined ? undefined : readFileSync(file, 'utf8');
}

function shareOfUnits(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new InvalidArgumentError('must be a number from 0 to 1 (0.05: one unit in twenty)');
  return value;
}

function origin(text: string, previous: string[] | undefined): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(`'${text}' is not a URL such as https://localhost:3000`);
  }
  if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash) {
    throw new InvalidArgumentError(`'${text}' is not an origin (scheme://host[:port], no path)`);
  }
  return [...(previous ?? []), url.origin];
}

/**
 * `partage companion`: the local service that runs heavy Shapley batches for the task pane on all
 * CPU cores (DESIGN.md §5). Runs until interrupted; Ctrl+C or SIGTERM stops it gracefully
 * (running jobs checkpoint and become 'interrupted', to be resumed after the next start).
 */
export function addCompanionCommand(program: Command, io: CliIo, setStatus: (status: number) => void): Command {
  return program
    .command('companion')
    .description('start the local companion service (heavy Shapley batches for the task pane) on 127.0.0.1')
    .addOption(new Option('-p, --port <port>', 'port on 127.0.0.1 (0: any free port)').default(DEFAULT_PORT).argParser(wholeNumber(0, 65535)))
    .addOption(new Option('-d, --data-dir <dir>', 'folder for the token, the job database and uploaded datasets').default(defaultDataDir()))
    .addOption(new Option('-b, --backend <backend>', 'compute backend: auto (the GPU through WebGPU when there is one, else the CPU), webgpu, cpu').choices(['auto', 'cpu', 'webgpu']).default('auto'))
    .addOption(new Option('-o, --origin <url>', `add-in origin allowed to call the service (repeatable; default ${DEFAULT_ORIGINS.join(', ')})`).argParser(origin))
    .addOption(new Option('--http', 'plain http instead of https (scripts and tests on loopback; the add-in needs https)'))
    .addOption(new Option('-t, --threads <n>', 'worker threads (default: all cores)').argParser(wholeNumber(1, 1024)))
    .addOption(new Option('-j, --jobs <n>', 'jobs running at once (default 2)').argParser(wholeNumber(1, 64)))
    .addOption(new Option('--pair', 'print a new one-time pairing code for the task pane: asks the companion already running on --port, or starts one'))
    .addOption(new Option('--redis <url>', 'coordinate a cluster: queue the units on this Redis (redis://[user:password@]host:port, rediss:// for TLS) for `partage worker`s'))
    .addOption(new Option('--shared <dir>', 'with --redis: the directory shared with the workers, for the jobs\' contexts (default: <data-dir>/cluster)'))
    .addOption(new Option('--redis-ca <file>', 'with a rediss:// URL: PEM certificate(s) to trust besides the system\'s (a private CA, a self-signed Redis)'))
    .addOption(new Option('--in-flight <n>', 'with --redis: units of a job queued at once for the workers (default 64; a GPU worker takes up to 512 at once)').argParser(wholeNumber(1, 100_000)))
    .addOption(new Option('--verify <share>', 'with --redis: run this share of the units (0 to 1, drawn at random) again on another worker and compare the answers bit for bit (default 0)').argParser(shareOfUnits))
    .action((flags: CompanionFlags) => {
      setStatus(EXIT.ok);
      void (flags.pair ? pairThenRun(flags, io, setStatus) : run(flags, io, setStatus));
    });
}

async function run(flags: CompanionFlags, io: CliIo, setStatus: (status: number) => void): Promise<void> {
  let companion: RunningCompanion;
  try {
    // Loaded here: `partage call` need not load the server, SQLite and the job types. require, not
    // import(): under tsx a dynamic import goes through the ES module loader, which wants extensions.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startCompanionService } = require('../companion/service') as typeof import('../companion/service');
    companion = await startCompanionService({
      dataDir: flags.dataDir,
      port: flags.port,
      http: flags.http === true,
      backend: flags.backend,
      origins: flags.origin ?? DEFAULT_ORIGINS,
      threads: flags.threads,
      maxConcurrent: flags.jobs,
      ...(flags.redis ? { cluster: { redis: flags.redis, sharedDir: flags.shared ?? path.join(flags.dataDir, 'cluster'), size: flags.inFlight, verifyFraction: flags.verify, ca: readCa(flags.redisCa) } } : {}),
      log: (line) => io.writeErr(`${line}\n`),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason = e.code === 'EADDRINUSE' ? `port ${flags.port} is in use (another companion running? choose one with --port)` : e.message;
    io.writeErr(`partage companion: cannot start: ${reason}\n`);
    setStatus(EXIT.internal);
    process.exitCode = EXIT.internal;
    return;
  }
  const backends = companion.backends.map((b) => `${b.name} (${b.device}${b.threads ? `, ${b.threads} threads` : ''})`).join('; ');
  io.writeOut(
    [
      `partage companion listening on ${companion.url}`,
      `  backends: ${backends}`,
      `  pairing token: ${companion.tokenPath}${companion.tokenCreated ? ' (new: pair the task pane with it)' : ''}`,
      ...(companion.pairingCode ? [`  pairing code: ${companion.pairingCode} (one use, valid 10 minutes: type it in the task pane, Companion tab)`] : []),
      `  data: ${flags.dataDir}`,
      ...(companion.resumed.length > 0 ? [`  ${companion.resumed.length} job(s) interrupted by the last stop, resumed from their checkpoints`] : []),
      ...(companion.interrupted.length > companion.resumed.length ? [`  ${companion.interrupted.length - companion.resumed.length} job(s) interrupted by the last stop; resume them with POST /v1/jobs/{id}/resume`] : []),
      '',
    ].join('\n'),
  );
  const stop = (signal: string) => {
    io.writeErr(`partage companion: ${signal}, stopping (running jobs are checkpointed)\n`);
    companion.close().then(
      () => process.exit(EXIT.ok),
      (error: Error) => {
        io.writeErr(`partage companion: error while stopping: ${error.message}\n`);
        process.exit(EXIT.internal);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** `--pair`: a new code from the companion already running, else start one (it prints a code). */
async function pairThenRun(flags: CompanionFlags, io: CliIo, setStatus: (status: number) => void): Promise<void> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { askRunningCompanionForCode } = require('../companion/server/pairing') as typeof import('../companion/server/pairing');
    const active = await askRunningCompanionForCode({ port: flags.port, http: flags.http === true, dataDir: flags.dataDir });
    if (active) {
      io.writeOut(`pairing code: ${active.code} (one use, valid 10 minutes: type it in the task pane, Companion tab)\n`);
      return;
    }
  } catch (error) {
    io.writeErr(`partage companion --pair: ${(error as Error).message}\n`);
    setStatus(EXIT.internal);
    process.exitCode = EXIT.internal;
    return;
  }
  await run(flags, io, setStatus);
}

interface WorkerFlags {
  redis: string;
  redisCa?: string;
  shared: string;
  backend: 'auto' | 'cpu' | 'webgpu';
  threads?: number;
  name?: string;
}

/**
 * `partage worker --redis URL --shared DIR`: joins a cluster and runs the companion's units on
 * this machine's threads until interrupted (Ctrl+C or SIGTERM: the units running finish first).
 */
export function addWorkerCommand(program: Command, io: CliIo, setStatus: (status: number) => void): Command {
  return program
    .command('worker')
    .description('join a cluster: run the units a `partage companion --redis` queues, on this machine\'s GPU or threads')
    .requiredOption('--redis <url>', 'the Redis of the cluster (redis://[user:password@]host:port, rediss:// for TLS)')
    .requiredOption('--shared <dir>', 'the directory the companion writes the jobs\' contexts to (a shared disk or mount)')
    .addOption(new Option('--redis-ca <file>', 'with a rediss:// URL: PEM certificate(s) to trust besides the system\'s (a private CA, a self-signed Redis)'))
    .addOption(new Option('-b, --backend <backend>', 'compute backend: auto (the GPU through WebGPU when there is one, else the CPU), webgpu, cpu').choices(['auto', 'cpu', 'webgpu']).default('auto'))
    .addOption(new Option('-t, --threads <n>', 'threads (default: all cores)').argParser(wholeNumber(1, 1024)))
    .addOption(new Option('--name <name>', 'the worker\'s name in logs and /v1/health (default: host-pid)'))
    .action((flags: WorkerFlags) => {
      setStatus(EXIT.ok);
      void (async () => {
        try {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const { startClusterWorker } = require('../cluster/clusterWorker') as typeof import('../cluster/clusterWorker');
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const { checkRedis, redisOptions, redactedRedisUrl } = require('../cluster/redisUrl') as typeof import('../cluster/redisUrl');
          const connection = redisOptions(flags.redis, readCa(flags.redisCa));
          await checkRedis(connection, flags.redis);
          const worker = await startClusterWorker({ connection, sharedDir: flags.shared, backend: flags.backend, threads: flags.threads, name: flags.name, log: (line) => io.writeErr(`${line}\n`) });
          io.writeOut(`partage worker ${worker.name}: ${worker.backend} (${worker.device}), ${worker.threads} threads, taking units from ${redactedRedisUrl(flags.redis)}\n`);
          const stop = (signal: string) => {
            io.writeErr(`partage worker: ${signal}, stopping after the units running\n`);
            worker.close().then(
              () => process.exit(EXIT.ok),
              () => process.exit(EXIT.internal),
            );
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        } catch (error) {
          io.writeErr(`partage worker: cannot start: ${(error as Error).message}\n`);
          setStatus(EXIT.internal);
          process.exitCode = EXIT.internal;
        }
      })();
    });
}
