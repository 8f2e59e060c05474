/**
 * The nucleolus (Schmeidler 1969) and pre-nucleolus of a game given by its full coalition table
 * (`values[mask]` = v(S), bit i of `mask` set when player i ∈ S): the allocation x of v(N) whose
 * vector of excesses e(S, x) = v(S) − x(S) over the coalitions ∅ ≠ S ≠ N, sorted from the
 * largest down, is lexicographically smallest, over the imputations (xᵢ ≥ v({i})) for the
 * nucleolus, over all allocations of v(N) for the pre-nucleolus.
 *
 * Computed as a sequence of linear programs (Kopelowitz 1967; Maschler, Peleg & Shapley 1979).
 * Level k: minimise ε subject to x(N) = v(N), the coalitions fixed at earlier levels keeping
 * their excess, every other coalition S having v(S) − x(S) ≤ ε (and xᵢ ≥ v({i}) for the
 * nucleolus). Then fix at ε*ₖ the coalitions whose excess is ε*ₖ in every optimum, and repeat
 * until the fixed coalitions determine x.
 *
 * Which coalitions to fix: those whose row has a positive dual in the optimal dual solution. By
 * complementary slackness a constraint with a positive dual is tight in EVERY primal optimum,
 * however degenerate the LP, so fixing it never cuts off part of the optimal face; and since
 * ε's column gives Σ duals = 1, at least one row is fixed per level. Coalitions that are tight
 * everywhere but got a zero dual are simply found at the next level, which then has the same ε.
 * Coalitions whose indicator vector lies in the span of those fixed (and of N) have an excess
 * that no longer varies, so they leave the LPs; each level therefore raises the rank of the fixed
 * set, and there are at most n − 1 levels.
 *
 * Each level is solved by constraint generation: an LP over a working set of coalitions (the
 * singletons, which keep it bounded, and those that were violated), then all 2^n excesses of its
 * solution enumerated here to find the most violated coalitions, added until none is. The LPs
 * stay small (n + 1 columns, a few dozen rows) for n = 20, where the full LP would have 2^20 rows.
 *
 * The LP solver's tolerances are ~1e-7; the answer is then polished: the fixed coalitions give
 * the linear system x(N) = v(N), x(S) + εₖ = v(S) for S fixed at level k, xᵢ = v({i}) for the
 * individual bounds found tight, whose unique solution (x, ε) is the exact nucleolus. It is
 * solved by elimination in float64, in the table's own units, with one step of iterative
 * refinement, so the result is accurate to ~1e-15 relative, not 1e-7 (the Talmud's estate 300
 * gives exactly 50, 100, 150).
 */
import { EngineInputError } from '../errors';
import { checkTable } from '../games/table';
import type { LpRows, LpSession, LpSolution, LpSolver } from '../lp/linearProgram';

export type NucleolusKind = 'nucleolus' | 'prenucleolus';

export const NUCLEOLUS_KINDS: readonly NucleolusKind[] = ['nucleolus', 'prenucleolus'];

export interface NucleolusResult {
  /** xᵢ in player order, summing to v(N). */
  readonly values: Float64Array;
  /** The successive largest excesses ε*₁ ≥ ε*₂ ≥ … (one per LP level). */
  readonly excesses: number[];
  /** Linear programs solved, constraint generation included. */
  readonly lpSolves: number;
  /** False when the tight system was not of full rank and the LP solution is returned as is. */
  readonly polished: boolean;
}

// Tolerances on the game scaled to max |v| = 1 (the LP solver's are ~1e-7).
// Bound once: a global looked up in a 2^n-long loop costs ~100× more inside a vm context (jest).
const { abs, clz32 } = Math;

/** A coalition outside the working set is added when its excess passes ε by this much. */
const VIOLATION_TOL = 1e-9;
/** A row or bound counts as tight within this much of ε (or of its bound). */
const TIGHT_TOL = 1e-6;
/** A dual this large is not rounding noise (the duals of a level sum to 1). */
const DUAL_TOL = 1e-6;
/** Component of a coalition's indicator outside the fixed span, below which it is in the span. */
const SPAN_TOL = 1e-7;
/** Polished and LP solutions further apart than this mean a tight set was misidentified. */
const POLISH_AGREEMENT = 1e-5;

