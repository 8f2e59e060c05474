/**
 * Glove game: players 0..L-1 hold a left glove, L..L+R-1 a right one; a coalition is worth the
 * number of pairs it can form, v(S) = min(#left, #right). The textbook case of complements
 * (e.g. text and image rights both needed for a captioning model): the scarce side captures
 * most of the value.
 */
import { EngineInputError } from '../errors';
import type { Game } from './game';

export function checkGloves(leftHolders: number, rightHolders: number): void {
  if (!Number.isInteger(leftHolders) || leftHolders < 0) {
    throw new EngineInputError('leftHolders', undefined, `must be a whole number ≥ 0, got ${leftHolders}`);
  }
  if (!Number.isInteger(rightHolders) || rightHolders < 0) {
    throw new EngineInputError('rightHolders', undefined, `must be a whole number ≥ 0, got ${rightHolders}`);
  }
}

export function gloveGame(leftHolders: number, rightHolders: number): Game {
  checkGloves(leftHolders, rightHolders);
  const L = leftHolders;
  return {
    n: L + rightHolders,
    value(coalition) {
      let left = 0;
      for (let k = 0; k < coalition.length; k++) if (coalition[k] < L) left++;
      return Math.min(left, coalition.length - left);
    },
    walker() {
      let left = 0;
      let right = 0;
      return {
        reset() {
          left = 0;
          right = 0;
          return 0;
        },
        add(player) {
          if (player < L) left++;
          else right++;
          return Math.min(left, right);
        },
      };
    },
  };
}
