/**
 * Companion benchmarks: jobs run through the real job runner and worker threads (no HTTP: the
 * API's cost per job is a few requests), on 1 thread and on every core, so that the table shows
 * what the thread pool adds. Inputs are built in memory and served to the jobs by an in-memory
 * dataset reader, as uploaded datasets would be.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DatasetReader, JobEnvironment, JobType } from '../src/companion/jobs/types';
import { JobRunner } from '../src/companion/runner/jobRunner';
import { WorkerPool, type UnitPool } from '../src/companion/runner/pool';
import { Store, type DatasetRecord } from '../src/companion/store/store';
import type { WebGpuBackend } from '../src/companion/gpu/webgpuBackend';
import { formatRate, mulberry32, type BenchRow } from './harness';

interface MemoryDataset {
  record: DatasetRecord;
  matrix?: { data: Float32Array | Float64Array; rows: number; cols: number };
  labels?: string[];
}

/** Serves matrices and labels from memory in place of uploaded files. */
export class MemoryDatasets implements DatasetReader {
  private readonly sets = new Map<string, MemoryDataset>();

  addMatrix(id: string, data: Float32Array | Float64Array, rows: number, cols: number): string {
    this.sets.set(id, { record: record(id, data instanceof Float32Array ? 'float32' : 'float64', cols === 1 ? [rows] : [rows, cols]), matrix: { data, rows, cols } });
    return id;
  }

  addLabels(id: string, labels: string[]): string {
    this.sets.set(id, { record: record(id, 'string', [labels.length]), labels });
    return id;
  }

  getDataset(id: string): DatasetRecord | undefined {
    return this.sets.get(id)?.record;
  }

  readMatrix(id: string) {
    return this.sets.get(id)!.matrix!;
  }

  readVector(id: string): Float64Array {
    return Float64Array.from(this.sets.get(id)!.matrix!.data);
  }

  readLabels(id: string): string[] {
    return this.sets.get(id)!.labels!;
  }
}

function record(id: string, dtype: string, shape: number[]): DatasetRecord {
  return { id, name: id, format: 'npy', dtype, shape, bytes: 0, path: '', createdAt: new Date().toISOString() };
}

/** A runner over a fresh store and pool; `run` submits one job and resolves with its result. */
export class BenchCompanion {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'partage-bench-'));
  private readonly store = Store.open(this.dir);
  private readonly pool: UnitPool;
  private readonly runner: JobRunner;

  /** `pool`: units run there (a cluster's) instead of on `threads` threads of this process. */
  constructor(
    readonly threads: number,
    datasets: MemoryDatasets,
    webgpu?: WebGpuBackend,
    pool?: UnitPool,
  ) {
    this.pool = pool ?? new WorkerPool(threads);
    // As the companion sets it up: a cluster's units in flight are not this machine's threads.
    const env: JobEnvironment = pool
      ? { datasets, catalogue: datasets, totalMemory: os.totalmem(), threads: os.availableParallelism(), unitsInFlight: pool.size }
      : { datasets, catalogue: datasets, totalMemory: os.totalmem(), threads };
    this.runner = new JobRunner({ store: this.store, pool: this.pool, env, backend: pool ? 'cluster' : 'cpu', webgpu, maxConcurrent: 1 });
    this.runner.start();
  }

  /** Wall time from submit to the end event, and the job's result. */
  async run(type: JobType, input: unknown, options: unknown = {}): Promise<{ ms: number; result: any }> {
    const start = performance.now();
    const job = this.runner.submit(type, input, options);
    await new Promise<void>((resolve) => {
      const stop = this.runner.subscribe(job.id, (event) => {
        if (event.type === 'end') {
          stop();
          resolve();
        }
      });
      // A job whose start failed has already ended, before anyone could listen.
      const state = this.runner.status(job.id, { input: false, result: false })!.state;
      if (state !== 'queued' && state !== 'running') {
        stop();
        resolve();
      }
    });
    const ms = performance.now() - start;
    const done = this.runner.status(job.id, { input: false })!;
    if (done.state !== 'done') throw new Error(`bench job ${type} ${done.state}: ${JSON.stringify(done.error)}`);
    return { ms, result: done.result };
  }

  /** Median of `runs` runs after one warm-up (which also starts the threads and their JIT). */
  async median(runs: number, type: JobType, input: unknown, options: unknown = {}): Promise<{ ms: number; result: any }> {
    await this.run(type, input, options);
    const times: Array<{ ms: number; result: any }> = [];
    for (let r = 0; r < runs; r++) times.push(await this.run(type, input, options));
    times.sort((a, b) => a.ms - b.ms);
    return times[Math.floor(times.length / 2)];
  }

  async close(): Promise<void> {
    await this.runner.stop();
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function randomTable(n: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const values = new Float64Array(2 ** n);
  for (let mask = 1; mask < values.length; mask++) values[mask] = next() * 100;
  return values;
}

export function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < out.length; k++) out[k] = next() * 2 - 1;
  return out;
}

