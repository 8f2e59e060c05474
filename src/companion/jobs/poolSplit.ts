/**
 * pool.split: PARTAGE.POOLSPLIT (DESIGN.md §7.2) on a usage log file of up to 10⁸ rows, read as
 * it is stored (a `kind=usage` upload, datasets/usageLog.ts), block by block, never whole.
 *
 * Request: input = { dataset (a usage log), amount, mode?: 'market' (default) | 'user' |
 * 'artist', threshold?: minimum plays or [minimum plays, minimum distinct users], boost? (2),
 * decimals? (2), userCap? }; no options. Result: { method: 'pool-split', mode, rows: [holder,
 * amount] for every holder in order of first appearance, total (the amount as distributed),
 * totalUnits, decimals, rowsRead, passes, holders, users, holdersReached, countedUsers (user
 * mode), rounding, grouping } plus what the runner adds (engineVersion, backend, time).
 *
 * How: the engine's pool split (src/engine/remuneration/poolSplit.ts) in its streaming form.
 * A unit reads one block of the file (a CSV block cut at a record boundary, or a Parquet row
 * range) on a worker thread, checks it with checkUsageChunk and gives its users and holders
 * local ids, in first-appearance order within the block. The main thread maps them to the
 * job's ids in unit order (so ids are in first-appearance order in the file, as the function's)
 * and runs the engine's passes on the block: pass 1 (censusPass) on the first read; then, only
 * when the plan needs them, pass 2 (userPass, user mode) and pass 3 (claimPass: user mode, or a
 * user cap) on a re-read of the file. Without a cap and outside user mode a holder's claim is
 * linear in its plays and active plays, so pass 3 runs once on per-holder totals gathered in
 * pass 1 instead of re-reading the file: the same integers, one read instead of two.
 *
 * Repeated (user, holder) pairs: the engine's census counts distinct users as rows, which is
 * exact only if each pair comes once. The job marks, per holder, the last user seen and, per
 * user, the last holder seen: a row repeating its pair within a run of one user's rows or of one
 * holder's rows is found and counts no second user, so a log grouped by user or by holder may
 * repeat pairs (they are added, as the function adds them). A distinct-users threshold on a log
 * grouped neither way, whose repeats could not be seen, is refused rather than miscounted.
 *
 * Memory (what is kept): the user and holder keys (one Map entry each) and holder names; per
 * holder and per user a few float64/int32 sums (plays, users, active plays, last seen); the
 * claims, one entry per distinct (denominator, holder) pair (none in market mode without a cap;
 * at most one per distinct user total and holder otherwise); and the blocks in flight (a few
 * MiB each). Never the rows.
 *
 * Units: the first reads the layout (Parquet: columns and row groups; CSV: whether the file has
 * any quote character). A CSV log without quotes is cut into byte ranges (~4 MiB) that any
 * thread reads on its own, since every newline then ends a record; one with quotes is read in
 * blocks one after another, each starting where the previous one's last record ended. Parquet
 * row ranges are independent too. Outputs are merged in file order whatever order they arrive
 * in, and a refused row is reported when its unit is merged, so the error names the file's line
 * (counted from the newlines of the earlier units) and is the first one in the file. Progress:
 * units (or bytes) merged over the passes the plan needs. Cancel stops between units. No
 * checkpoint: a resumed job reads the file again from the start.
 */
import {
  censusPass,
  checkPoolOptions,
  checkUsageChunk,
  claimPass,
  newCensus,
  newClaims,
  planOf,
  splitClaims,
  userPass,
  type AggregatedChunk,
  type CheckedPoolOptions,
  type PoolCensus,
  type PoolClaims,
  type PoolMode,
  type PoolPlan,
} from '../../engine/remuneration/poolSplit';
import { EngineInputError } from '../../engine/errors';
import { statSync } from 'node:fs';
import {
  csvLayoutOf,
  describeProblem,
  hasQuotes,
  parquetLayoutOf,
  readCsvUsageBlock,
  readCsvUsageRange,
  readParquetUsageRows,
  USAGE_DTYPE,
  UsageRowError,
  type CsvLayout,
  type ParquetLayout,
  type UsageFormat,
  type UsageRowProblem,
} from '../datasets/usageLog';
import { engineInput, inputError, JobInputError } from './errors';
import { datasetRecord, describe, isAbsent, optionsRecord, requireRecord } from './shared';
import type { AsyncWorkerJob, Execution, JobDefinition, WorkUnit } from './types';

