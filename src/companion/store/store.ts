/**
 * The companion's persistence: jobs (input, options, state, progress, result or error),
 * checkpoints of running jobs, and the registry of uploaded datasets, in one SQLite file in the
 * data dir.
 *
 * Durability: WAL journal with synchronous=FULL. In WAL mode a commit appends to the -wal file;
 * with NORMAL the WAL is fsynced only at checkpoints, which survives a killed process (the
 * appended pages are in the OS cache) but can lose the last commits on a power cut or an OS
 * crash. FULL fsyncs the WAL at every commit, so a result reported 'done' stays done whatever
 * happens next. The price is one fsync per commit; the runner commits at most ~10 progress
 * updates per second per running job and one checkpoint per second, well within a disk's
 * fsync rate, and readers never wait for writers in WAL mode.
 *
 * Every write is one transaction; bodies (input, result) are JSON text kept out of the
 * listing queries, so listing stays fast with 2^20-number inputs.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CheckpointWrite, JobType, StoredCheckpoint } from '../jobs/types';
import { migrate } from './migrations';

export type { JobType } from '../jobs/types';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export const FINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];

export interface JobError {
  message: string;
  field?: string;
  index?: number;
}

/** A job without its input and result bodies: what listings return. */
export interface JobSummary {
  id: string;
  type: JobType;
  state: JobState;
  progress: number;
  options: unknown;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  error?: JobError;
}

export interface JobRecord extends JobSummary {
  input: unknown;
  result?: unknown;
}

export interface DatasetRecord {
  id: string;
  name: string;
  format: 'npy' | 'csv' | 'parquet';
  dtype: string;
  shape: number[];
  bytes: number;
  path: string;
  createdAt: string;
}

export const DATABASE_FILE = 'partage.sqlite';

interface JobRow {
  id: string;
  type: string;
  state: string;
  progress: number;
  input?: string;
  options: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  result?: string | null;
  error: string | null;
}

interface DatasetRow {
  id: string;
  name: string;
  format: string;
  dtype: string;
  shape: string;
  bytes: number;
  path: string;
  created_at: string;
}

const SUMMARY_COLUMNS = 'id, type, state, progress, options, created_at, started_at, finished_at, error';

function now(): string {
  return new Date().toISOString();
}

function toSummary(row: JobRow): JobSummary {
  const job: JobSummary = {
    id: row.id,
    type: row.type as JobType,
    state: row.state as JobState,
    progress: row.progress,
    options: JSON.parse(row.options),
    createdAt: row.created_at,
  };
  if (row.started_at !== null) job.startedAt = row.started_at;
  if (row.finished_at !== null) job.finishedAt = row.finished_at;
  if (row.error !== null) job.error = JSON.parse(row.error) as JobError;
  return job;
}

function toDataset(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    format: row.format as DatasetRecord['format'],
    dtype: row.dtype,
    shape: JSON.parse(row.shape) as number[],
    bytes: row.bytes,
    path: row.path,
    createdAt: row.created_at,
  };
}

export class Store {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {}

