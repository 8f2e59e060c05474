/**
 * The linear programs the engine needs solved, and what it needs back, as plain data: the engine
 * takes a solver as a parameter (src/lp/highs.ts adapts HiGHS compiled to WebAssembly) so that it
 * stays free of Node, of the browser and of the asynchronous loading a WebAssembly solver needs.
 *
 *   minimise   cost · x
 *   subject to rowLower ≤ A x ≤ rowUpper,   colLower ≤ x ≤ colUpper
 *
 * A missing bound is ±Infinity; an equality row or a fixed column has equal bounds.
 */
export interface LinearProgram {
  readonly numCols: number;
  readonly cost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** A by rows (compressed sparse row): row r holds indices/values[rowStarts[r] .. rowStarts[r + 1]). */
  readonly rowStarts: Int32Array;
  readonly rowIndices: Int32Array;
  readonly rowValues: Float64Array;
}

export type LpStatus = 'optimal' | 'infeasible' | 'unbounded' | 'failed';

/**
 * `colValue` is an optimal x when `status` is 'optimal'. Duals follow the usual convention of a
 * minimisation (HiGHS's): a row or column held at its lower bound has a dual ≥ 0, one held at
 * its upper bound a dual ≤ 0; `colDual` are the reduced costs.
 */
export interface LpSolution {
  readonly status: LpStatus;
  /** The solver's own words for a status other than 'optimal'. */
  readonly detail?: string;
  readonly colValue: Float64Array;
  readonly colDual: Float64Array;
  readonly rowDual: Float64Array;
}

export interface LpSolver {
  /** Named in results so that a counterpart can re-run them: "HiGHS". */
  readonly name: string;
  readonly version: string;
  solve(program: LinearProgram): LpSolution;
}
