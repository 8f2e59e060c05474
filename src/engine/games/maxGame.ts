/**
 * Max game (the airport game read as a gain): v(S) = max_{i∈S} s_i, v(∅) = 0. The value of a
 * set of rightholders for one AI output is the best similarity any of them reaches.
 */
import { EngineInputError } from '../errors';
import type { Game } from './game';

/** Validates scores: finite and non-negative (v(∅) = 0 must be the smallest value). */
export function checkScores(scores: ArrayLike<number>): Float64Array {
  const s = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new EngineInputError('scores', i, `must be a number, got ${String(x)}`);
    if (x < 0) throw new EngineInputError('scores', i, `must not be negative, got ${x}`);
    s[i] = x;
  }
  return s;
}

export function maxGame(scores: ArrayLike<number>): Game {
  const s = checkScores(scores);
  return {
    n: s.length,
    value(coalition) {
      let m = 0;
      for (let k = 0; k < coalition.length; k++) m = Math.max(m, s[coalition[k]]);
      return m;
    },
    walker() {
      let m = 0;
      return {
        reset() {
          m = 0;
          return 0;
        },
        add(player) {
          if (s[player] > m) m = s[player];
          return m;
        },
      };
    },
  };
}