const INPUT_FIELDS = ['dataset', 'amount', 'mode', 'threshold', 'boost', 'decimals', 'userCap'];
const MODES: readonly PoolMode[] = ['market', 'user', 'artist'];

/**
 * Unit sizes, read when a job starts (tests shrink them to cross block boundaries). CSV: bytes
 * per block, ~0.2 s of reading and a few MiB of ids and plays in flight. Parquet: rows per unit
 * (a larger row group is read in ranges).
 */
export const poolSplitUnits = { csvBlockBytes: 4 * 1024 * 1024, parquetRows: 1 << 18 };

/** Fields the engine names, as request paths. */
const ENGINE_FIELDS: Readonly<Record<string, string>> = {
  usage: 'input.dataset',
  users: 'input.dataset',
  holders: 'input.dataset',
  plays: 'input.dataset',
  activePlays: 'input.dataset',
};

export interface PoolSplitJob {
  readonly dataset: string;
  readonly path: string;
  readonly format: UsageFormat;
  readonly amount: number;
  readonly options: CheckedPoolOptions;
  readonly request: { mode: PoolMode; threshold: number | [number, number] | null; boost: number; decimals: number; userCap: number | null };
}

export type PoolSplitContext = { kind: 'pool.split'; path: string } & ({ format: 'csv'; layout: CsvLayout; columns: number; blockBytes: number } | { format: 'parquet' });

/**
 * The first unit reads the file's layout (Parquet: columns and row groups; CSV: whether it has
 * quotes). Then: a CSV byte range (no quotes: independent ranges), a CSV block from `start`
 * (quotes: one after another), or a Parquet row range.
 */
export type PoolUnit =
  | { pass: 0; layout: true }
  | { pass: number; start: number; stop: number }
  | { pass: number; start: number }
  | { pass: number; rowStart: number; rows: number; columns: string[] };

type UnitSpec = { start: number; stop: number } | { rowStart: number; rows: number };

export interface PoolUnitOutput {
  /** The answers of the layout unit. */
  layout?: ParquetLayout;
  csv?: { quoted: boolean; size: number };
  /** A refused row, reported when the unit is merged in order (CSV lines are then known). */
  problem?: UsageRowProblem;
  chunk: AggregatedChunk;
  /** Folded keys of the block's users and holders, by local id. */
  userKeys: string[];
  holderKeys: string[];
  /** First spelling of each local holder (pass 1 only; empty after). */
  holderNames: string[];
  /** CSV: where the next block starts and the block's newlines. */
  end?: number;
  lines?: number;
  size?: number;
}

function finiteNumber(field: string, x: unknown, least: number, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < least) throw inputError(field, `must be ${what}, got ${describe(x)}`);
  return x;
}

