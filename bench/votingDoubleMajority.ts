/**
 * Double-majority voting power (PARTAGE.VOTINGPOWER with memberQuota and blockingMinority): the
 * EU-27 Council's qualified majority over populations in thousands, exact.
 */
import { EU27_BLOCKING_MINORITY, EU27_MEMBER_QUOTA, EU27_POPULATION_2024_THOUSANDS, EU27_POPULATION_SHARE } from './euCouncil';
import { timeMedian, type BenchRow } from './harness';
import { banzhafIndex, shapleyShubikIndex } from '../src/engine/shapley/voting';

export function benchVotingDoubleMajority(): BenchRow[] {
  const population = Object.values(EU27_POPULATION_2024_THOUSANDS);
  const total = population.reduce((a, b) => a + b, 0);
  const quota = EU27_POPULATION_SHARE * total;
  const rule = { memberQuota: EU27_MEMBER_QUOTA, blockingMinority: EU27_BLOCKING_MINORITY };
  const ssMs = timeMedian(() => shapleyShubikIndex(population, quota, rule), 5);
  const bzMs = timeMedian(() => banzhafIndex(population, quota, rule), 5);
  const size = `EU-27 Council: ${population.length} members, population ${total} thousand, ${EU27_MEMBER_QUOTA} members + 65 %, blocking ${EU27_BLOCKING_MINORITY}`;
  return [
    { name: 'Shapley–Shubik, double majority (DP)', size, medianMs: ssMs, target: '< 1 s', met: ssMs < 1000 },
    { name: 'Banzhaf power, double majority (DP)', size, medianMs: bzMs, target: '< 1 s', met: bzMs < 1000 },
  ];
}
