/**
 * PARTAGE.NUCLEOLUS's engine with the HiGHS adapter (loaded once, before timing) on random
 * games v(S) = (Σ_{i∈S} wᵢ)^1.3 + noise: n = 12 and 16 are sheet sizes (the sheet limit is 16),
 * n = 20 the companion's largest. Each run is up to n − 1 LP levels, each solved by constraint
 * generation over all 2^n coalitions.
 */
import { mulberry32, timeMedian, type BenchRow } from './harness';
import { nucleolus } from '../src/engine/shapley/nucleolus';
import { loadHighs } from '../src/lp/highs';

function randomGame(n: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const w = Array.from({ length: n }, () => 1 + 9 * next());
  const values = new Float64Array(2 ** n);
  const sums = new Float64Array(2 ** n);
  for (let mask = 1; mask < values.length; mask++) {
    const low = mask & -mask;
    sums[mask] = sums[mask ^ low] + w[31 - Math.clz32(low)];
    values[mask] = sums[mask] ** 1.3 + 5 * next();
  }
  return values;
}

export async function benchNucleolus(): Promise<BenchRow[]> {
  const solver = await loadHighs();
  return [12, 16, 20].map((n) => {
    const values = randomGame(n, n);
    let levels = 0;
    const medianMs = timeMedian(() => {
      levels = nucleolus(values, n, 'nucleolus', solver).excesses.length;
    }, n === 20 ? 1 : 3);
    return { name: `nucleolus n=${n}`, size: `2^${n} coalitions, ${levels} LP levels, ${solver.name} ${solver.version}`, medianMs };
  });
}