export const poolSplit: JobDefinition<PoolSplitJob> = {
  type: 'pool.split',

  validate(input, options, env) {
    const body = requireRecord('input', input);
    for (const key of Object.keys(body)) {
      if (!INPUT_FIELDS.includes(key)) throw inputError(`input.${key}`, `is not a field of a pool.split input (${INPUT_FIELDS.join(', ')})`);
    }
    for (const key of Object.keys(optionsRecord(options))) throw inputError(`options.${key}`, 'is not an option of pool.split, which has none');
    const record = datasetRecord(env.catalogue, 'input.dataset', body.dataset);
    if (record.dtype !== USAGE_DTYPE || (record.format !== 'csv' && record.format !== 'parquet')) {
      throw inputError('input.dataset', `dataset "${record.id}" is not a usage log; upload the CSV or Parquet file with kind=usage (POST /v1/datasets?kind=usage)`);
    }
    const amount = finiteNumber('input.amount', body.amount, 0, 'a finite amount ≥ 0');
    let mode: PoolMode = 'market';
    if (!isAbsent(body.mode)) {
      const m = typeof body.mode === 'string' ? body.mode.trim().toLowerCase().replace(/-centric$/, '') : body.mode;
      if (!MODES.includes(m as PoolMode)) throw inputError('input.mode', `must be "market", "user" or "artist", got ${describe(body.mode)}`);
      mode = m as PoolMode;
    }
    let threshold: number | [number, number] | null = null;
    let minPlays: number | undefined;
    let minUsers: number | undefined;
    if (!isAbsent(body.threshold)) {
      if (Array.isArray(body.threshold)) {
        if (body.threshold.length < 1 || body.threshold.length > 2) throw inputError('input.threshold', `must be minimum plays or [minimum plays, minimum distinct users], got ${describe(body.threshold)}`);
        minPlays = finiteNumber('input.threshold', body.threshold[0], 0, 'a number of plays ≥ 0');
        minUsers = body.threshold.length === 2 ? finiteNumber('input.threshold', body.threshold[1], 0, 'a number of users ≥ 0') : undefined;
      } else {
        minPlays = finiteNumber('input.threshold', body.threshold, 0, 'a number of plays ≥ 0 or [minimum plays, minimum distinct users]');
      }
      threshold = minUsers === undefined ? minPlays : [minPlays, minUsers];
    }
    const boost = isAbsent(body.boost) ? undefined : finiteNumber('input.boost', body.boost, -Infinity, 'a number');
    const decimals = isAbsent(body.decimals) ? undefined : finiteNumber('input.decimals', body.decimals, -Infinity, 'a number');
    const userCap = isAbsent(body.userCap) ? undefined : finiteNumber('input.userCap', body.userCap, -Infinity, 'a number of plays > 0');
    const checked = engineInput('input', () => checkPoolOptions({ mode, minPlays, minUsers, boost, decimals, userCap }));
    const value: PoolSplitJob = {
      dataset: record.id,
      path: record.path,
      format: record.format,
      amount,
      options: checked,
      request: { mode, threshold, boost: boost ?? 2, decimals: checked.decimals, userCap: userCap ?? null },
    };
    return { value, options: {} };
  },

  start(job) {
    return new PoolSplitExecution(job);
  },
};

/** Per-id arrays that grow with the ids (users and holders are discovered as pass 1 reads). */
class Growing {
  census: PoolCensus = newCensus(1024, 1024);
  activeByHolder = new Float64Array(1024);
  lastUserOfHolder = new Int32Array(1024).fill(-1);
  lastHolderOfUser = new Int32Array(1024).fill(-1);

  ensure(holders: number, users: number): void {
    const c = this.census;
    if (holders > c.holderPlays.length || users > c.userPlays.length) {
      const h = holders > c.holderPlays.length ? Math.max(holders, 2 * c.holderPlays.length) : c.holderPlays.length;
      const u = users > c.userPlays.length ? Math.max(users, 2 * c.userPlays.length) : c.userPlays.length;
      const next = newCensus(h, u);
      next.holderPlays.set(c.holderPlays);
      next.holderUsers.set(c.holderUsers);
      next.userPlays.set(c.userPlays);
      this.census = next;
      this.activeByHolder = grown(this.activeByHolder, h, 0);
      this.lastUserOfHolder = grown(this.lastUserOfHolder, h, -1);
      this.lastHolderOfUser = grown(this.lastHolderOfUser, u, -1);
    }
  }
}

function grown<T extends Float64Array | Int32Array>(a: T, length: number, fill: number): T {
  if (length <= a.length) return a;
  const out = new (a.constructor as new (n: number) => T)(length);
  out.set(a);
  out.fill(fill, a.length);
  return out;
}