export function nucleolus(values: ArrayLike<number>, n: number, kind: NucleolusKind, solver: LpSolver): NucleolusResult {
  checkTable(values, n);
  if (!NUCLEOLUS_KINDS.includes(kind)) {
    throw new EngineInputError('kind', undefined, `must be "nucleolus" or "prenucleolus", got "${String(kind)}"`);
  }
  let scale = 0;
  for (let mask = 0; mask < values.length; mask++) {
    const v = values[mask];
    // v − v is NaN exactly for NaN and ±Infinity (Number.isFinite would be a global lookup per mask).
    if (v - v !== 0) throw new EngineInputError('values', mask, `v of coalition mask ${mask} is not a finite number (${v})`);
    if (mask !== 0 && abs(v) > scale) scale = abs(v);
  }
  const grand = values[values.length - 1];
  if (n === 0) return { values: new Float64Array(0), excesses: [], lpSolves: 0, polished: true };
  if (n === 1) return { values: Float64Array.of(grand), excesses: [], lpSolves: 0, polished: true };

  if (kind === 'nucleolus') {
    const standAlone = requireImputation(values, n);
    if (standAlone >= grand - 1e-12 * scale) {
      // The only imputation: everyone gets its stand-alone value (what is left, ≤ 1e-12, to all alike).
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = values[1 << i] + (grand - standAlone) / n;
      return { values: x, excesses: [], lpSolves: 0, polished: true };
    }
  }
  if (scale === 0) return { values: new Float64Array(n), excesses: [], lpSolves: 0, polished: true };
  return new NucleolusComputation(values, n, kind, solver, scale).run();
}

/**
 * Σ v({i}), after checking that it does not exceed v(N) (beyond rounding, 1e-12 of the largest
 * |v| of a singleton or N): otherwise no split gives every player its stand-alone value, and
 * the nucleolus (over the imputations) does not exist.
 */
export function requireImputation(values: ArrayLike<number>, n: number): number {
  const grand = values[2 ** n - 1];
  let standAlone = 0;
  let scale = Math.abs(grand);
  for (let i = 0; i < n; i++) {
    standAlone += values[1 << i];
    scale = Math.max(scale, Math.abs(values[1 << i]));
  }
  if (standAlone > grand + 1e-12 * scale) {
    throw new EngineInputError(
      'values',
      undefined,
      `the stand-alone values v({i}) sum to ${standAlone}, more than v(N) = ${grand}: no split gives every player at least its stand-alone value, so there is no nucleolus; kind "prenucleolus" has no such bound`,
    );
  }
  return standAlone;
}

interface PolishRow {
  /** A coalition mask, or −(i + 1) for the bound xᵢ = v({i}). */
  readonly mask: number;
  /** Index of the level whose ε the coalition's excess equals (unused for bounds). */
  readonly level: number;
}

class NucleolusComputation {
  private readonly full: number;
  /** v / scale, so that the LP tolerances mean the same whatever the currency. */
  private readonly w: Float64Array;
  /** Orthonormal basis of the span of N, the fixed coalitions and the fixed bounds. */
  private readonly basis: Float64Array[] = [];
  /** Fixed coalitions that raised the rank, as equality rows of later LPs: x(S) = w(S) − ε. */
  private readonly equalities: Array<{ mask: number; rhs: number }> = [];
  private readonly polishRows: PolishRow[] = [];
  private readonly excesses: number[] = [];
  private readonly colLower: Float64Array;
  private readonly colUpper: Float64Array;
  /** active[mask]: the excess of S still varies over the feasible set (S not in the fixed span). */
  private readonly active: Uint8Array;
  private readonly sums: Float64Array;
  private working: number[] = [];
  private lpSolves = 0;
  private lastX: Float64Array = new Float64Array(0);

  constructor(
    private readonly values: ArrayLike<number>,
    private readonly n: number,
    private readonly kind: NucleolusKind,
    private readonly solver: LpSolver,
    private readonly scale: number,
  ) {
    const size = 2 ** n;
    this.full = size - 1;
    this.w = new Float64Array(size);
    for (let mask = 0; mask < size; mask++) this.w[mask] = values[mask] / scale;
    this.colLower = new Float64Array(n + 1).fill(-Infinity);
    this.colUpper = new Float64Array(n + 1).fill(Infinity);
    if (kind === 'nucleolus') for (let i = 0; i < n; i++) this.colLower[i] = this.w[1 << i];
    this.active = new Uint8Array(size);
    this.sums = new Float64Array(size);
    this.addToBasis(indicator(this.full, n));
    // Singletons keep every LP bounded; the coalitions of n − 1 players are often the binding ones.
    for (let i = 0; i < n; i++) this.working.push(1 << i, this.full ^ (1 << i));
  }

