/**
 * Exact Owen value (a priori unions) from a full coalition table, O(Σᵢ 2^(m−1)·2^(uᵢ−1)) for m
 * unions, uᵢ the size of i's union: at most n·2^(n−2), usually far less (5 unions of 4 players
 * among 20: 128 terms per player). Player i of union k gets
 *
 *   φᵢ = Σ_{R ⊆ M∖{k}} r!(m−r−1)!/m! · Σ_{T ⊆ Uₖ∖{i}} t!(u−t−1)!/u! · [v(Q_R ∪ T ∪ i) − v(Q_R ∪ T)]
 *
 * with Q_R the players of the unions in R: the unions arrive in random order, then the members
 * of each union in random order. Both weights depend only on the sizes r and t, so, as for
 * exactShapley, the marginal contributions are first summed by (r, t) and weighted at the end
 * (owenFromSizeSums): integer tables then give each φᵢ as the float64 nearest to its exact
 * value. Every player alone in a union (u = 1) or everyone in one union (m = 1) makes the same
 * additions as exactShapley and weights them the same way: the result is then exactShapley's,
 * bit for bit when the unions are listed in player order (the same order of additions).
 */
import { EngineInputError } from '../errors';
import { rationalToNumber } from '../exact/rationalToNumber';
import { checkTable } from '../games/table';
import { checkFinite } from './exact';

/**
 * `unions[k]` lists the players (table indices) of union k; every player 0..n−1 in exactly one.
 * Returns φ by player index.
 */
export function owenValue(values: ArrayLike<number>, n: number, unions: ReadonlyArray<ReadonlyArray<number>>): Float64Array {
  checkTable(values, n);
  checkFinite(values);
  const unionMasks = checkPartition(unions, n);
  const m = unions.length;
  const factorials = factorialsUpTo(n);
  const phi = new Float64Array(n);

  for (let k = 0; k < m; k++) {
    const others = unionMasks.filter((_, j) => j !== k);
    const [qMasks, qSizes] = subsetMasks(others);
    const members = unions[k];
    const u = members.length;
    for (const i of members) {
      const [tMasks, tSizes] = subsetMasks(members.filter((p) => p !== i).map((p) => 2 ** p));
      const bySizes = new Float64Array(m * u); // [r·u + t]
      const bit = 2 ** i;
      for (let a = 0; a < qMasks.length; a++) {
        const q = qMasks[a];
        const row = qSizes[a] * u;
        for (let b = 0; b < tMasks.length; b++) {
          const s = q | tMasks[b];
          bySizes[row + tSizes[b]] += values[s + bit] - values[s];
        }
      }
      phi[i] = owenFromSizeSums(bySizes, m, u, factorials);
    }
  }
  return phi;
}

/**
 * φ = Σ_{r,t} D[r·u+t] · r!(m−1−r)!/m! · t!(u−1−t)!/u!. As in shapleyFromSizeSums (its
 * u = 1 and m = 1 cases, computed identically): when every D is a whole number below 2^53 the
 * sum is formed exactly and rounded once; otherwise it is summed in floating point dividing by
 * the binomials C(u−1, t) and C(m−1, r), and by m·u once at the end.
 */
function owenFromSizeSums(D: Float64Array, m: number, u: number, factorials: readonly bigint[]): number {
  let whole = true;
  for (let j = 0; j < D.length; j++) if (!Number.isSafeInteger(D[j])) whole = false;
  if (whole) {
    let numerator = 0n;
    for (let r = 0; r < m; r++) {
      const outer = factorials[r] * factorials[m - 1 - r];
      for (let t = 0; t < u; t++) {
        const x = D[r * u + t];
        if (x !== 0) numerator += BigInt(x) * outer * factorials[t] * factorials[u - 1 - t];
      }
    }
    return rationalToNumber(numerator, factorials[m] * factorials[u]);
  }
  let phi = 0;
  let outerBinomial = 1;
  for (let r = 0; r < m; r++) {
    let inner = 0;
    let innerBinomial = 1;
    for (let t = 0; t < u; t++) {
      inner += D[r * u + t] / innerBinomial;
      innerBinomial = (innerBinomial * (u - 1 - t)) / (t + 1);
    }
    phi += inner / outerBinomial;
    outerBinomial = (outerBinomial * (m - 1 - r)) / (r + 1);
  }
  return phi / (m * u);
}

/**
 * Union masks of a partition of 0..n−1, or an input error naming the union (field 'unions',
 * index k) that repeats, misses or misnames a player.
 */
function checkPartition(unions: ReadonlyArray<ReadonlyArray<number>>, n: number): number[] {
  const unionOf = new Int32Array(n).fill(-1);
  const masks = unions.map((members, k) => {
    if (members.length === 0) throw new EngineInputError('unions', k, 'is empty: every union needs at least one player');
    let mask = 0;
    for (const p of members) {
      if (!Number.isInteger(p) || p < 0 || p >= n) throw new EngineInputError('unions', k, `${p} is not a player index from 0 to ${n - 1}`);
      if (unionOf[p] !== -1) throw new EngineInputError('unions', k, `player ${p} is already in union ${unionOf[p] + 1}`);
      unionOf[p] = k;
      mask += 2 ** p;
    }
    return mask;
  });
  const missing = unionOf.indexOf(-1);
  if (missing !== -1) throw new EngineInputError('unions', undefined, `player ${missing} is in no union: each player must be in exactly one`);
  return masks;
}

/**
 * Every union of a subset of `parts` (disjoint masks), with its number of parts, indexed by the
 * subset's bits: ascending index gives ascending masks when the parts are in ascending order.
 */
function subsetMasks(parts: readonly number[]): [Int32Array, Uint8Array] {
  const count = 2 ** parts.length;
  const masks = new Int32Array(count);
  const sizes = new Uint8Array(count);
  for (let s = 1; s < count; s++) {
    const low = s & -s;
    masks[s] = masks[s ^ low] | parts[31 - Math.clz32(low)];
    sizes[s] = sizes[s ^ low] + 1;
  }
  return [masks, sizes];
}

function factorialsUpTo(n: number): bigint[] {
  const f = [1n];
  for (let k = 1; k <= n; k++) f.push(f[k - 1] * BigInt(k));
  return f;
}
