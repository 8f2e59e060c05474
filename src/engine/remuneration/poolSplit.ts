import { EngineInputError } from '../errors';
import { decimalOf, powerOfTen } from '../exact/decimal';
import { checkDecimals, largestRemainder, roundHalfUp, unitsToNumber } from '../exact/largestRemainder';

/**
 * How a pool is shared by use (report §4.2.3): market-centric (pro rata of plays), user-centric
 * (each listener's equal part split by that listener's own plays) or artist-centric (Deezer and
 * Universal: plays of holders above the threshold, and plays the listener sought out, weigh more).
 */
export type PoolMode = 'market' | 'user' | 'artist';

export interface PoolSplitOptions {
  mode?: PoolMode;
  /** A holder reaches the threshold with at least this many plays (uncapped). Default 0. */
  minPlays?: number;
  /** … and plays by at least this many distinct users. Default 0. */
  minUsers?: number;
  /** Artist mode: weight of a play of a holder that reaches the threshold, and again of an active play. Default 2. */
  boost?: number;
  /** Decimals of the amounts, 0..10. Default 2. */
  decimals?: number;
  /** No user weighs more than this many plays: a user above it has every play scaled by cap ÷ its plays. */
  userCap?: number;
}

/**
 * A slice of a usage log in columns, one entry per row `[user, holder, plays, activePlays]`.
 * Users and holders are dense ids (0, 1, 2…) chosen by the caller: the engine never sees
 * names, so a sheet, a CSV and a Parquet file all arrive the same way. Holder ids should be
 * given in order of first appearance, since results are listed by id.
 */
export interface UsageChunk {
  readonly users: ArrayLike<number>;
  readonly holders: ArrayLike<number>;
  readonly plays: ArrayLike<number>;
  /** Plays the listener sought out (≤ plays). Only artist mode reads them. */
  readonly activePlays?: ArrayLike<number>;
}

export interface PoolSplitResult {
  /** Per holder id: units / 10^decimals, the float64 nearest to each rounded amount. */
  amounts: Float64Array;
  /** The amounts in whole units of 10^-decimals; they sum exactly to totalUnits. */
  units: bigint[];
  totalUnits: bigint;
  /** The amount rounded to `decimals` (halves up), as distributed. */
  total: number;
  decimals: number;
  /** Per holder: whether it reached the threshold (plays and distinct users, uncapped). */
  reached: boolean[];
  /** Per holder: total plays (uncapped) and distinct users with at least one play. */
  plays: Float64Array;
  users: Float64Array;
  /** User mode: the users that carry an equal part (those with a counted play); null otherwise. */
  countedUsers: number | null;
  /**
   * How the remainders were compared: "exact" (claims as exact integers) or "interval" (claims
   * bounded to 2^-128, enough to decide; see unitsByIntervals). The units are the same either way.
   */
  rounding: 'exact' | 'interval';
}

const SAFE = Number.MAX_SAFE_INTEGER;
// A dense (denominator, holder) key stays an exact float64 below 2^53.
const MAX_HOLDERS = 2 ** 26;
const MAX_USERS = 2 ** 31 - 1;

