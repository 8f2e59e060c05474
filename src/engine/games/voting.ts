/**
 * Weighted voting: v(S) = 1 when the members' weights reach the quota, else 0.
 *
 * Weights are brought to whole numbers once (`votingBody`), and the game, its walker and the
 * exact indices all compare whole numbers: with raw decimals, 0.1 + 0.2 ≥ 0.3 would be false.
 */
import { EngineInputError } from '../errors';
import type { Game } from './game';

/** Weights with more decimals than this cannot be scaled to whole numbers. */
export const MAX_WEIGHT_DECIMALS = 6;

export interface VotingBody {
  /** Whole-number weights: the given weights × 10^decimals. */
  readonly weights: Float64Array;
  /** Smallest whole-number total that wins: Σ w_S ≥ quota ⟺ Σ scaled w_S ≥ this. */
  readonly quota: number;
  /** Power of ten applied (0 when the weights were whole already). */
  readonly decimals: number;
  /** Σ of the scaled weights. */
  readonly total: number;
}

/**
 * Validates a weighted voting body and scales it to whole numbers.
 *
 * The scale is 10^d, d = the most decimals any weight has (as written: the shortest decimal
 * form of the double). The quota is then rounded UP to a whole number of those units, which
 * keeps the game identical (scaled totals are whole) and accepts quotas such as
 * "two thirds of 538" = 358.666…, where insisting on ≤ 6 decimals would reject a legitimate
 * qualified-majority rule. A scaled quota within representation noise of a whole number counts as
 * that number, so that 0.30000000000000004 × 10 does not become 4.
 */
export function votingBody(weights: ArrayLike<number>, quota: number): VotingBody {
  const n = weights.length;
  let decimals = 0;
  for (let i = 0; i < n; i++) {
    const x = weights[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new EngineInputError('weights', i, `must be a number, got ${String(x)}`);
    if (x < 0) throw new EngineInputError('weights', i, `must not be negative, got ${x}`);
    const d = decimalsOf(x);
    if (d > MAX_WEIGHT_DECIMALS) {
      throw new EngineInputError('weights', i, `has more than ${MAX_WEIGHT_DECIMALS} decimals (${x}); round it`);
    }
    decimals = Math.max(decimals, d);
  }
  if (typeof quota !== 'number' || !Number.isFinite(quota)) throw new EngineInputError('quota', undefined, `must be a number, got ${String(quota)}`);
  if (quota <= 0) throw new EngineInputError('quota', undefined, `must be positive, got ${quota}`);

  const scale = 10 ** decimals;
  const scaled = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    scaled[i] = Math.round(weights[i] * scale);
    total += scaled[i];
  }
  if (!Number.isSafeInteger(total)) throw new EngineInputError('weights', undefined, `the weights add up to more than the exact method can count (${total})`);
  const q = wholeAtLeast(quota * scale);
  if (q > total) {
    throw new EngineInputError('quota', undefined, `${quota} exceeds the sum of the weights (${total / scale}): no coalition can win`);
  }
  return { weights: scaled, quota: q, decimals, total };
}

export function votingGame(weights: ArrayLike<number>, quota: number): Game {
  const body = votingBody(weights, quota);
  const w = body.weights;
  const q = body.quota;
  return {
    n: w.length,
    value(coalition) {
      let s = 0;
      for (let k = 0; k < coalition.length; k++) s += w[coalition[k]];
      return s >= q ? 1 : 0;
    },
    walker() {
      let s = 0;
      return {
        reset() {
          s = 0;
          return 0; // quota > 0, so the empty coalition loses
        },
        add(player) {
          s += w[player];
          return s >= q ? 1 : 0;
        },
        walk(order, from, count, out) {
          s = 0;
          out[0] = 0;
          for (let k = 0; k < count; k++) {
            s += w[order[from + k]];
            out[k + 1] = s >= q ? 1 : 0;
          }
        },
      };
    },
  };
}

/** Decimals of the shortest decimal form of x ("0.05" → 2, "1.5e-7" → 8, "1e+21" → 0). */
export function decimalsOf(x: number): number {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x)));
  if (!m) return Infinity;
  const fraction = m[2] ? m[2].length : 0;
  const exponent = m[3] ? Number(m[3]) : 0;
  return Math.max(0, fraction - exponent);
}

function wholeAtLeast(x: number): number {
  const r = Math.round(x);
  // Relative slack for representation noise, capped well below half a unit so that a real
  // fraction is never rounded down.
  return Math.abs(x - r) <= Math.min(1e-6, 1e-12 * Math.max(1, Math.abs(x))) ? r : Math.ceil(x);
}
