/**
 * Double majorities: a coalition wins when its weights reach the quota AND it has at least
 * `memberQuota` members, or when fewer than `blockingMinority` members are left outside it.
 *
 * The EU Council's qualified majority is one: 55 % of the members (15 of 27), 65 % of the
 * population, and a blocking minority needs at least 4 members, so any 24 members win whatever
 * their population (TFEU art. 238(3), TEU art. 16(4)). A CMO board that votes by members and by
 * revenue is another.
 *
 * Whether S wins depends only on (|S|, Σ_{i∈S} w_i), so the exact indices come from the same
 * dynamic programme over (size, weight) as plain weighted voting (sumGame.ts), with one rule per
 * size: too few members (loses), the weight quota, or too few left to block (wins).
 */
import { EngineInputError } from '../errors';
import { votingBody, type VotingBody } from './voting';

export interface DoubleMajorityRule {
  /** Least number of members of a winning coalition (the weight quota applies too). Default 0. */
  readonly memberQuota?: number;
  /** A coalition wins outright when fewer than this many members are left outside. Default 1 (never). */
  readonly blockingMinority?: number;
}

export interface DoubleMajorityBody extends VotingBody {
  readonly memberQuota: number;
  readonly blockingMinority: number;
}

/**
 * Validates the body (votingBody) and the rule. memberQuota: a whole number from 0 to n;
 * blockingMinority: a whole number from 1 to n (above n the empty coalition would win and every
 * index would be 0 — no rule at all). Both are counts of members, not shares: 55 % of 27 members
 * is written 15 (a share such as 0.55 is refused rather than read as "at least 1 member").
 */
export function doubleMajorityBody(weights: ArrayLike<number>, quota: number, rule: DoubleMajorityRule = {}): DoubleMajorityBody {
  const body = votingBody(weights, quota);
  const n = body.weights.length;
  const memberQuota = memberCount('memberQuota', rule.memberQuota ?? 0, 0, n);
  const blockingMinority = memberCount('blockingMinority', rule.blockingMinority ?? 1, 1, n);
  return { ...body, memberQuota, blockingMinority };
}

function memberCount(field: string, x: number, least: number, members: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new EngineInputError(field, undefined, `must be a number of members, got ${String(x)}`);
  if (!Number.isInteger(x)) {
    throw new EngineInputError(field, undefined, `must be a whole number of members, got ${x} (a share of the members? write the count, e.g. ROUNDUP(0.55*27, 0) = 15)`);
  }
  if (x < least) throw new EngineInputError(field, undefined, `must be at least ${least}, got ${x}`);
  if (x > members) throw new EngineInputError(field, undefined, `is ${x}, more than the ${members} members of the body`);
  return x;
}

/**
 * The quota by coalition size (θ_0..θ_n for sumGame's thresholdGame*): 0 where too few members
 * would be left outside to block, the weight quota where there are enough members, otherwise
 * Infinity (that size never wins).
 */
export function quotaBySize(body: DoubleMajorityBody): Float64Array {
  const n = body.weights.length;
  const theta = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) theta[k] = n - k < body.blockingMinority ? 0 : k >= body.memberQuota ? body.quota : Infinity;
  // ∅ loses and N wins under any rule here: writing the quota there too makes the defaults one
  // quota for every size, the plain weighted game (the same numbers as before double majorities).
  theta[0] = theta[n] = body.quota;
  return theta;
}
