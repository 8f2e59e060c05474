import type { Database } from 'better-sqlite3';

/**
 * The schema as an ordered list of migrations. A database records the number of migrations
 * applied (schema_version); opening it applies the missing ones in order, each in its own
 * transaction, so that an older data dir is upgraded in place and a crash mid-upgrade leaves it
 * at the last complete version. Never edit a published migration: append a new one.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs, checkpoints, checkpoint parts, datasets',
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id          TEXT PRIMARY KEY,
          type        TEXT NOT NULL,
          state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
          progress    REAL NOT NULL DEFAULT 0,
          input       TEXT NOT NULL,
          options     TEXT NOT NULL,
          created_at  TEXT NOT NULL,
          started_at  TEXT,
          finished_at TEXT,
          result      TEXT,
          error       TEXT
        );
        -- start-up finds running and queued jobs without scanning the bodies
        CREATE INDEX jobs_by_state ON jobs (state);

        -- One row per job: the latest merged state (a sampling accumulator, the plan of a
        -- chunked job). Replaced at each checkpoint.
        CREATE TABLE checkpoints (
          job_id     TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
          state      TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );

        -- Finished units of chunked jobs (exact players, attribution rows), appended once each
        -- as binary float64, so that a checkpoint never rewrites what an earlier one stored.
        CREATE TABLE checkpoint_parts (
          job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
          part   INTEGER NOT NULL,
          data   BLOB NOT NULL,
          PRIMARY KEY (job_id, part)
        );

        CREATE TABLE datasets (
          id         TEXT PRIMARY KEY,
          name       TEXT NOT NULL,
          format     TEXT NOT NULL CHECK (format IN ('npy', 'csv', 'parquet')),
          dtype      TEXT NOT NULL,
          shape      TEXT NOT NULL,
          bytes      INTEGER NOT NULL,
          path       TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
      `);
    },
  },
];

export function schemaVersion(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  return row?.version ?? 0;
}

/** Applies the migrations the database lacks; returns the resulting version. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i + 1} is numbered ${m.version}: migrations must be numbered 1, 2, 3… in order`);
  });
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(
      `the database was written by a newer partage (schema version ${current}, this one knows ${migrations.length}); ` +
        'upgrade partage or use another --data-dir',
    );
  }
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.prepare('DELETE FROM schema_version').run();
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    })();
  }
  return migrations.length;
}