/**
 * Collects a usage log chunk by chunk and splits the pool when it is complete.
 *
 * Exactness: every holder's claim is Σ_u x_uh / d_u, a sum of per-user fractions — x the
 * (integer, possibly boosted) plays, d_u 1 for a plain user, the user's plays for a capped
 * user (the cap's factor is common to every capped user), the user's counted plays in user
 * mode. Per-user terms are gathered by denominator with exact float64 integer sums (one entry
 * per distinct (denominator, holder) pair). The rounding is then decided on claims bounded to
 * 2^-128 (unitsByIntervals), which settles every case but a tie or a near-tie; those are
 * decided on the exact claims, integers over L, the least common multiple of the
 * denominators, in BigInt (exactClaims), so ties go to the earlier holder exactly as the
 * largest-remainder rule (exact/largestRemainder.ts) says. Cost: O(rows) float64 work, one
 * short BigInt division per entry, and, only for a tie, one BigInt product per entry whose
 * size grows with the number of distinct denominators (market mode without a cap has none).
 *
 * Streaming and merging: `add` checks a chunk and keeps a typed-array copy; `finish` merges
 * repeated (user, holder) pairs, then runs three passes, each a sum over rows, so each merges
 * by plain addition: (1) per holder, uncapped
 * plays and distinct users, and per user, total plays; (2) per user, the plays on counted
 * holders (user mode); (3) per (denominator, holder), the numerators. Sums of integers are
 * exact, so any chunking, any order and any split among workers give the same claims bit for
 * bit. A companion streaming a file of 10⁸ rows re-reads it once per pass, each chunk through
 * `checkUsageChunk` then `censusPass`, `userPass` or `claimPass` (`planOf` between passes 1
 * and 2, `splitClaims` at the end): the same code, keeping per-holder and per-user arrays and
 * one entry per distinct (denominator, holder) pair, never the rows; partial results of workers
 * merge by `mergeCensus`, `mergeUserPass` and `mergeClaims`. Distinct users are counted as rows with plays > 0, which is exact
 * because the rows given to these passes have each (user, holder) pair once (the contract's
 * "aggregated per user and holder"; a streamed file must be, an in-memory log is merged by
 * `finish`). Ids are dense: per-user and per-holder arrays are as long as the largest id.
 */
export class PoolAccumulator {
  private readonly chunks: AggregatedChunk[] = [];
  private rowCount = 0;
  private holderCount = 0;
  private userCount = 0;
  private readonly options: CheckedPoolOptions;

  constructor(options: PoolSplitOptions = {}) {
    this.options = checkPoolOptions(options);
  }

  /** Adds rows; rows are numbered across chunks (from 0) in error messages. */
  add(chunk: UsageChunk): this {
    const checked = checkUsageChunk(chunk, this.rowCount);
    this.rowCount += checked.users.length;
    for (let i = 0; i < checked.users.length; i++) {
      if (checked.holders[i] >= this.holderCount) this.holderCount = checked.holders[i] + 1;
      if (checked.users[i] >= this.userCount) this.userCount = checked.users[i] + 1;
    }
    this.chunks.push(checked);
    return this;
  }

  /** Splits `amount` over everything added. */
  finish(amount: number): PoolSplitResult {
    amountUnits(amount, this.options.decimals);
    const log = mergeRepeatedPairs(this.chunks, this.userCount, this.holderCount);
    const census = newCensus(this.holderCount, this.userCount);
    censusPass(census, log);
    const plan = planOf(census, this.options);
    userPass(plan, log);
    const claims = newClaims(this.holderCount);
    claimPass(claims, plan, log);
    return splitClaims(claims, plan, census, amount, this.options.decimals);
  }
}

/** The amount in whole units of 10^-decimals (halves up), or an input error naming it. */
function amountUnits(amount: number, decimals: number): bigint {
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
    throw new EngineInputError('amount', undefined, `expected a finite amount ≥ 0, got ${String(amount)}`);
  }
  return roundHalfUp(decimalOf(amount), decimals);
}

/**
 * A chunk checked and copied into typed arrays; `firstRow` numbers its rows in messages. What
 * a streaming reader hands to the passes (after making sure each pair comes once).
 */
export function checkUsageChunk(chunk: UsageChunk, firstRow = 0): AggregatedChunk {
  const n = chunk.users.length;
  if (chunk.holders.length !== n || chunk.plays.length !== n || (chunk.activePlays !== undefined && chunk.activePlays.length !== n)) {
    throw new RangeError('checkUsageChunk: the columns of a chunk must have the same length');
  }
  const users = new Int32Array(n);
  const holders = new Int32Array(n);
  const plays = new Float64Array(n);
  const active = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = firstRow + i;
    const u = chunk.users[i];
    const h = chunk.holders[i];
    if (!Number.isInteger(u) || u < 0 || u >= MAX_USERS) throw new EngineInputError('users', row, `expected a user id from 0 to ${MAX_USERS - 1}, got ${u}`);
    if (!Number.isInteger(h) || h < 0 || h >= MAX_HOLDERS) throw new EngineInputError('holders', row, `expected a holder id from 0 to ${MAX_HOLDERS - 1}, got ${h}`);
    const p = chunk.plays[i];
    if (!Number.isInteger(p) || p < 0 || p > SAFE) {
      throw new EngineInputError('plays', row, `plays are counts: expected a whole number ≥ 0, got ${p}`);
    }
    const a = chunk.activePlays === undefined ? 0 : chunk.activePlays[i];
    if (!Number.isInteger(a) || a < 0) {
      throw new EngineInputError('activePlays', row, `activePlays are counts: expected a whole number ≥ 0, got ${a}`);
    }
    if (a > p) throw new EngineInputError('activePlays', row, `activePlays ${a} exceeds plays ${p}: active plays are some of the plays`);
    users[i] = u;
    holders[i] = h;
    plays[i] = p;
    active[i] = a;
  }
  return { users, holders, plays, active };
}

