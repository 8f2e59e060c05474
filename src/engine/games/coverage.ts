/**
 * Coverage game: v(S) = Σ_e w_e · [some member of S covers e]. Elements are, for example,
 * styles, topics or query intents a catalogue lets a model handle; w_e what handling e is worth.
 */
import { EngineInputError } from '../errors';
import type { Game } from './game';

export interface CoverageElement {
  readonly weight: number;
  /** Players (0..n-1) who cover this element; repeats are ignored, none is allowed. */
  readonly coveredBy: ArrayLike<number>;
}

export interface CoverageInput {
  readonly n: number;
  readonly weights: Float64Array;
  /** Distinct coverers of each element. */
  readonly coverers: ReadonlyArray<Int32Array>;
}

/** Validates players and elements ('players' for n, 'elements' with the element's index). */
export function checkCoverage(n: number, elements: ReadonlyArray<CoverageElement>): CoverageInput {
  if (!Number.isInteger(n) || n < 0) throw new EngineInputError('players', undefined, `must be a whole number ≥ 0, got ${n}`);
  const weights = new Float64Array(elements.length);
  const coverers: Int32Array[] = [];
  const seen = new Int32Array(n).fill(-1);
  elements.forEach((e, index) => {
    if (typeof e.weight !== 'number' || !Number.isFinite(e.weight)) {
      throw new EngineInputError('elements', index, `weight must be a number, got ${String(e.weight)}`);
    }
    weights[index] = e.weight;
    const list: number[] = [];
    for (let k = 0; k < e.coveredBy.length; k++) {
      const p = e.coveredBy[k];
      if (!Number.isInteger(p) || p < 0 || p >= n) {
        throw new EngineInputError('elements', index, `covering player ${String(p)} is not one of 0..${n - 1}`);
      }
      if (seen[p] !== index) {
        seen[p] = index;
        list.push(p);
      }
    }
    coverers.push(Int32Array.from(list));
  });
  return { n, weights, coverers };
}

export function coverageGame(n: number, elements: ReadonlyArray<CoverageElement>): Game {
  const { weights, coverers } = checkCoverage(n, elements);
  // Elements each player covers, for the walker.
  const covers: number[][] = Array.from({ length: n }, () => []);
  coverers.forEach((list, e) => list.forEach((p) => covers[p].push(e)));
  return {
    n,
    value(coalition) {
      const member = new Uint8Array(n);
      for (let k = 0; k < coalition.length; k++) member[coalition[k]] = 1;
      let v = 0;
      for (let e = 0; e < weights.length; e++) {
        const list = coverers[e];
        for (let k = 0; k < list.length; k++) {
          if (member[list[k]]) {
            v += weights[e];
            break;
          }
        }
      }
      return v;
    },
    walker() {
      // coveredIn[e] === round marks e covered in the current coalition: reset is O(1).
      const coveredIn = new Uint32Array(weights.length);
      let round = 0;
      let v = 0;
      return {
        reset() {
          round++;
          if (round === 0xffffffff) {
            coveredIn.fill(0);
            round = 1;
          }
          v = 0;
          return 0;
        },
        add(player) {
          const list = covers[player];
          for (let k = 0; k < list.length; k++) {
            const e = list[k];
            if (coveredIn[e] !== round) {
              coveredIn[e] = round;
              v += weights[e];
            }
          }
          return v;
        },
      };
    },
  };
}