class PoolSplitExecution implements Execution {
  readonly context: PoolSplitContext;
  /** 1 census, 2 user pass, 3 claim pass; the passes this plan reads the file for. */
  private readonly passes: number[];
  private passIndex = 0;
  private readonly userIds = new Map<string, number>();
  private readonly holderIds = new Map<string, number>();
  private readonly holderNames: string[] = [];
  private readonly growing = new Growing();
  private census: PoolCensus | undefined;
  private plan: PoolPlan | undefined;
  private claims: PoolClaims | undefined;
  private done: Record<string, unknown> | undefined;
  private rowsRead = 0;
  private rowsPerPass = 0;
  // Pass 1's view of the order of the rows.
  private seenUsers = 0;
  private seenHolders = 0;
  private previousUser = -1;
  private previousHolder = -1;
  private userGrouped = true;
  private holderGrouped = true;
  private firstUserBreak = 0;
  private firstHolderBreak = 0;
  // Units of the current pass: handed out, and outputs waiting for earlier ones.
  private nextIndex = 0;
  private mergedIndex = 0;
  private readonly waiting = new Map<number, { unit: PoolUnit; output: PoolUnitOutput }>();
  private inFlight = 0;
  // The units of a pass, known after the layout unit; or, for a CSV log with quotes, blocks
  // read one after another from csvNext.
  private units: UnitSpec[] | 'sequential' | undefined;
  private columns: string[] = [];
  private csvNext: number | undefined = 0;
  private csvSize = 1;
  private csvDone = 0;
  private linesBefore = 0;
  private layoutAsked = false;
  private unitBase = 0;

  constructor(private readonly job: PoolSplitJob) {
    const context = engineInput('input', () => layoutOf(job));
    this.context = context;
    const o = job.options;
    this.passes = o.mode === 'user' ? [1, 2, 3] : o.capNumerator !== null ? [1, 3] : [1];
  }

  private get pass(): number {
    return this.passes[this.passIndex];
  }

  next(): WorkUnit | undefined {
    if (this.done || this.passIndex >= this.passes.length) return undefined;
    if (!this.units) {
      if (this.layoutAsked) return undefined;
      this.layoutAsked = true;
      this.inFlight++;
      return { index: -1, payload: { pass: 0, layout: true } satisfies PoolUnit };
    }
    const index = this.unitBase + this.nextIndex;
    let payload: PoolUnit;
    if (this.units === 'sequential') {
      if (this.csvNext === undefined || this.inFlight > 0) return undefined;
      payload = { pass: this.pass, start: this.csvNext };
      this.csvNext = undefined;
    } else {
      if (this.nextIndex >= this.units.length) return undefined;
      const spec = this.units[this.nextIndex];
      payload = 'rows' in spec ? { pass: this.pass, ...spec, columns: this.columns } : { pass: this.pass, ...spec };
    }
    this.nextIndex++;
    this.inFlight++;
    return { index, payload };
  }

  accept(unit: WorkUnit, output: unknown): void {
    this.inFlight--;
    const out = output as PoolUnitOutput;
    if (out && (out.layout || out.csv)) return this.layoutKnown(out);
    if (!out || !out.chunk || !Array.isArray(out.userKeys)) throw new Error(`unit ${unit.index} returned a malformed result`);
    this.waiting.set(unit.index - this.unitBase, { unit: unit.payload as PoolUnit, output: out });
    while (this.waiting.has(this.mergedIndex)) {
      const { unit: payload, output: next } = this.waiting.get(this.mergedIndex)!;
      this.waiting.delete(this.mergedIndex);
      this.mergedIndex++;
      engineInput('input', () => this.merge(payload, next), ENGINE_FIELDS);
    }
    if (this.passComplete()) this.endPass();
  }

  private layoutKnown(out: PoolUnitOutput): void {
    if (out.layout) {
      this.columns = out.layout.columns;
      const most = poolSplitUnits.parquetRows;
      const units: UnitSpec[] = [];
      for (const [start, rows] of out.layout.groups) {
        for (let r = 0; r < rows; r += most) units.push({ rowStart: start + r, rows: Math.min(most, rows - r) });
      }
      this.units = units;
      return;
    }
    const { quoted, size } = out.csv!;
    this.csvSize = size;
    if (quoted) {
      this.units = 'sequential';
      return;
    }
    const bytes = (this.context as { blockBytes: number }).blockBytes;
    const units: UnitSpec[] = [];
    for (let start = 0; start < size; start += bytes) units.push({ start, stop: Math.min(size, start + bytes) });
    this.units = units;
  }

  private passComplete(): boolean {
    if (this.units === 'sequential') return this.csvNext === undefined && this.inFlight === 0 && this.csvDone >= this.csvSize;
    return this.units !== undefined && this.mergedIndex === this.units.length;
  }

