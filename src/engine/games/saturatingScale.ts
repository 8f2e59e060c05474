/**
 * Saturating scale law: a model trained on D units of data (works, images, tokens) is worth
 * P(D) = 1 − (1 + D/D0)^(−α) of its attainable quality. D0 (`halfSize`) is where half the
 * quality is reached when α = 1. The game v(S) = P(Σ_{i∈S} size_i) shows why leave-one-out
 * values collapse on large corpora (removing one holder barely moves P) while Shapley values
 * do not (each holder is pivotal early in some orders).
 */
import { EngineInputError } from '../errors';
import { enginePow } from '../math/powKernel';
import type { Game } from './game';

export interface SaturatingScaleParameters {
  readonly sizes: Float64Array;
  readonly halfSize: number;
  readonly alpha: number;
}

export function checkSaturatingScale(sizes: ArrayLike<number>, halfSize: number, alpha: number): SaturatingScaleParameters {
  const s = new Float64Array(sizes.length);
  for (let i = 0; i < sizes.length; i++) {
    const x = sizes[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new EngineInputError('sizes', i, `must be a number, got ${String(x)}`);
    if (x < 0) throw new EngineInputError('sizes', i, `must not be negative, got ${x}`);
    s[i] = x;
  }
  if (typeof halfSize !== 'number' || !Number.isFinite(halfSize) || halfSize <= 0) {
    throw new EngineInputError('halfSize', undefined, `must be a positive number, got ${String(halfSize)}`);
  }
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) {
    throw new EngineInputError('alpha', undefined, `must be a positive number, got ${String(alpha)}`);
  }
  return { sizes: s, halfSize, alpha };
}

/**
 * (1 + D/D0)^(−α): the quality still missing with D units, 1 at D = 0. The engine's own pow, not
 * Math.pow, so that every JavaScript engine gives the same bits (math/pow.ts).
 */
export function missingQuality(total: number, halfSize: number, alpha: number, pow = enginePow()): number {
  return pow(1 + total / halfSize, -alpha);
}

export function saturatingScaleGame(sizes: ArrayLike<number>, halfSize: number, alpha: number): Game {
  const p = checkSaturatingScale(sizes, halfSize, alpha);
  const s = p.sizes;
  const pow = enginePow();
  const quality = (total: number) => 1 - missingQuality(total, halfSize, alpha, pow);
  return {
    n: s.length,
    value(coalition) {
      let total = 0;
      for (let k = 0; k < coalition.length; k++) total += s[coalition[k]];
      return quality(total);
    },
    walker() {
      let total = 0;
      return {
        reset() {
          total = 0;
          return 0;
        },
        add(player) {
          total += s[player];
          return quality(total);
        },
        walk(order, from, count, out) {
          total = 0;
          out[0] = 0;
          for (let k = 0; k < count; k++) {
            total += s[order[from + k]];
            out[k + 1] = quality(total);
          }
        },
      };
    },
  };
}