  run(): NucleolusResult {
    const { n } = this;
    while (this.basis.length < n) {
      if (this.excesses.length >= n) throw new Error('nucleolus: the fixed coalitions stopped gaining rank (LP solver inaccuracy)');
      this.level();
    }
    const polished = this.polish();
    const out = polished ?? this.lastX.map((xi) => xi * this.scale);
    return { values: out, excesses: this.excesses.map((e) => e * this.scale), lpSolves: this.lpSolves, polished: polished !== undefined };
  }

  private level(): void {
    const { n, w, active } = this;
    const levelIndex = this.excesses.length;
    this.refreshActive();
    const inWorking = new Set<number>();
    const working: number[] = [];
    const keep = (mask: number) => {
      if (active[mask] && !inWorking.has(mask)) {
        inWorking.add(mask);
        working.push(mask);
      }
    };
    for (let i = 0; i < n; i++) keep(1 << i);
    for (const mask of this.working) keep(mask);

    const perRound = Math.max(16, 2 * n);
    let solution: LpSolution;
    let x: Float64Array;
    let epsilon: number;
    const session = this.openLevel(working);
    try {
      for (;;) {
        solution = this.solve(session);
        x = solution.colValue.subarray(0, n);
        epsilon = solution.colValue[n];
        const violated = this.mostViolated(x, epsilon, inWorking, perRound);
        if (violated.length === 0) break;
        for (const mask of violated) keep(mask);
        session.addRows(this.rowsOf(violated.map((mask) => ({ mask, withEpsilon: true, lower: w[mask], upper: Infinity }))));
      }
    } finally {
      session.close();
    }
    this.working = working;
    this.lastX = Float64Array.from(x);

    const offset = 1 + this.equalities.length;
    const tight: number[] = [];
    let best = -1;
    for (let r = 0; r < working.length; r++) {
      const dual = solution.rowDual[offset + r];
      if (best < 0 || dual > solution.rowDual[offset + best]) best = r;
      if (dual > DUAL_TOL && w[working[r]] - subsetSum(x, working[r]) >= epsilon - TIGHT_TOL) tight.push(working[r]);
    }
    const bounds: number[] = [];
    if (this.kind === 'nucleolus') {
      for (let i = 0; i < n; i++) {
        if (this.colLower[i] !== this.colUpper[i] && solution.colDual[i] > DUAL_TOL && x[i] <= this.colLower[i] + TIGHT_TOL) bounds.push(i);
      }
    }
    if (tight.length === 0 && bounds.length === 0) {
      // Duals sum to 1 over the working rows; if none passed the threshold, the largest is the one.
      if (best < 0) throw new Error('nucleolus: a level LP had no coalition rows');
      tight.push(working[best]);
    }

    this.excesses.push(epsilon);
    const rank = this.basis.length;
    for (const mask of tight) {
      this.polishRows.push({ mask, level: levelIndex });
      if (this.addToBasis(indicator(mask, n))) this.equalities.push({ mask, rhs: w[mask] - epsilon });
    }
    for (const i of bounds) {
      this.polishRows.push({ mask: -(i + 1), level: levelIndex });
      this.colUpper[i] = this.colLower[i];
      const unit = new Float64Array(n);
      unit[i] = 1;
      this.addToBasis(unit);
    }
    if (this.basis.length === rank) throw new Error('nucleolus: a level fixed no new coalition (LP solver inaccuracy)');
  }

  /** Columns x₀ … x_{n−1}, ε; rows: efficiency, the fixed equalities, x(S) + ε ≥ w(S) for S in `working`. */
  private openLevel(working: readonly number[]): LpSession {
    const { n, w, full } = this;
    const cost = new Float64Array(n + 1);
    cost[n] = 1;
    const rows = [
      { mask: full, withEpsilon: false, lower: w[full], upper: w[full] },
      ...this.equalities.map(({ mask, rhs }) => ({ mask, withEpsilon: false, lower: rhs, upper: rhs })),
      ...working.map((mask) => ({ mask, withEpsilon: true, lower: w[mask], upper: Infinity })),
    ];
    return this.solver.open({ numCols: n + 1, cost, colLower: this.colLower, colUpper: this.colUpper, rows: this.rowsOf(rows) });
  }

