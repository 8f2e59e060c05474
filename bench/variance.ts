/**
 * Variance reduction: the standard error each sampler reaches on the same games, for the same
 * marginal contributions and at equal time. Permutation sampling (plain and antithetic) against
 * stratified sampling with optimum allocation (Castro et al. 2017), for Shapley and Owen values.
 *
 * "SE at 1 s" is the largest standard error scaled to one second of this machine: standard
 * errors fall as 1/√(samples) and samples grow with time, so SE·√(seconds) compares samplers
 * that cost differently per marginal contribution. The true error is against the exact values
 * (full table, or the voting game's exact Shapley–Shubik index), a check that the standard
 * errors are honest.
 */
import { tableGame } from '../src/engine/games/table';
import { votingGame } from '../src/engine/games/voting';
import type { Game } from '../src/engine/games/game';
import { exactShapley } from '../src/engine/shapley/exact';
import { owenValue } from '../src/engine/shapley/owen';
import { permutationShapley } from '../src/engine/shapley/sampling';
import { stratifiedShapley } from '../src/engine/shapley/stratifiedSampling';
import { shapleyShubikIndex } from '../src/engine/shapley/voting';
import { ELECTORAL_VOTES_2020_CENSUS } from './electoralCollege';
import { formatMs, mulberry32, printGrid, timeMedian } from './harness';

interface Run {
  values: Float64Array;
  standardErrors: Float64Array;
}

interface VarianceRow {
  game: string;
  method: string;
  contributions: number;
  ms: number;
  largestSE: number;
  trueError: number;
}

function largest(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]);
  return m;
}

function row(game: string, method: string, contributions: number, run: () => Run, truth: ArrayLike<number>): VarianceRow {
  const ms = timeMedian(run, 3);
  const result = run();
  const errors = Array.from(result.values, (v, i) => Math.abs(v - truth[i]));
  return { game, method, contributions, ms, largestSE: largest(result.standardErrors), trueError: largest(errors) };
}

/** The three samplers on one game with the same budget of marginal contributions. */
function rowsFor(name: string, game: Game, permutations: number, truth: ArrayLike<number>, unions?: string[]): VarianceRow[] {
  const n = game.n;
  const owen = unions ? 'Owen ' : '';
  return [
    row(name, `${owen}permutation`, permutations * n, () => permutationShapley(game, { seed: 7, maxPermutations: permutations, unions }), truth),
    row(name, `${owen}antithetic permutation`, permutations * n, () => permutationShapley(game, { seed: 7, maxPermutations: permutations, antithetic: true, unions }), truth),
    row(name, `${owen}stratified (optimum allocation)`, permutations * n, () => stratifiedShapley(game, { seed: 7, maxContributions: permutations * n, unions }), truth),
  ];
}

export function benchVariance(): VarianceRow[] {
  const n = 12;
  const next = mulberry32(5);
  const values = new Float64Array(2 ** n);
  // A game with structure, as sheets have: v grows with the coalition's size, plus noise.
  for (let mask = 1; mask < values.length; mask++) {
    let size = 0;
    for (let b = mask; b; b &= b - 1) size++;
    values[mask] = 10 * Math.sqrt(size) + next() * 5;
  }
  const table = tableGame(values, n);
  const unions = Array.from({ length: n }, (_, i) => `union ${i % 4}`);
  const unionLists = [0, 1, 2, 3].map((u) => Array.from({ length: n / 4 }, (_, k) => 4 * k + u));

  const weights = Object.values(ELECTORAL_VOTES_2020_CENSUS);
  const quota = Math.floor(weights.reduce((a, b) => a + b, 0) / 2) + 1;
  return [
    ...rowsFor(`table, n=${n}`, table, 20_000, exactShapley(values, n)),
    ...rowsFor(`table, n=${n}, 4 unions`, table, 20_000, owenValue(values, n, unionLists), unions),
    ...rowsFor('US Electoral College (51)', votingGame(weights, quota), 20_000, shapleyShubikIndex(weights, quota)),
  ];
}

export function printVariance(): void {
  const rows = benchVariance();
  const cells = rows.map((r) => {
    const reference = rows.find((x) => x.game === r.game)!;
    const at1s = r.largestSE * Math.sqrt(r.ms / 1000);
    const referenceAt1s = reference.largestSE * Math.sqrt(reference.ms / 1000);
    return [
      r.game,
      r.method,
      r.contributions.toExponential(1),
      formatMs(r.ms),
      r.largestSE.toExponential(2),
      `${((reference.largestSE / r.largestSE) ** 2).toFixed(2)}×`,
      at1s.toExponential(2),
      `${((referenceAt1s / at1s) ** 2).toFixed(2)}×`,
      r.trueError.toExponential(2),
    ];
  });
  printGrid(
    'Variance reduction — the same marginal contributions per game. "fewer evaluations": contributions plain permutation sampling needs for the same largest SE, over this one\'s (what counts when the game is costly to evaluate); "SE at 1 s" = largest SE × √seconds, and "at equal time": the same ratio in time on this machine',
    ['game', 'method', 'contributions', 'time', 'largest SE', 'fewer evaluations', 'SE at 1 s', 'at equal time', 'largest true error'],
    cells,
  );
}