  private merge(unit: PoolUnit, out: PoolUnitOutput): void {
    if (out.problem) {
      const p = out.problem;
      const number = p.unit === 'line' ? p.number + this.linesBefore : p.number;
      throw new JobInputError('input.dataset', `input.dataset, ${describeProblem({ ...p, number })}`, number - 1);
    }
    const chunk = out.chunk;
    if ('start' in unit) {
      this.csvSize = out.size!;
      this.csvDone = out.end!;
      this.linesBefore += out.lines!;
      if (this.units === 'sequential') this.csvNext = out.end! < out.size! ? out.end! : undefined;
    }
    const pass = unit.pass;
    const users = this.globalIds(out.userKeys, this.userIds, pass, null);
    const holders = this.globalIds(out.holderKeys, this.holderIds, pass, out.holderNames);
    const n = chunk.users.length;
    for (let i = 0; i < n; i++) {
      chunk.users[i] = users[chunk.users[i]];
      chunk.holders[i] = holders[chunk.holders[i]];
    }
    this.rowsRead += n;
    if (pass === 1) this.census1(chunk);
    else if (pass === 2) userPass(this.plan!, chunk);
    else claimPass(this.claims!, this.plan!, chunk);
  }

  /** Local ids of a block to the job's ids; pass 1 gives new names the next ids. */
  private globalIds(keys: string[], ids: Map<string, number>, pass: number, names: string[] | null): Int32Array {
    const out = new Int32Array(keys.length);
    for (let k = 0; k < keys.length; k++) {
      let id = ids.get(keys[k]);
      if (id === undefined) {
        if (pass !== 1) throw new JobInputError('input.dataset', `input.dataset: the file changed while the job read it (a name appeared that its first reading did not have)`);
        id = ids.size;
        ids.set(keys[k], id);
        if (names) this.holderNames.push(names[k]);
      }
      out[k] = id;
    }
    return out;
  }

  /** Pass 1 on a block (ids already the job's), with the repeated-pair correction. */
  private census1(chunk: AggregatedChunk): void {
    const g = this.growing;
    g.ensure(this.holderIds.size, this.userIds.size);
    censusPass(g.census, chunk);
    const { holderUsers } = g.census;
    const { activeByHolder, lastUserOfHolder, lastHolderOfUser } = g;
    for (let i = 0; i < chunk.users.length; i++) {
      const u = chunk.users[i];
      const h = chunk.holders[i];
      const row = this.rowsRead - chunk.users.length + i;
      if (u >= this.seenUsers) this.seenUsers = u + 1;
      else if (u !== this.previousUser && this.userGrouped) (this.userGrouped = false), (this.firstUserBreak = row);
      if (h >= this.seenHolders) this.seenHolders = h + 1;
      else if (h !== this.previousHolder && this.holderGrouped) (this.holderGrouped = false), (this.firstHolderBreak = row);
      this.previousUser = u;
      this.previousHolder = h;
      if (chunk.plays[i] === 0) continue;
      activeByHolder[h] += chunk.active[i];
      // censusPass counted one user per row with plays; a repeated pair is the same user.
      if (lastUserOfHolder[h] === u || lastHolderOfUser[u] === h) holderUsers[h] -= 1;
      lastUserOfHolder[h] = u;
      lastHolderOfUser[u] = h;
    }
  }