/** The pool split of one in-memory log. */
export function poolSplit(amount: number, usage: UsageChunk, options: PoolSplitOptions = {}): PoolSplitResult {
  return new PoolAccumulator(options).add(usage).finish(amount);
}

export interface CheckedPoolOptions {
  mode: PoolMode;
  minPlays: number;
  minUsers: number;
  /** boost = boostNumerator / boostScale, both integers. */
  boostNumerator: number;
  boostScale: number;
  decimals: number;
  /** userCap = capNumerator / capScale, or null. */
  capNumerator: number | null;
  capScale: number;
  cap: number;
}

export function checkPoolOptions(options: PoolSplitOptions): CheckedPoolOptions {
  const mode = options.mode ?? 'market';
  if (mode !== 'market' && mode !== 'user' && mode !== 'artist') {
    throw new EngineInputError('mode', undefined, `expected "market", "user" or "artist", got ${String(mode)}`);
  }
  const minPlays = options.minPlays ?? 0;
  const minUsers = options.minUsers ?? 0;
  for (const [field, x] of [['minimum plays', minPlays], ['minimum distinct users', minUsers]] as const) {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
      throw new EngineInputError('threshold', undefined, `the ${field} must be a finite number ≥ 0, got ${String(x)}`);
    }
  }
  const boost = options.boost ?? 2;
  if (typeof boost !== 'number' || !Number.isFinite(boost) || boost < 1) {
    throw new EngineInputError('boost', undefined, `expected a finite number ≥ 1 (2: a boosted play counts twice), got ${String(boost)}`);
  }
  const [boostNumerator, boostScale] = integerRatio(boost, 'boost', 100, 3);
  const decimals = checkDecimals(options.decimals);
  let capNumerator: number | null = null;
  let capScale = 1;
  const cap = options.userCap ?? Infinity;
  if (options.userCap != null) {
    if (typeof cap !== 'number' || !Number.isFinite(cap) || cap <= 0) {
      throw new EngineInputError('userCap', undefined, `expected a number of plays > 0, got ${String(cap)}`);
    }
    [capNumerator, capScale] = integerRatio(cap, 'userCap', 1e9, 6);
  }
  return { mode, minPlays, minUsers, boostNumerator, boostScale, decimals, capNumerator, capScale, cap };
}

/**
 * x as numerator / 10^k, both exact in float64. Bounded so that weighted plays stay exact
 * float64 integers: a boost enters squared (an active boosted play), scaled by 10^(2k).
 */
function integerRatio(x: number, field: string, limit: number, maxDecimals: number): [number, number] {
  const d = decimalOf(x);
  const k = Math.max(0, -d.exponent);
  const numerator = d.exponent >= 0 ? d.coefficient * powerOfTen(d.exponent) : d.coefficient;
  if (k > maxDecimals || numerator > BigInt(Math.round(limit)) * powerOfTen(k)) {
    throw new EngineInputError(field, undefined, `${x} has too many digits: at most ${maxDecimals} decimals and a value up to ${limit}`);
  }
  return [Number(numerator), 10 ** k];
}

/** Checked rows whose (user, holder) pairs are distinct from those of every other chunk of the passes. */
export interface AggregatedChunk {
  readonly users: Int32Array;
  readonly holders: Int32Array;
  readonly plays: Float64Array;
  readonly active: Float64Array;
}

/**
 * The in-memory log with repeated (user, holder) pairs summed, grouped by user (a counting
 * sort, O(rows + users)). Sums are checked to stay exact.
 */
