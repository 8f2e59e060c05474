/**
 * pool.split streamed through the companion's job runner and worker threads: a usage log CSV
 * generated in a temporary folder (written as a stream, deleted afterwards), then split, with
 * rows per second and the process's peak RSS (main thread and workers) and main heap.
 *
 * `npm run bench` runs 10⁶ rows; `tsx bench/poolStream.ts` runs 10⁸ (about 1.8 GB of CSV,
 * minutes). PARTAGE_POOL_ROWS sets the rows, PARTAGE_POOL_MODE the mode (market by default;
 * user reads the file three times).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { JobEnvironment } from '../src/companion/jobs/types';
import { JobRunner } from '../src/companion/runner/jobRunner';
import { WorkerPool } from '../src/companion/runner/pool';
import { Store, type DatasetRecord } from '../src/companion/store/store';
import { formatRate, type BenchRow } from './harness';

/** A log grouped by user: 100 rows a user, 10⁵ holders, plays 0–29. */
async function writeLog(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  let x = 2463534242;
  let text = 'user,holder,plays\n';
  for (let r = 0; r < rows; r++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const y = x >>> 0;
    text += `u${Math.floor(r / 100)},a${y % 100_000},${(y >>> 17) % 30}\n`;
    if (text.length >= 1 << 20) {
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      text = '';
    }
  }
  out.end(text);
  await new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
}

export async function benchPoolStream(rows = Number(process.env.PARTAGE_POOL_ROWS ?? 1e6), mode = process.env.PARTAGE_POOL_MODE ?? 'market'): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'partage-pool-bench-'));
  const file = path.join(dir, 'usage.csv');
  const threads = Math.max(1, Math.min(4, os.availableParallelism()));
  const store = Store.open(dir);
  const pool = new WorkerPool(threads);
  try {
    const writeStart = performance.now();
    await writeLog(file, rows);
    const writeMs = performance.now() - writeStart;
    const bytes = statSync(file).size;
    const record: DatasetRecord = { id: 'usage', name: 'usage.csv', format: 'csv', dtype: 'usage', shape: [], bytes, path: file, createdAt: new Date().toISOString() };
    const none = (): never => {
      throw new Error('the bench has only a usage log');
    };
    const env: JobEnvironment = {
      datasets: { readMatrix: none, readVector: none, readLabels: none },
      catalogue: { getDataset: (id) => (id === 'usage' ? record : undefined) },
      totalMemory: os.totalmem(),
      threads,
    };
    const runner = new JobRunner({ store, pool, env, backend: 'cpu', maxConcurrent: 1 });
    runner.start();

    global.gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sample = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 100);
    const start = performance.now();
    const job = runner.submit('pool.split', { dataset: 'usage', amount: 1_000_000, mode }, {});
    await new Promise<void>((resolve) => {
      const stop = runner.subscribe(job.id, (event) => {
        if (event.type === 'end') {
          stop();
          resolve();
        }
      });
    });
    const ms = performance.now() - start;
    clearInterval(sample);
    const done = runner.status(job.id, { input: false })!;
    if (done.state !== 'done') throw new Error(`pool.split ${done.state}: ${JSON.stringify(done.error)}`);
    const result = done.result as { rowsRead: number; passes: number; holders: number; users: number };
    await runner.stop();
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
    const size = `${rows.toExponential(0)} rows, ${mib(bytes)} CSV, ${mode}, ${result.passes} pass(es), ${result.users} users, ${result.holders} holders`;
    console.log(`pool.split stream: wrote the log in ${(writeMs / 1000).toFixed(1)} s; split in ${(ms / 1000).toFixed(1)} s; peak RSS ${mib(peakRss)} (before ${mib(before.rss)}), peak main heap ${mib(peakHeap)}`);
    return [
      {
        name: 'pool.split, CSV log streamed',
        size: `${size}; peak RSS ${mib(peakRss)}, heap ${mib(peakHeap)}`,
        medianMs: ms,
        rate: formatRate((result.rowsRead * result.passes) / (ms / 1000), 'rows'),
      },
    ];
  } finally {
    await pool.close(0);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchPoolStream(Number(process.env.PARTAGE_POOL_ROWS ?? 1e8))
    .then((rows) => console.table(rows))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
