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
  readonly rows: LpRows;
}

/** Rows of A with their bounds, by rows (compressed sparse row): row r holds indices/values[starts[r] .. starts[r + 1]). */
export interface LpRows {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly starts: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
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
  /** Loads a program to be solved, possibly several times as rows are added. */
  open(program: LinearProgram): LpSession;
}

/**
 * A program kept by the solver between solves: adding rows (constraint generation) and solving
 * again starts from the previous basis, a few dual simplex iterations instead of a new solve.
 */
export interface LpSession {
  /** Appends rows after the existing ones (their duals follow in the same order). */
  addRows(rows: LpRows): void;
  solve(): LpSolution;
  /** Frees the solver's memory (WebAssembly memory is not garbage-collected). */
  close(): void;
}
