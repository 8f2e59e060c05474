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
import type { LinearProgram, LpRows, LpSession, LpSolution, LpSolver, LpStatus } from '../engine/lp/linearProgram';

/** HiGHS tolerances are 1e-7 by default; tighter ones make the nucleolus's tight sets cleaner. */
const OPTIONS = {
  output_flag: false,
  // The programs are small; presolve would cost more than it saves and lose the warm start.
  presolve: 'off',
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

  open(program: LinearProgram): LpSession {
    const { numCols, rows } = program;
    const model = this.highs.createModel({
      numCols,
      numRows: rows.lower.length,
      colCost: program.cost,
      colLower: program.colLower,
      colUpper: program.colUpper,
      rowLower: rows.lower,
      rowUpper: rows.upper,
      matrix: { format: 'csr', numRows: rows.lower.length, numCols, starts: rows.starts, indices: rows.indices, values: rows.values },
    });
    try {
      model.options.set(OPTIONS);
    } catch (error) {
      model.dispose();
      throw error;
    }
    const codes = this.highs.constants.modelStatus as Readonly<Record<string, number>>;
    return {
      addRows(added: LpRows) {
        const count = added.lower.length;
        model.addRows({
          lower: added.lower,
          upper: added.upper,
          matrix: { format: 'csr', numRows: count, numCols, starts: added.starts, indices: added.indices, values: added.values },
        });
      },
      solve(): LpSolution {
        model.run();
        const code = model.getModelStatus();
        const status = statusOf(code, codes);
        if (status !== 'optimal') {
          const empty = new Float64Array(0);
          const detail = Object.keys(codes).find((key) => codes[key] === code) ?? `model status ${code}`;
          return { status, detail, colValue: empty, colDual: empty, rowDual: empty };
        }
        const solution = model.getSolution();
        return { status, colValue: solution.colValue, colDual: solution.colDual, rowDual: solution.rowDual };
      },
      close() {
        model.dispose();
      },
    };
  }
}

function statusOf(code: number, codes: Readonly<Record<string, number>>): LpStatus {
  if (code === codes.optimal) return 'optimal';
  if (code === codes.infeasible) return 'infeasible';
  if (code === codes.unbounded || code === codes.unboundedOrInfeasible) return 'unbounded';
  return 'failed';
}