  /** Opens (creating and migrating if needed) <dataDir>/partage.sqlite. */
  static open(dataDir: string): Store {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, DATABASE_FILE);
    const db = new Database(file);
    try {
      // Jobs hold clients' inputs and results: owner-only, like the token (the -wal and -shm
      // files SQLite creates take the database file's permissions).
      chmodSync(file, 0o600);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // Another process on the same data dir (a second companion by mistake) waits for a lock
      // instead of failing at once.
      db.pragma('busy_timeout = 5000');
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Store(db, file);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  // ---- jobs ----

  createJob(type: JobType, input: unknown, options: unknown): JobRecord {
    const job: JobRecord = { id: randomUUID(), type, state: 'queued', progress: 0, input, options: options ?? {}, createdAt: now() };
    this.db
      .prepare('INSERT INTO jobs (id, type, state, progress, input, options, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(job.id, type, job.state, 0, JSON.stringify(input ?? null), JSON.stringify(job.options), job.createdAt);
    return job;
  }

  /** The full record; `bodies: false` leaves input and result out (a status poll needs neither). */
  getJob(id: string, bodies: { input?: boolean; result?: boolean } = {}): JobRecord | undefined {
    const withInput = bodies.input !== false;
    const withResult = bodies.result !== false;
    const columns = `${SUMMARY_COLUMNS}${withInput ? ', input' : ''}${withResult ? ', result' : ''}`;
    const row = this.db.prepare(`SELECT ${columns} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
    if (!row) return undefined;
    const job = toSummary(row) as JobRecord;
    if (withInput) job.input = JSON.parse(row.input as string);
    if (withResult && row.result !== null && row.result !== undefined) job.result = JSON.parse(row.result);
    return job;
  }

  /** Newest first, without input and result bodies. */
  listJobs(filter: { state?: JobState; limit?: number } = {}): JobSummary[] {
    const where = filter.state ? 'WHERE state = ?' : '';
    const limit = filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM jobs ${where} ORDER BY created_at DESC, rowid DESC ${limit}`)
      .all(...(filter.state ? [filter.state] : [])) as JobRow[];
    return rows.map(toSummary);
  }

  /** Ids of the jobs in `state`, oldest first (the queue order). */
  jobIdsInState(state: JobState): string[] {
    return (this.db.prepare('SELECT id FROM jobs WHERE state = ? ORDER BY created_at, rowid').all(state) as { id: string }[]).map((r) => r.id);
  }

  countJobs(state: JobState): number {
    return (this.db.prepare('SELECT COUNT(*) AS c FROM jobs WHERE state = ?').get(state) as { c: number }).c;
  }

  /**
   * queued → running. Keeps the first start time across resumes; false if the job is no longer
   * queued (cancelled meanwhile).
   */
  markRunning(id: string): boolean {
    const t = now();
    return (
      this.db
        .prepare("UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND state = 'queued'")
        .run(t, id).changes === 1
    );
  }

  setProgress(id: string, progress: number): void {
    this.db.prepare("UPDATE jobs SET progress = ? WHERE id = ? AND state = 'running'").run(progress, id);
  }

  /** interrupted → queued (resume); false if the job was not interrupted. */
  requeue(id: string): boolean {
    return this.db.prepare("UPDATE jobs SET state = 'queued' WHERE id = ? AND state = 'interrupted'").run(id).changes === 1;
  }

  /** running → interrupted for one job (graceful shutdown); its checkpoint is kept. */
  markInterrupted(id: string): boolean {
    return this.db.prepare("UPDATE jobs SET state = 'interrupted' WHERE id = ? AND state = 'running'").run(id).changes === 1;
  }

  /**
   * Start-up after a crash or kill: every job still 'running' belonged to the dead process and
   * becomes 'interrupted', checkpoint kept. Returns their ids.
   */
  markRunningInterrupted(): string[] {
    return this.db.transaction(() => {
      const ids = this.jobIdsInState('running');
      this.db.prepare("UPDATE jobs SET state = 'interrupted' WHERE state = 'running'").run();
      return ids;
    })();
  }

  /**
   * Ends a job that has not ended yet: 'done' with its result, 'failed' with its error, or
   * 'cancelled'; its checkpoint goes in the same transaction. False if it had already ended.
   */
  finishJob(id: string, end: { state: 'done'; result: unknown } | { state: 'failed'; error: JobError } | { state: 'cancelled' }): boolean {
    return this.db.transaction(() => {
      const changed =
        this.db
          .prepare(
            `UPDATE jobs SET state = ?, finished_at = ?, result = ?, error = ?, progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END
             WHERE id = ? AND state IN ('queued', 'running', 'interrupted')`,
          )
          .run(
            end.state,
            now(),
            end.state === 'done' ? JSON.stringify(end.result) : null,
            end.state === 'failed' ? JSON.stringify(end.error) : null,
            end.state,
            id,
          ).changes === 1;
      if (changed) this.deleteCheckpointRows(id);
      return changed;
    })();
  }

  // ---- checkpoints ----

  /** Replaces the checkpoint state and appends its parts, atomically. */
  saveCheckpoint(jobId: string, write: CheckpointWrite): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO checkpoints (job_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at')
        .run(jobId, JSON.stringify(write.state), now());
      const insert = this.db.prepare('INSERT OR REPLACE INTO checkpoint_parts (job_id, part, data) VALUES (?, ?, ?)');
      for (const { part, data } of write.parts ?? []) insert.run(jobId, part, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    })();
  }

  loadCheckpoint(jobId: string): (StoredCheckpoint & { updatedAt: string }) | undefined {
    const row = this.db.prepare('SELECT state, updated_at FROM checkpoints WHERE job_id = ?').get(jobId) as { state: string; updated_at: string } | undefined;
    if (!row) return undefined;
    const parts = new Map<number, Uint8Array>();
    for (const p of this.db.prepare('SELECT part, data FROM checkpoint_parts WHERE job_id = ? ORDER BY part').iterate(jobId) as IterableIterator<{ part: number; data: Buffer }>) {
      parts.set(p.part, new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
    }
    return { state: JSON.parse(row.state), parts, updatedAt: row.updated_at };
  }

  deleteCheckpoint(jobId: string): void {
    this.db.transaction(() => this.deleteCheckpointRows(jobId))();
  }

  private deleteCheckpointRows(jobId: string): void {
    this.db.prepare('DELETE FROM checkpoint_parts WHERE job_id = ?').run(jobId);
    this.db.prepare('DELETE FROM checkpoints WHERE job_id = ?').run(jobId);
  }

  // ---- datasets ----

  createDataset(meta: DatasetRecord): void {
    this.db
      .prepare('INSERT INTO datasets (id, name, format, dtype, shape, bytes, path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(meta.id, meta.name, meta.format, meta.dtype, JSON.stringify(meta.shape), meta.bytes, meta.path, meta.createdAt);
  }

  getDataset(id: string): DatasetRecord | undefined {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
    return row && toDataset(row);
  }

  listDatasets(): DatasetRecord[] {
    return (this.db.prepare('SELECT * FROM datasets ORDER BY created_at DESC, rowid DESC').all() as DatasetRow[]).map(toDataset);
  }

  deleteDataset(id: string): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes === 1;
  }
}