function mergeRepeatedPairs(chunks: readonly AggregatedChunk[], userCount: number, holderCount: number): AggregatedChunk {
  let n = 0;
  for (const c of chunks) n += c.users.length;
  const start = new Int32Array(userCount + 1);
  for (const c of chunks) for (let i = 0; i < c.users.length; i++) start[c.users[i] + 1]++;
  for (let u = 0; u < userCount; u++) start[u + 1] += start[u];
  const next = start.slice(0, userCount);
  const holders = new Int32Array(n);
  const plays = new Float64Array(n);
  const active = new Float64Array(n);
  for (const c of chunks) {
    for (let i = 0; i < c.users.length; i++) {
      const at = next[c.users[i]]++;
      holders[at] = c.holders[i];
      plays[at] = c.plays[i];
      active[at] = c.active[i];
    }
  }
  // Within each user, a holder seen before gets its plays added to its first slot.
  const seenBy = new Int32Array(holderCount).fill(-1);
  const slot = new Int32Array(holderCount);
  const outUsers = new Int32Array(n);
  let m = 0;
  for (let u = 0; u < userCount; u++) {
    for (let i = start[u]; i < start[u + 1]; i++) {
      const h = holders[i];
      if (seenBy[h] === u) {
        const s = slot[h];
        plays[s] += plays[i];
        active[s] += active[i];
        if (plays[s] > SAFE) throw new EngineInputError('usage', undefined, `more than ${SAFE} plays of one holder by one user cannot be counted exactly`);
        continue;
      }
      seenBy[h] = u;
      slot[h] = m;
      outUsers[m] = u;
      holders[m] = h;
      plays[m] = plays[i];
      active[m] = active[i];
      m++;
    }
  }
  return { users: outUsers.subarray(0, m), holders: holders.subarray(0, m), plays: plays.subarray(0, m), active: active.subarray(0, m) };
}

export interface PoolCensus {
  /** Per holder: plays and distinct users (uncapped). */
  readonly holderPlays: Float64Array;
  readonly holderUsers: Float64Array;
  /** Per user: plays on every holder (uncapped), what the cap compares with. */
  readonly userPlays: Float64Array;
}

export function newCensus(holderCount: number, userCount: number): PoolCensus {
  return { holderPlays: new Float64Array(holderCount), holderUsers: new Float64Array(holderCount), userPlays: new Float64Array(userCount) };
}

/** Pass 1. The chunk's (user, holder) pairs must be distinct from those of every other chunk. */
export function censusPass(census: PoolCensus, chunk: AggregatedChunk): void {
  const { holderPlays, holderUsers, userPlays } = census;
  for (let i = 0; i < chunk.users.length; i++) {
    const p = chunk.plays[i];
    if (p === 0) continue;
    const h = chunk.holders[i];
    holderPlays[h] += p;
    holderUsers[h] += 1;
    userPlays[chunk.users[i]] += p;
  }
  checkExact(holderPlays, 'plays of one holder');
  checkExact(userPlays, 'plays of one user');
}

function checkExact(sums: Float64Array, what: string): void {
  for (let k = 0; k < sums.length; k++) {
    if (sums[k] > SAFE) throw new EngineInputError('usage', undefined, `more than ${SAFE} ${what} cannot be counted exactly`);
  }
}

export interface PoolPlan {
  readonly mode: PoolMode;
  /** Per holder: 0 = left out, otherwise the integer weights of a passive and of an active play. */
  readonly passiveWeight: Float64Array;
  readonly activeWeight: Float64Array;
  readonly reached: boolean[];
  /** Per user: plays on counted holders (user mode only; filled by userPass). */
  readonly userCounted: Float64Array | null;
  readonly userPlays: Float64Array;
  /** Scale of a capped user: capNumerator / (capScale × user's plays); null without a cap (or in user mode). */
  readonly capNumerator: number | null;
  readonly capScale: number;
  readonly cap: number;
}

