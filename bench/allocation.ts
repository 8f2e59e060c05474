/**
 * Allocation beyond the Shapley value (DESIGN §7.1) on a full 20-player table: the Owen value
 * for two partitions (its cost is Σᵢ 2^(m−1)·2^(uᵢ−1), so 5 unions of 4 is cheap and 2 unions
 * of 10 costs more), and COREGAP's scan of every coalition, on a random split (few candidates
 * for the exact pass) and on an additive game at its own split (every coalition ties).
 */
import { mulberry32, timeMedian, type BenchRow } from './harness';
import { coreGap } from '../src/engine/shapley/coreGap';
import { owenValue } from '../src/engine/shapley/owen';

export function benchAllocation(): BenchRow[] {
  const n = 20;
  const next = mulberry32(6);
  const values = new Float64Array(2 ** n);
  for (let mask = 1; mask < values.length; mask++) values[mask] = Math.round(next() * 1e6);
  const fiveOfFour = Array.from({ length: 5 }, (_, k) => [4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3]);
  const twoOfTen = [Array.from({ length: 10 }, (_, i) => i), Array.from({ length: 10 }, (_, i) => i + 10)];
  const owen5Ms = timeMedian(() => owenValue(values, n, fiveOfFour), 5);
  const owen2Ms = timeMedian(() => owenValue(values, n, twoOfTen), 5);

  const split = Array.from({ length: n }, () => values[2 ** n - 1] / n);
  const gapMs = timeMedian(() => coreGap(values, n, split), 3);
  const weights = Array.from({ length: n }, (_, i) => i + 1);
  const additive = new Float64Array(2 ** n);
  for (let mask = 1; mask < additive.length; mask++) {
    const low = mask & -mask;
    additive[mask] = additive[mask ^ low] + weights[31 - Math.clz32(low)];
  }
  const tiesMs = timeMedian(() => coreGap(additive, n, weights), 3);
  const size = `n=${n} (2^${n} values)`;
  return [
    { name: 'Owen value, exact', size: `${size}, 5 unions of 4`, medianMs: owen5Ms },
    { name: 'Owen value, exact', size: `${size}, 2 unions of 10`, medianMs: owen2Ms },
    { name: 'COREGAP, random split', size, medianMs: gapMs },
    { name: 'COREGAP, every coalition tied', size, medianMs: tiesMs },
  ];
}
