/**
 * Usage logs for the pool.split tests: generated deterministically, written as CSV or Parquet,
 * and the in-process driver that runs the job's two halves in this thread (its worker half is
 * asynchronous, which runInline does not drive).
 */
import { writeFileSync } from 'node:fs';
import { POOLSPLIT } from '../../../src/functions/poolSplit';
import type { JobDefinition, JobEnvironment, WorkerJob, AsyncWorkerJob } from '../../../src/companion/jobs/types';
import type { DatasetRecord } from '../../../src/companion/store/store';

export type LogRow = [string, string, number, number];

/** xorshift32: the same log on every machine. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * A log grouped by user: each user plays a few holders, some of them twice in a row of its
 * own (repeated pairs, which the function adds up), plays 0–30 with some active. Holder names
 * come in two spellings of the same name ("Holder 3", "holder 3 "), and two need quoting in CSV
 * (a comma, a newline).
 */
export function groupedLog(users: number, holders: number, seed = 7): LogRow[] {
  const next = random(seed);
  const rows: LogRow[] = [];
  const holderName = (h: number) => (h === 1 ? 'Smith, J.' : h === 2 ? 'Two\nLines' : next() < 0.2 ? `holder ${h} ` : `Holder ${h}`);
  for (let u = 0; u < users; u++) {
    const count = 1 + Math.floor(next() * 5);
    for (let k = 0; k < count; k++) {
      // Popular holders first: a few reach the thresholds, many do not.
      const h = Math.floor(holders * next() * next());
      const plays = Math.floor(next() * 31) * (next() < 0.1 ? 0 : 1);
      const active = Math.floor(next() * (plays + 1));
      rows.push([`user${u}`, holderName(h), plays, active]);
      if (next() < 0.15) rows.push([`User${u}`, holderName(h), 1 + Math.floor(next() * 5), 0]);
    }
  }
  return rows;
}

/** The same rows in a pseudo-random order (grouped neither by user nor by holder). */
export function shuffled<T>(rows: readonly T[], seed = 3): T[] {
  const next = random(seed);
  const out = rows.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvOf(rows: readonly LogRow[], columns: 3 | 4, header = true): string {
  const lines = header ? [columns === 4 ? 'user,holder,plays,activePlays' : 'user,holder,plays'] : [];
  for (const [u, h, p, a] of rows) lines.push([csvCell(u), csvCell(h), String(p), ...(columns === 4 ? [String(a)] : [])].join(','));
  return `${lines.join('\n')}\n`;
}

export async function parquetOf(rows: readonly LogRow[], columns: 3 | 4, rowGroupSize = 1000): Promise<Uint8Array> {
  const writer = await import('hyparquet-writer');
  const columnData = [
    { name: 'user', data: rows.map((r) => r[0]), type: 'STRING' as const },
    { name: 'holder', data: rows.map((r) => r[1]), type: 'STRING' as const },
    { name: 'plays', data: rows.map((r) => r[2]), type: 'INT32' as const },
    ...(columns === 4 ? [{ name: 'activePlays', data: rows.map((r) => r[3]), type: 'INT32' as const }] : []),
  ];
  return new Uint8Array(writer.parquetWriteBuffer({ columnData, rowGroupSize }));
}

export interface PoolRequest {
  amount: number;
  mode?: 'market' | 'user' | 'artist';
  threshold?: number | [number, number];
  boost?: number;
  decimals?: number;
  userCap?: number;
}

/** PARTAGE.POOLSPLIT on the same log, as a sheet would pass it (a header row, then the rows). */
export function functionSplit(rows: readonly LogRow[], columns: 3 | 4, r: PoolRequest): Array<[string, number]> {
  const grid: (string | number)[][] = [columns === 4 ? ['user', 'holder', 'plays', 'activePlays'] : ['user', 'holder', 'plays']];
  for (const [u, h, p, a] of rows) grid.push(columns === 4 ? [u, h, p, a] : [u, h, p]);
  const threshold = r.threshold === undefined ? undefined : Array.isArray(r.threshold) ? [r.threshold] : r.threshold;
  return POOLSPLIT(r.amount, grid, r.mode, threshold, r.boost, r.decimals, r.userCap) as Array<[string, number]>;
}

/** A catalogue of usage-log datasets kept in files, as the store registers them. */
export function usageEnvironment(records: DatasetRecord[]): JobEnvironment {
  const none = (id: string): never => {
    throw new Error(`no numeric dataset ${id} in this test`);
  };
  return {
    datasets: { readMatrix: none, readVector: none, readLabels: none },
    catalogue: { getDataset: (id) => records.find((r) => r.id === id) },
    totalMemory: 16 * 1024 ** 3,
    threads: 2,
  };
}

export function usageRecord(id: string, file: string, format: 'csv' | 'parquet'): DatasetRecord {
  return { id, name: `${id}.${format}`, format, dtype: 'usage', shape: [], bytes: 0, path: file, createdAt: new Date(0).toISOString() };
}

export function writeLog(file: string, content: string | Uint8Array): void {
  writeFileSync(file, content);
}

export interface AsyncRun {
  result: Record<string, unknown>;
  units: number;
  progress: number[];
}

/**
 * Drives the execution as the runner does: up to `inFlight` units dispatched, their outputs
 * (structured-cloned, as postMessage would) accepted in dispatch order or, `reversed`, each
 * batch's last first (threads finishing out of order).
 */
export async function runAsync<V>(
  definition: JobDefinition<V>,
  worker: AsyncWorkerJob<any> | WorkerJob<any>,
  input: unknown,
  env: JobEnvironment,
  { inFlight = 3, reversed = false, onUnit }: { inFlight?: number; reversed?: boolean; onUnit?: () => void } = {},
): Promise<AsyncRun> {
  const { value } = definition.validate(input, {}, env);
  const execution = definition.start(value, env, undefined);
  const state = worker.setup(structuredClone(execution.context));
  const progress: number[] = [];
  let units = 0;
  while (!execution.finished()) {
    const batch = [];
    for (let unit = execution.next(); unit; unit = batch.length < inFlight ? execution.next() : undefined) {
      batch.push({ unit, output: (await worker.run(state, structuredClone(unit.payload))).output });
      if (batch.length >= inFlight) break;
    }
    if (batch.length === 0) throw new Error(`the job ran out of units after ${units} without finishing`);
    if (reversed) batch.reverse();
    for (const { unit, output } of batch) {
      execution.accept(unit, structuredClone(output), 1);
      units++;
      progress.push(execution.progress());
      onUnit?.();
    }
  }
  return { result: execution.result(), units, progress };
}
