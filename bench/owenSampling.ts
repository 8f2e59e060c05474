/**
 * Owen sampling (permutationShapley with unions): marginal contributions per second on a
 * coalition table with 5 unions of 4 players, next to plain permutation sampling of the same
 * table, and on the electoral college with the states grouped by the four census regions.
 */
import { ELECTORAL_VOTES_2020_CENSUS } from './electoralCollege';
import { formatRate, mulberry32, timeMedian, type BenchRow } from './harness';
import { permutationShapley } from '../src/engine/shapley/sampling';
import { tableGame } from '../src/engine/games/table';
import { votingGame } from '../src/engine/games/voting';

/** US Census Bureau regions. */
const CENSUS_REGIONS: Record<string, string[]> = {
  Northeast: ['CT', 'ME', 'MA', 'NH', 'RI', 'VT', 'NJ', 'NY', 'PA'],
  Midwest: ['IL', 'IN', 'MI', 'OH', 'WI', 'IA', 'KS', 'MN', 'MO', 'NE', 'ND', 'SD'],
  South: ['DE', 'FL', 'GA', 'MD', 'NC', 'SC', 'VA', 'DC', 'WV', 'AL', 'KY', 'MS', 'TN', 'AR', 'LA', 'OK', 'TX'],
  West: ['AZ', 'CO', 'ID', 'MT', 'NV', 'NM', 'UT', 'WY', 'AK', 'CA', 'HI', 'OR', 'WA'],
};

export function benchOwenSampling(): BenchRow[] {
  const n = 20;
  const next = mulberry32(2);
  const values = new Float64Array(2 ** n);
  for (let mask = 1; mask < values.length; mask++) values[mask] = next() * 100;
  const table = tableGame(values, n);
  const unions = Array.from({ length: n }, (_, i) => `union ${Math.floor(i / 4)}`);
  const permutations = 200_000;
  const owenMs = timeMedian(() => permutationShapley(table, { seed: 7, maxPermutations: permutations, unions }), 3);
  const plainMs = timeMedian(() => permutationShapley(table, { seed: 7, maxPermutations: permutations }), 3);
  const antitheticMs = timeMedian(() => permutationShapley(table, { seed: 7, maxPermutations: permutations, antithetic: true, unions }), 3);

  const states = Object.keys(ELECTORAL_VOTES_2020_CENSUS);
  const weights = states.map((s) => ELECTORAL_VOTES_2020_CENSUS[s]);
  const quota = Math.floor(weights.reduce((a, b) => a + b, 0) / 2) + 1;
  const regionOf = states.map((s) => Object.keys(CENSUS_REGIONS).find((r) => CENSUS_REGIONS[r].includes(s))!);
  const college = votingGame(weights, quota);
  const votingPermutations = 20_000;
  const votingMs = timeMedian(() => permutationShapley(college, { seed: 7, maxPermutations: votingPermutations, unions: regionOf }), 3);

  const rate = (perms: number, players: number, ms: number) => formatRate((perms * players) / (ms / 1000), 'contributions');
  return [
    { name: 'Owen sampling, table n=20 (5 unions of 4)', size: `${permutations} orders`, medianMs: owenMs, rate: rate(permutations, n, owenMs) },
    { name: 'antithetic Owen sampling, same table', size: `${permutations} orders`, medianMs: antitheticMs, rate: rate(permutations, n, antitheticMs) },
    { name: 'plain sampling, same table (for comparison)', size: `${permutations} permutations`, medianMs: plainMs, rate: rate(permutations, n, plainMs) },
    {
      name: 'Owen sampling, electoral college by census region',
      size: `51 members in 4 unions, ${votingPermutations} orders`,
      medianMs: votingMs,
      rate: rate(votingPermutations, 51, votingMs),
    },
  ];
}