  private endPass(): void {
    if (this.rowsRead === 0 && this.pass === 1) throw inputError('input.dataset', 'the usage log has no rows [user, holder, plays]');
    if (this.pass === 1) this.rowsPerPass = this.rowsRead;
    if (this.pass === 1) {
      const H = this.holderIds.size;
      const U = this.userIds.size;
      const c = this.growing.census;
      const census: PoolCensus = { holderPlays: c.holderPlays.subarray(0, H), holderUsers: c.holderUsers.subarray(0, H), userPlays: c.userPlays.subarray(0, U) };
      if (this.job.options.minUsers > 0 && !this.userGrouped && !this.holderGrouped) {
        throw inputError(
          'input.dataset',
          `a threshold on distinct users needs a log whose rows are grouped by user or by holder (each user's rows together, or each holder's), so that a repeated (user, holder) pair counts one user; data row ${this.firstUserBreak + 1} returns to an earlier user and data row ${this.firstHolderBreak + 1} to an earlier holder: sort the file by user or by holder`,
        );
      }
      this.census = census;
      this.plan = engineInput('input', () => planOf(census, this.job.options), ENGINE_FIELDS);
      this.claims = newClaims(H);
      if (!this.passes.includes(3)) {
        // No cap, not user mode: a holder's claim is (plays − active)·w + active·w', linear in
        // its totals, so the claim pass runs on one row per holder.
        const holders = Int32Array.from({ length: H }, (_, h) => h);
        const totals: AggregatedChunk = { users: new Int32Array(H), holders, plays: census.holderPlays, active: this.growing.activeByHolder.subarray(0, H) };
        claimPass(this.claims, this.plan, totals);
      }
    }
    this.passIndex++;
    if (this.passIndex < this.passes.length) {
      this.unitBase += this.nextIndex;
      this.nextIndex = 0;
      this.mergedIndex = 0;
      this.rowsRead = 0;
      this.csvNext = 0;
      this.csvDone = 0;
      this.linesBefore = 0;
      return;
    }
    this.finish();
  }

  private finish(): void {
    const census = this.census!;
    const split = engineInput('input', () => splitClaims(this.claims!, this.plan!, census, this.job.amount, this.job.options.decimals), ENGINE_FIELDS);
    const { request } = this.job;
    this.done = {
      method: 'pool-split',
      mode: request.mode,
      rows: this.holderNames.map((name, h) => [name, split.amounts[h]]),
      total: split.total,
      totalUnits: split.totalUnits.toString(),
      decimals: split.decimals,
      rowsRead: this.rowsPerPass,
      passes: this.passes.length,
      holders: this.holderNames.length,
      users: this.userIds.size,
      holdersReached: split.reached.filter(Boolean).length,
      ...(split.countedUsers !== null ? { countedUsers: split.countedUsers } : {}),
      threshold: request.threshold,
      ...(request.mode === 'artist' ? { boost: request.boost } : {}),
      userCap: request.userCap,
      rounding: split.rounding,
      grouping: this.userGrouped ? 'user' : this.holderGrouped ? 'holder' : 'none',
    };
  }

  finished(): boolean {
    return this.done !== undefined;
  }

  progress(): number {
    if (this.done) return 1;
    const within = this.units === undefined ? 0 : this.units === 'sequential' ? this.csvDone / Math.max(1, this.csvSize) : this.mergedIndex / Math.max(1, this.units.length);
    return Math.min(1, (this.passIndex + within) / this.passes.length);
  }

  checkpoint() {
    return undefined;
  }

  result(): Record<string, unknown> {
    if (!this.done) throw new Error('pool.split: the result was asked for before the last pass');
    return this.done;
  }
}

/**
 * A CSV log's layout, read when the job starts (a file refused here fails the job, naming it);
 * a Parquet log's is read by the first unit, since hyparquet reads asynchronously.
 */
function layoutOf(job: PoolSplitJob): PoolSplitContext {
  if (job.format === 'parquet') return { kind: 'pool.split', path: job.path, format: 'parquet' };
  try {
    const { columns, ...layout } = csvLayoutOf(job.path);
    return { kind: 'pool.split', path: job.path, format: 'csv', layout, columns, blockBytes: poolSplitUnits.csvBlockBytes };
  } catch (error) {
    throw fileError(error);
  }
}

function fileError(error: unknown): unknown {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return inputError('input.dataset', 'the usage log file is missing from the data dir: delete the dataset and upload it again');
  if (error instanceof Error && error.name === 'DatasetFormatError') return inputError('input.dataset', error.message);
  return error;
}

// ---- worker half --------------------------------------------------------------------------

/** Dense ids in order of first appearance within a block, by folded name (PARTAGE.POOLSPLIT's rule). */
class BlockIds {
  readonly keys: string[] = [];
  readonly names: string[] = [];
  private readonly byText = new Map<string, number>();
  private readonly byKey = new Map<string, number>();

  private lastText = '';
  private lastId = -1;