  private rowsOf(rows: ReadonlyArray<{ mask: number; withEpsilon: boolean; lower: number; upper: number }>): LpRows {
    const { n } = this;
    const starts = new Int32Array(rows.length + 1);
    const indices: number[] = [];
    rows.forEach(({ mask, withEpsilon }, r) => {
      for (let i = 0; i < n; i++) if (mask & (1 << i)) indices.push(i);
      if (withEpsilon) indices.push(n);
      starts[r + 1] = indices.length;
    });
    return {
      lower: Float64Array.from(rows, (row) => row.lower),
      upper: Float64Array.from(rows, (row) => row.upper),
      starts,
      indices: Int32Array.from(indices),
      values: new Float64Array(indices.length).fill(1),
    };
  }

  private solve(session: LpSession): LpSolution {
    this.lpSolves++;
    const solution = session.solve();
    if (solution.status !== 'optimal') {
      throw new Error(`nucleolus: the ${this.solver.name} LP of level ${this.excesses.length + 1} ended ${solution.status}${solution.detail ? ` (${solution.detail})` : ''}`);
    }
    return solution;
  }

  /** Up to `limit` active coalitions outside the working set whose excess passes ε, largest first. */
  private mostViolated(x: Float64Array, epsilon: number, inWorking: ReadonlySet<number>, limit: number): number[] {
    const { w, active, sums, full } = this;
    subsetSums(x, sums);
    const masks: number[] = [];
    const excess: number[] = [];
    const threshold = epsilon + VIOLATION_TOL;
    for (let mask = 1; mask < full; mask++) {
      if (!active[mask]) continue;
      const e = w[mask] - sums[mask];
      if (e <= threshold) continue;
      if (masks.length === limit && e <= excess[limit - 1]) continue;
      if (inWorking.has(mask)) continue;
      // Insertion into the short list kept sorted by decreasing excess.
      let k = masks.length === limit ? limit - 1 : masks.length;
      while (k > 0 && excess[k - 1] < e) {
        if (k < limit) {
          masks[k] = masks[k - 1];
          excess[k] = excess[k - 1];
        }
        k--;
      }
      masks[k] = mask;
      excess[k] = e;
    }
    return masks;
  }

  /** active[S] = 1 when the indicator of S has a component outside the fixed span. */
  private refreshActive(): void {
    const { n, active, sums, full } = this;
    active.fill(0);
    for (const z of this.nullBasis()) {
      subsetSums(z, sums);
      for (let mask = 1; mask < full; mask++) if (abs(sums[mask]) > SPAN_TOL) active[mask] = 1;
    }
    if (n > 0) active[full] = 0;
  }

  /** An orthonormal basis of the complement of the fixed span. */
  private nullBasis(): Float64Array[] {
    const { n } = this;
    const found: Float64Array[] = [];
    for (let i = 0; i < n && this.basis.length + found.length < n; i++) {
      const r = new Float64Array(n);
      r[i] = 1;
      const norm = orthogonalise(r, [...this.basis, ...found]);
      if (norm > 1e-6) {
        for (let k = 0; k < n; k++) r[k] /= norm;
        found.push(r);
      }
    }
    return found;
  }

  /** Adds v to the fixed span; false when it was (numerically) in it already. */
  private addToBasis(v: Float64Array): boolean {
    const norm = orthogonalise(v, this.basis);
    if (norm <= 1e-9) return false;
    for (let k = 0; k < v.length; k++) v[k] /= norm;
    this.basis.push(v);
    return true;
  }