async function benchSamplingThreads(threadCounts: number[], datasets: MemoryDatasets): Promise<BenchRow[]> {
  const n = 20;
  const values = datasets.addMatrix('sampling-table', randomTable(n, 2), 2 ** n, 1);
  const permutations = 200_000;
  const rows: BenchRow[] = [];
  for (const threads of threadCounts) {
    const companion = new BenchCompanion(threads, datasets);
    try {
      const { ms, result } = await companion.median(3, 'shapley.sample', { game: { type: 'table', n, dataset: values } }, { seed: 7, maxPermutations: permutations });
      rows.push({
        name: `companion sampling, table game, ${threads} thread${threads > 1 ? 's' : ''}`,
        size: `n=${n}, ${permutations.toExponential(0)} permutations`,
        medianMs: ms,
        rate: formatRate(result.marginalContributions / (ms / 1000), 'contributions'),
      });
    } finally {
      await companion.close();
    }
  }
  return rows;
}

async function benchExact(threads: number, datasets: MemoryDatasets): Promise<BenchRow[]> {
  const n = 24;
  const table = datasets.addMatrix('exact-24', randomTable(n, 3), 2 ** n, 1);
  const companion = new BenchCompanion(threads, datasets);
  try {
    const { ms } = await companion.median(1, 'shapley.exact', { n, dataset: table });
    return [
      {
        name: `companion exact Shapley, ${threads} threads`,
        size: `n=${n} (2^${n} values)`,
        medianMs: ms,
        rate: formatRate((n * 2 ** (n - 1)) / (ms / 1000), 'contributions'),
      },
    ];
  } finally {
    await companion.close();
  }
}

async function benchSimilarity(threads: number, datasets: MemoryDatasets): Promise<BenchRow[]> {
  const M = 2000;
  const N = 50_000;
  const d = 512;
  const holders = 500;
  const outputs = datasets.addMatrix('sim-outputs', randomMatrix(M, d, 11), M, d);
  const items = datasets.addMatrix('sim-items', randomMatrix(N, d, 12), N, d);
  const labels = datasets.addLabels('sim-holders', Array.from({ length: N }, (_, j) => `holder ${j % holders}`));
  const companion = new BenchCompanion(threads, datasets);
  try {
    // One timed run (tens of seconds on a laptop-class CPU) after a warm-up on a small slice.
    const warmOutputs = datasets.addMatrix('sim-warm', randomMatrix(16, d, 13), 16, d);
    await companion.run('attribution.similarity', { outputs: warmOutputs, items, holders: labels }, { threshold: 0.05 });
    const { ms } = await companion.run('attribution.similarity', { outputs, items, holders: labels }, { threshold: 0.05 });
    return [
      {
        name: `companion similarity attribution, ${threads} threads`,
        size: `M=${M}, N=${N}, d=${d}, ${holders} holders`,
        medianMs: ms,
        rate: formatRate((M * N * d) / (ms / 1000), 'products'),
      },
    ];
  } finally {
    await companion.close();
  }
}

export async function benchCompanion(): Promise<BenchRow[]> {
  const all = os.availableParallelism();
  const datasets = new MemoryDatasets();
  return [
    ...(await benchSamplingThreads(all > 1 ? [1, all] : [1], datasets)),
    ...(await benchExact(all, datasets)),
    ...(await benchSimilarity(all, datasets)),
  ];
}