/** The thresholds, applied once the census is complete. */
export function planOf(census: PoolCensus, options: CheckedPoolOptions): PoolPlan {
  const holderCount = census.holderPlays.length;
  const reached = new Array<boolean>(holderCount);
  const passiveWeight = new Float64Array(holderCount);
  const activeWeight = new Float64Array(holderCount);
  // Artist-mode weights scaled by boostScale² to integers: a play of a holder below the
  // threshold counts 1, one above counts boost, and an active play boost times more.
  const b = options.boostNumerator;
  const s = options.boostScale;
  for (let h = 0; h < holderCount; h++) {
    const ok = census.holderPlays[h] >= options.minPlays && census.holderUsers[h] >= options.minUsers;
    reached[h] = ok;
    if (options.mode === 'artist') {
      passiveWeight[h] = ok ? b * s : s * s;
      activeWeight[h] = ok ? b * b : b * s;
    } else if (ok) {
      passiveWeight[h] = 1;
      activeWeight[h] = 1;
    }
  }
  // In user mode each user's plays are divided by the user's own total, so a cap (the same
  // factor on all of one user's plays) cancels out.
  const capped = options.mode !== 'user' && options.capNumerator !== null;
  return {
    mode: options.mode,
    passiveWeight,
    activeWeight,
    reached,
    userCounted: options.mode === 'user' ? new Float64Array(census.userPlays.length) : null,
    userPlays: census.userPlays,
    capNumerator: capped ? options.capNumerator : null,
    capScale: options.capScale,
    cap: options.cap,
  };
}

/** Pass 2 (user mode): each user's plays on the holders that count. */
export function userPass(plan: PoolPlan, chunk: AggregatedChunk): void {
  const counted = plan.userCounted;
  if (counted === null) return;
  for (let i = 0; i < chunk.users.length; i++) {
    if (plan.passiveWeight[chunk.holders[i]] !== 0) counted[chunk.users[i]] += chunk.plays[i];
  }
}

export interface PoolClaims {
  /** Numerators over denominator 1 (uncapped users), per holder. */
  readonly plain: Float64Array;
  /** Denominator → its index; numerators per (index, holder) in `byDenominator`. */
  readonly denominators: Map<number, number>;
  readonly denominatorList: number[];
  readonly byDenominator: SumByKey;
}

export function newClaims(holderCount: number): PoolClaims {
  return { plain: new Float64Array(holderCount), denominators: new Map(), denominatorList: [], byDenominator: new SumByKey() };
}

/**
 * Sums of float64 integers by a non-negative integer key below 2^53: open addressing over
 * typed arrays. A Map would do, but the user-centric pass adds up to one entry per log row and a
 * million Map updates cost several times more than this table's.
 */
export class SumByKey {
  private keys = new Float64Array(1024).fill(-1);
  private sums = new Float64Array(1024);
  private count = 0;

  add(key: number, x: number): void {
    let mask = this.keys.length - 1;
    if (2 * (this.count + 1) > this.keys.length) {
      this.grow();
      mask = this.keys.length - 1;
    }
    let at = hashOf(key) & mask;
    while (true) {
      const k = this.keys[at];
      if (k === key) {
        this.sums[at] += x;
        return;
      }
      if (k === -1) {
        this.keys[at] = key;
        this.sums[at] = x;
        this.count++;
        return;
      }
      at = (at + 1) & mask;
    }
  }

  forEach(visit: (key: number, sum: number) => void): void {
    for (let at = 0; at < this.keys.length; at++) if (this.keys[at] !== -1) visit(this.keys[at], this.sums[at]);
  }

  private grow(): void {
    const keys = this.keys;
    const sums = this.sums;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.sums = new Float64Array(keys.length * 2);
    this.count = 0;
    for (let at = 0; at < keys.length; at++) if (keys[at] !== -1) this.add(keys[at], sums[at]);
  }
}

function hashOf(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / 4294967296) >>> 0;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Adds one worker's census (same dimensions) into another's. */
export function mergeCensus(into: PoolCensus, from: PoolCensus): void {
  addInto(into.holderPlays, from.holderPlays);
  addInto(into.holderUsers, from.holderUsers);
  addInto(into.userPlays, from.userPlays);
}

/** Adds one worker's user-mode counted plays (pass 2, same plan) into another's. */
export function mergeUserPass(into: PoolPlan, from: PoolPlan): void {
  if (into.userCounted !== null && from.userCounted !== null) addInto(into.userCounted, from.userCounted);
}

