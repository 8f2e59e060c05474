/**
 * A cooperative game on players 0..n-1.
 *
 * Two views of the same characteristic function v:
 * - `value(coalition)` evaluates any coalition given as a list of player indices. It is the
 *   reference semantics, used by brute-force checks and by callers that need arbitrary coalitions.
 * - `walker()` builds a coalition one player at a time and reports v after each addition. This is
 *   the hot path of permutation sampling: every game can update v(S ∪ {i}) from v(S) far more
 *   cheaply than re-evaluating from scratch (a bitmask lookup, a running weight, a running size).
 */
export interface Game {
  readonly n: number;
  value(coalition: ArrayLike<number>): number;
  walker(): CoalitionWalker;
}

/** Incremental evaluation of a growing coalition; one walker serves one thread of work. */
export interface CoalitionWalker {
  /** Empties the coalition and returns v(∅). */
  reset(): number;
  /** Adds a player not yet in the coalition and returns v of the enlarged coalition. */
  add(player: number): number;
  /**
   * Optional, the same numbers as reset() and then add(order[from]), ..., add(order[from +
   * count − 1]): out[0] = v(∅), out[k + 1] = v after the (k + 1)-th addition. Why a game writes
   * its own: permutation sampling serves every game from one loop, so once it has seen a few
   * kinds its call to add() is generic, and for a game whose step is a lookup or an addition the
   * call costs more than the step; walk() is one call per permutation, and its loop, the game's
   * own, is compiled for that game alone.
   */
  walk?(order: Int32Array, from: number, count: number, out: Float64Array): void;
}

/**
 * values[0] = v(∅), values[k + 1] = v of the order's first k + 1 players: the walker's own walk()
 * where it has one (CoalitionWalker says why), else its steps one by one.
 */
export function walkOrder(walker: CoalitionWalker, order: Int32Array, at: number, n: number, values: Float64Array): void {
  if (walker.walk !== undefined) return walker.walk(order, at, n, values);
  values[0] = walker.reset();
  for (let k = 0; k < n; k++) values[k + 1] = walker.add(order[at + k]);
}

/** Wraps a plain function of coalitions as a Game; its walker re-evaluates from scratch. */
export function functionGame(n: number, v: (coalition: readonly number[]) => number): Game {
  return {
    n,
    value: (coalition) => v(Array.from(coalition)),
    walker() {
      const members: number[] = [];
      return {
        reset() {
          members.length = 0;
          return v(members);
        },
        add(player) {
          members.push(player);
          return v(members);
        },
      };
    },
  };
}
