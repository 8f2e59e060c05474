/**
 * The engine's LP solver (src/engine/lp/linearProgram.ts) as HiGHS compiled to WebAssembly (the
 * `highs` npm package, MIT). Loading compiles ~3.5 MB of WebAssembly, so it happens on the first
 * call of loadHighs(), never at import time, and the instance is shared by every later call.
 *
 * Where highs.wasm comes from:
 * - Node (CLI, companion worker threads, tests): `import()` is compiled to require('highs'), the
 *   CommonJS build, which reads highs.wasm next to itself in node_modules.
 * - The add-in (webpack, functions and task pane on one page, and the pane's web worker):
 *   `import()` makes the solver a chunk of its own, loaded on first use; webpack resolves the ES
 *   build, whose `new URL('highs.wasm', import.meta.url)` it emits as an asset beside the bundle
 *   and rewrites to that asset's URL (webpack.config.js names it highs.wasm).
 */
import type { Highs } from 'highs';
import type { LinearProgram, LpSolution, LpSolver, LpStatus } from '../engine/lp/linearProgram';

/** HiGHS tolerances are 1e-7 by default; tighter ones make the nucleolus's tight sets cleaner. */
const OPTIONS = {
  output_flag: false,
  primal_feasibility_tolerance: 1e-9,
  dual_feasibility_tolerance: 1e-9,
} as const;

let loading: Promise<LpSolver> | undefined;

export function loadHighs(): Promise<LpSolver> {
  if (!loading) {
    loading = import('highs').then(async (module) => new HighsSolver(await module.default()));
    // A failed load (a missing asset, offline) is not cached: the next call tries again.
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

class HighsSolver implements LpSolver {
  readonly name = 'HiGHS';
  readonly version: string;

  constructor(private readonly highs: Highs) {
    this.version = highs.version.string;
  }

  solve(program: LinearProgram): LpSolution {
    const numRows = program.rowLower.length;
    const model = this.highs.createModel({
      numCols: program.numCols,
      numRows,
      colCost: program.cost,
      colLower: program.colLower,
      colUpper: program.colUpper,
      rowLower: program.rowLower,
      rowUpper: program.rowUpper,
      matrix: {
        format: 'csr',
        numRows,
        numCols: program.numCols,
        starts: program.rowStarts,
        indices: program.rowIndices,
        values: program.rowValues,
      },
    });
    try {
      model.options.set(OPTIONS);
      model.run();
      const code = model.getModelStatus();
      const status = this.statusOf(code);
      const empty = new Float64Array(0);
      if (status !== 'optimal') return { status, detail: this.statusName(code), colValue: empty, colDual: empty, rowDual: empty };
      const solution = model.getSolution();
      return { status, colValue: solution.colValue, colDual: solution.colDual, rowDual: solution.rowDual };
    } finally {
      model.dispose();
    }
  }

  private statusOf(code: number): LpStatus {
    const codes = this.highs.constants.modelStatus;
    if (code === codes.optimal) return 'optimal';
    if (code === codes.infeasible) return 'infeasible';
    if (code === codes.unbounded || code === codes.unboundedOrInfeasible) return 'unbounded';
    return 'failed';
  }

  private statusName(code: number): string {
    const codes = this.highs.constants.modelStatus as Readonly<Record<string, number>>;
    return Object.keys(codes).find((key) => codes[key] === code) ?? `model status ${code}`;
  }
}
