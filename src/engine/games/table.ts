import { EngineInputError } from '../errors';
import type { Game } from './game';

/** Largest table the engine accepts: 2^30 float64 values is already 8 GiB. */
export const MAX_TABLE_PLAYERS = 30;

/**
 * A game given by its full table: `values[mask]` is v(S) where bit i of `mask` is set when
 * player i belongs to S. The table therefore has exactly 2^n entries.
 */
export function tableGame(values: Float64Array, n: number): Game {
  checkTable(values, n);
  return {
    n,
    value(coalition) {
      let mask = 0;
      for (let k = 0; k < coalition.length; k++) mask |= 1 << coalition[k];
      return values[mask >>> 0];
    },
    walker() {
      let mask = 0;
      return {
        reset() {
          mask = 0;
          return values[0];
        },
        add(player) {
          mask |= 1 << player;
          return values[mask >>> 0];
        },
        walk(order, from, count, out) {
          mask = 0;
          out[0] = values[0];
          for (let k = 0; k < count; k++) {
            mask |= 1 << order[from + k];
            out[k + 1] = values[mask >>> 0];
          }
        },
      };
    },
  };
}

export function checkTable(values: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_TABLE_PLAYERS) {
    throw new EngineInputError('players', undefined, `a coalition table needs 0 to ${MAX_TABLE_PLAYERS} players, got ${n}`);
  }
  if (values.length !== 2 ** n) {
    throw new EngineInputError('values', undefined, `a table of ${n} players needs 2^${n} = ${2 ** n} values, got ${values.length}`);
  }
}