  idOf(text: string): number {
    // Logs grouped by user repeat the same user row after row.
    if (text === this.lastText) return this.lastId;
    const known = this.byText.get(text);
    this.lastText = text;
    if (known !== undefined) return (this.lastId = known);
    const key = text.normalize('NFC').toLowerCase();
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.names.push(text);
      this.byKey.set(key, id);
    }
    this.byText.set(text, id);
    return (this.lastId = id);
  }
}

/** Grows typed columns of a block as rows arrive. */
class BlockRows {
  n = 0;
  users = new Int32Array(1 << 16);
  holders = new Int32Array(1 << 16);
  plays = new Float64Array(1 << 16);
  active = new Float64Array(1 << 16);
  fileRows = new Float64Array(1 << 16);

  push(u: number, h: number, p: number, a: number, row: number): void {
    if (this.n === this.users.length) {
      const size = 2 * this.n;
      this.users = grown(this.users, size, 0);
      this.holders = grown(this.holders, size, 0);
      this.plays = grown(this.plays, size, 0);
      this.active = grown(this.active, size, 0);
      this.fileRows = grown(this.fileRows, size, 0);
    }
    this.users[this.n] = u;
    this.holders[this.n] = h;
    this.plays[this.n] = p;
    this.active[this.n] = a;
    this.fileRows[this.n] = row;
    this.n++;
  }
}

export const poolSplitWorker: AsyncWorkerJob<PoolSplitContext> = {
  setup(context) {
    return context as PoolSplitContext;
  },
  async run(context, payload) {
    const unit = payload as PoolUnit;
    if ('layout' in unit) {
      try {
        if (context.format === 'parquet') return { output: { layout: await parquetLayoutOf(context.path) } };
        return { output: { csv: { quoted: hasQuotes(context.path), size: statSync(context.path).size } } };
      } catch (error) {
        throw fileError(error);
      }
    }
    const users = new BlockIds();
    const holders = new BlockIds();
    const rows = new BlockRows();
    const visit = (user: string, holder: string, plays: number, active: number, row: number) => rows.push(users.idOf(user), holders.idOf(holder), plays, active, row);
    let block: { end: number; lines: number; size: number } | undefined;
    const empty = (problem: UsageRowProblem) => ({ output: { problem, chunk: checkUsageChunk({ users: [], holders: [], plays: [] }), userKeys: [], holderKeys: [], holderNames: [] } });
    try {
      if (context.format === 'csv' && 'stop' in unit) {
        block = readCsvUsageRange(context.path, unit.start, unit.stop, context.layout, context.columns, visit);
      } else if (context.format === 'csv' && 'start' in unit) {
        block = readCsvUsageBlock(context.path, unit.start, context.blockBytes, context.layout, context.columns, visit);
      } else if (context.format === 'parquet' && 'rowStart' in unit) {
        await readParquetUsageRows(context.path, unit.columns, unit.rowStart, unit.rows, visit);
      } else {
        throw new Error('pool.split: a unit of the wrong format');
      }
    } catch (error) {
      if (error instanceof UsageRowError) return empty(error.problem);
      throw fileError(error);
    }
    const n = rows.n;
    let chunk: AggregatedChunk;
    try {
      chunk = checkUsageChunk({ users: rows.users.subarray(0, n), holders: rows.holders.subarray(0, n), plays: rows.plays.subarray(0, n), activePlays: rows.active.subarray(0, n) });
    } catch (error) {
      if (error instanceof EngineInputError && error.index !== undefined) {
        const column = error.field === 'activePlays' ? ', activePlays' : error.field === 'plays' ? ', plays' : '';
        return empty({ unit: context.format === 'csv' ? 'line' : 'row', number: rows.fileRows[error.index] + 1, column, detail: error.detail });
      }
      throw error;
    }
    const output: PoolUnitOutput = {
      chunk,
      userKeys: users.keys,
      holderKeys: holders.keys,
      holderNames: unit.pass === 1 ? holders.names : [],
      ...(block ? { end: block.end, lines: block.lines, size: block.size } : {}),
    };
    return { output, transfer: [chunk.users.buffer, chunk.holders.buffer, chunk.plays.buffer, chunk.active.buffer] as ArrayBuffer[] };
  },
};