  /**
   * Solves the tight system for (x, ε₁ … ε_L) by Gauss–Jordan elimination with partial
   * pivoting over all its rows (it is overdetermined and consistent). Undefined when it is not
   * of full rank or disagrees with the LP solution: the LP's x is then the answer.
   */
  private polish(): Float64Array | undefined {
    const { n, values } = this;
    const unknowns = n + this.excesses.length;
    const rows: Float64Array[] = [];
    const rhs: number[] = [];
    // In the table's own units, not scaled: whole-number tables then eliminate exactly.
    const push = (members: number, level: number, value: number) => {
      const row = new Float64Array(unknowns);
      for (let i = 0; i < n; i++) if (members & (1 << i)) row[i] = 1;
      if (level >= 0) row[n + level] = 1;
      rows.push(row);
      rhs.push(value);
    };
    push(this.full, -1, values[this.full]);
    for (const { mask, level } of this.polishRows) {
      if (mask >= 0) push(mask, level, values[mask]);
      else push(1 << (-mask - 1), -1, values[1 << (-mask - 1)]);
    }
    const solution = eliminate(rows, rhs);
    if (solution === undefined) return undefined;
    // One step of iterative refinement: the residual of the original rows, solved again.
    const residual = rows.map((row, r) => {
      let sum = rhs[r];
      for (let k = 0; k < unknowns; k++) if (row[k] !== 0) sum -= row[k] * solution[k];
      return sum;
    });
    const correction = eliminate(rows, residual);
    if (correction !== undefined) for (let k = 0; k < unknowns; k++) solution[k] += correction[k];
    const x = solution.slice(0, n);
    for (let i = 0; i < n; i++) if (Math.abs(x[i] / this.scale - this.lastX[i]) > POLISH_AGREEMENT) return undefined;
    return x;
  }
}

/**
 * Solves the overdetermined but consistent system rows · z = rhs by Gauss–Jordan elimination
 * with partial pivoting (on copies); undefined when it is not of full column rank or the rows
 * left over are not consistent within the LP's tolerance (relative to the largest |rhs|).
 */
function eliminate(original: readonly Float64Array[], originalRhs: readonly number[]): Float64Array | undefined {
  const rows = original.map((row) => Float64Array.from(row));
  const rhs = Float64Array.from(originalRhs);
  const unknowns = rows[0].length;
  let size = 0;
  for (const b of rhs) size = Math.max(size, Math.abs(b));
  const used = new Uint8Array(rows.length);
  const pivotRow = new Int32Array(unknowns);
  for (let col = 0; col < unknowns; col++) {
    let pick = -1;
    for (let r = 0; r < rows.length; r++) {
      if (!used[r] && (pick < 0 || Math.abs(rows[r][col]) > Math.abs(rows[pick][col]))) pick = r;
    }
    if (pick < 0 || Math.abs(rows[pick][col]) < 1e-9) return undefined;
    used[pick] = 1;
    pivotRow[col] = pick;
    const p = rows[pick];
    const pivot = p[col];
    for (let k = 0; k < unknowns; k++) p[k] /= pivot;
    rhs[pick] /= pivot;
    for (let r = 0; r < rows.length; r++) {
      const factor = rows[r][col];
      if (r === pick || factor === 0) continue;
      const row = rows[r];
      for (let k = 0; k < unknowns; k++) row[k] -= factor * p[k];
      row[col] = 0;
      rhs[r] -= factor * rhs[pick];
    }
  }
  for (let r = 0; r < rows.length; r++) if (!used[r] && Math.abs(rhs[r]) > POLISH_AGREEMENT * Math.max(1, size)) return undefined;
  const z = new Float64Array(unknowns);
  for (let k = 0; k < unknowns; k++) z[k] = rhs[pivotRow[k]];
  return z;
}

function indicator(mask: number, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) if (mask & (1 << i)) v[i] = 1;
  return v;
}

/** Removes from v its components along the orthonormal `basis` (twice, for accuracy); returns |v|. */
function orthogonalise(v: Float64Array, basis: readonly Float64Array[]): number {
  for (let pass = 0; pass < 2; pass++) {
    for (const q of basis) {
      let dot = 0;
      for (let k = 0; k < v.length; k++) dot += q[k] * v[k];
      for (let k = 0; k < v.length; k++) v[k] -= dot * q[k];
    }
  }
  let norm = 0;
  for (let k = 0; k < v.length; k++) norm += v[k] * v[k];
  return Math.sqrt(norm);
}

/** out[mask] = Σ_{i ∈ mask} x[i], each from the mask without its lowest player. */
function subsetSums(x: ArrayLike<number>, out: Float64Array): void {
  out[0] = 0;
  for (let mask = 1; mask < out.length; mask++) {
    const low = mask & -mask;
    out[mask] = out[mask ^ low] + x[31 - clz32(low)];
  }
}

function subsetSum(x: ArrayLike<number>, mask: number): number {
  let total = 0;
  for (let i = 0; mask >>> i !== 0; i++) if (mask & (1 << i)) total += x[i];
  return total;
}