/** Adds one worker's claims (pass 3, same plan) into another's; denominators are matched by value. */
export function mergeClaims(into: PoolClaims, from: PoolClaims): void {
  addInto(into.plain, from.plain);
  const holderCount = into.plain.length;
  from.byDenominator.forEach((key, x) => {
    const h = key % holderCount;
    into.byDenominator.add(denominatorIndex(into, from.denominatorList[(key - h) / holderCount]) * holderCount + h, x);
  });
}

function addInto(into: Float64Array, from: Float64Array): void {
  if (into.length !== from.length) throw new RangeError('merge: the partial results have different dimensions');
  for (let k = 0; k < into.length; k++) into[k] += from[k];
}

function denominatorIndex(claims: PoolClaims, d: number): number {
  let k = claims.denominators.get(d);
  if (k === undefined) {
    k = claims.denominatorList.length;
    claims.denominators.set(d, k);
    claims.denominatorList.push(d);
  }
  return k;
}

/** Pass 3: every row's numerator x_uh added under its user's denominator. */
export function claimPass(claims: PoolClaims, plan: PoolPlan, chunk: AggregatedChunk): void {
  const holderCount = claims.plain.length;
  const { passiveWeight, activeWeight, userCounted, userPlays } = plan;
  const artist = plan.mode === 'artist';
  const capped = plan.capNumerator !== null;
  for (let i = 0; i < chunk.users.length; i++) {
    const h = chunk.holders[i];
    const pw = passiveWeight[h];
    const p = chunk.plays[i];
    if (pw === 0 || p === 0) continue;
    const u = chunk.users[i];
    const x = artist ? (p - chunk.active[i]) * pw + chunk.active[i] * activeWeight[h] : p;
      // 0: an uncapped user outside user mode, whose plays count as they are.
    let d = 0;
    if (userCounted !== null) d = userCounted[u];
    else if (capped && userPlays[u] > plan.cap) d = userPlays[u];
    if (d === 0) {
      claims.plain[h] += x;
      continue;
    }
    claims.byDenominator.add(denominatorIndex(claims, d) * holderCount + h, x);
  }
}

/** The last step: the pool split by the claims of pass 3. */
export function splitClaims(claims: PoolClaims, plan: PoolPlan, census: PoolCensus, amount: number, decimals: number): PoolSplitResult {
  const totalUnits = amountUnits(amount, decimals);
  for (const x of claims.plain) if (x > SAFE) throw tooMany();
  let entries = 0;
  claims.byDenominator.forEach((_, x) => {
    if (x > SAFE) throw tooMany();
    entries++;
  });
  if (entries === 0 && claims.plain.every((x) => x === 0)) {
    throw new EngineInputError(
      'usage',
      undefined,
      plan.mode === 'artist' ? 'no play to count: every row has 0 plays' : 'no counted play: every play is 0 or of a holder below the threshold',
    );
  }

  const capFactor = plan.capNumerator === null ? 1n : BigInt(plan.capNumerator);
  const capScale = plan.capNumerator === null ? 1n : BigInt(plan.capScale);
  let units = entries === 0 ? null : unitsByIntervals(claims, capFactor, capScale, totalUnits);
  const rounding = units === null ? 'exact' : 'interval';
  if (units === null) units = largestRemainder(totalUnits, exactClaims(claims, capFactor, capScale)).units;

  let countedUsers: number | null = null;
  if (plan.userCounted !== null) {
    countedUsers = 0;
    for (const w of plan.userCounted) if (w > 0) countedUsers++;
  }
  return {
    amounts: Float64Array.from(units, (x) => unitsToNumber(x, decimals)),
    units,
    totalUnits,
    total: unitsToNumber(totalUnits, decimals),
    decimals,
    reached: plan.reached,
    plays: census.holderPlays,
    users: census.holderUsers,
    countedUsers,
    rounding,
  };
}

/**
 * The claims as exact integers: claimₕ = plainₕ·capScale + Σ_d numerator·capFactor / d, times
 * capScale-free L = lcm of the denominators. Their size grows with the number of distinct
 * denominators, which is why unitsByIntervals is tried first.
 */
function exactClaims(claims: PoolClaims, capFactor: bigint, capScale: bigint): bigint[] {
  const holderCount = claims.plain.length;
  let lcm = 1n;
  for (const d of claims.denominatorList) {
    const big = BigInt(d);
    lcm = (lcm / gcd(lcm, big)) * big;
  }
  const plainFactor = lcm * capScale;
  const factors = claims.denominatorList.map((d) => (lcm / BigInt(d)) * capFactor);
  const exact = new Array<bigint>(holderCount);
  for (let h = 0; h < holderCount; h++) exact[h] = claims.plain[h] === 0 ? 0n : BigInt(claims.plain[h]) * plainFactor;
  claims.byDenominator.forEach((key, x) => {
    const h = key % holderCount;
    exact[h] += BigInt(x) * factors[(key - h) / holderCount];
  });
  return exact;
}

/** Bits of every truncated fraction in unitsByIntervals. */
const PRECISION = 128n;

/**
 * The largest-remainder units from claims known to within a rigorous interval, or null when
 * the interval cannot decide (then the exact claims are computed).
 *
 * Each fraction numerator·capFactor/d is truncated to a multiple of 2^-128, so a holder's
 * claim × 2^128 lies in [lo, lo + m) with m its number of fractions, and the total in
 * [Σlo, Σlo + M). Each quota T·claim/total then lies in [T·lo/(Σlo + M), T·hi/Σlo]. When both
 * ends have the same floor for every holder, and the R units left over go to holders whose
 * lowest remainder is above every other holder's highest, the exact claims would give the same
 * units: their remainders are inside the same intervals. An exact tie always overlaps and
 * falls back to the exact claims, so ties still go to the earlier holder.
 */
function unitsByIntervals(claims: PoolClaims, capFactor: bigint, capScale: bigint, totalUnits: bigint): bigint[] | null {
  const holderCount = claims.plain.length;
  const lo = new Array<bigint>(holderCount);
  const terms = new Float64Array(holderCount);
  for (let h = 0; h < holderCount; h++) lo[h] = claims.plain[h] === 0 ? 0n : (BigInt(claims.plain[h]) * capScale) << PRECISION;
  const denominators = claims.denominatorList.map((d) => BigInt(d));
  claims.byDenominator.forEach((key, x) => {
    const h = key % holderCount;
    lo[h] += ((BigInt(x) * capFactor) << PRECISION) / denominators[(key - h) / holderCount];
    terms[h]++;
  });
  let low = 0n;
  let spread = 0n;
  for (let h = 0; h < holderCount; h++) {
    low += lo[h];
    spread += BigInt(terms[h]);
  }
  const high = low + spread;
  if (low === 0n) return null;

  const T = totalUnits;
  const floors = new Array<bigint>(holderCount);
  const lowRemainder = new Array<bigint>(holderCount); // over `high`
  const highRemainder = new Array<bigint>(holderCount); // over `low`
  let left = T;
  for (let h = 0; h < holderCount; h++) {
    const a = T * lo[h];
    const b = T * (lo[h] + BigInt(terms[h]));
    const f = a / high;
    if (b / low !== f) return null;
    floors[h] = f;
    lowRemainder[h] = a - f * high;
    highRemainder[h] = b - f * low;
    left -= f;
  }
  if (left < 0n || left > BigInt(holderCount)) return null;
  const r = Number(left);
  if (r === 0) return floors;
  const order = [...Array(holderCount).keys()].sort((x, y) => (lowRemainder[x] > lowRemainder[y] ? -1 : lowRemainder[x] < lowRemainder[y] ? 1 : x - y));
  let highestOutside = 0n;
  for (let k = r; k < holderCount; k++) if (highRemainder[order[k]] > highestOutside) highestOutside = highRemainder[order[k]];
  // lowest inside (over high) > highest outside (over low)
  if (lowRemainder[order[r - 1]] * low <= highestOutside * high) return null;
  for (let k = 0; k < r; k++) floors[order[k]] += 1n;
  return floors;
}

function tooMany(): EngineInputError {
  return new EngineInputError('usage', undefined, `the weighted plays exceed ${SAFE} and cannot be counted exactly`);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
