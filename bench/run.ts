/**
 * `npm run bench`: engine speed figures, printed as a table. Targets are those of the
 * foundation issue, on one core of a 2-core machine; a row marked NO misses its target.
 * Times are medians of several runs after a warm-up, engine time only (inputs already built).
 */
import os from 'node:os';
import { benchAllocation } from './allocation';
import { benchNucleolus } from './nucleolus';
import { benchDeals } from './deals';
import { benchCompanion } from './companion';
import { benchCluster } from './cluster';
import { printReference } from './reference';
import { printVariance } from './variance';
import { benchPoolStream } from './poolStream';
import { benchGpu } from './gpu';
import { benchVotingDoubleMajority } from './votingDoubleMajority';
import { benchOwenSampling } from './owenSampling';
import { ELECTORAL_VOTES_2020_CENSUS } from './electoralCollege';
import { formatRate, mulberry32, printTable, timeMedian, type BenchRow } from './harness';
import { exactBanzhaf, exactShapley } from '../src/engine/shapley/exact';
import { shapleyShubikIndex, banzhafIndex } from '../src/engine/shapley/voting';
import { maxGameShapley } from '../src/engine/shapley/maxGame';
import { knnShapley } from '../src/engine/shapley/knn';
import { permutationShapley } from '../src/engine/shapley/sampling';
import { tableGame } from '../src/engine/games/table';
import { saturatingScaleGame } from '../src/engine/games/saturatingScale';
import { payToTrain } from '../src/engine/remuneration/payToTrain';
import { transferBase } from '../src/engine/remuneration/transferBase';
import { SHAPLEY } from '../src/functions/coalitionFunctions';

function randomTable(n: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const values = new Float64Array(2 ** n);
  for (let mask = 1; mask < values.length; mask++) values[mask] = next() * 100;
  return values;
}

function benchExactTables(): BenchRow[] {
  const n = 20;
  const values = randomTable(n, 1);
  const shapleyMs = timeMedian(() => exactShapley(values, n));
  const banzhafMs = timeMedian(() => exactBanzhaf(values, n));
  const contributions = n * 2 ** (n - 1);
  return [
    {
      name: 'exact Shapley, full table',
      size: `n=${n} (2^${n} values)`,
      medianMs: shapleyMs,
      rate: formatRate(contributions / (shapleyMs / 1000), 'contributions'),
      target: '< 500 ms',
      met: shapleyMs < 500,
    },
    {
      name: 'exact Banzhaf, full table',
      size: `n=${n} (2^${n} values)`,
      medianMs: banzhafMs,
      rate: formatRate(contributions / (banzhafMs / 1000), 'contributions'),
    },
  ];
}

function benchVoting(): BenchRow[] {
  const weights = Object.values(ELECTORAL_VOTES_2020_CENSUS);
  const total = weights.reduce((a, b) => a + b, 0);
  const quota = Math.floor(total / 2) + 1;
  const ssMs = timeMedian(() => shapleyShubikIndex(weights, quota), 9);
  const bzMs = timeMedian(() => banzhafIndex(weights, quota), 9);
  const size = `${weights.length} members, weight ${total}, quota ${quota}`;
  return [
    { name: 'Shapley–Shubik (DP)', size, medianMs: ssMs, target: '< 50 ms', met: ssMs < 50 },
    { name: 'Banzhaf power (DP)', size, medianMs: bzMs },
  ];
}

function benchSampling(): BenchRow[] {
  const n = 20;
  const table = tableGame(randomTable(n, 2), n);
  const permutations = 200_000;
  const plainMs = timeMedian(() => permutationShapley(table, { seed: 7, maxPermutations: permutations }), 3);
  const antitheticMs = timeMedian(
    () => permutationShapley(table, { seed: 7, maxPermutations: permutations, antithetic: true }),
    3,
  );
  const sizes = Float64Array.from({ length: 1000 }, (_, i) => 1 + ((i * 7919) % 5000));
  const scale = saturatingScaleGame(sizes, 100_000, 0.5);
  const scalePermutations = 2_000;
  const scaleMs = timeMedian(() => permutationShapley(scale, { seed: 7, maxPermutations: scalePermutations }), 3);
  const rate = (perms: number, players: number, ms: number) => (perms * players) / (ms / 1000);
  const plainRate = rate(permutations, n, plainMs);
  return [
    {
      name: 'permutation sampling, table game',
      size: `n=${n}, ${permutations} permutations`,
      medianMs: plainMs,
      rate: formatRate(plainRate, 'contributions'),
      target: '≥ 1e7 contributions/s',
      met: plainRate >= 1e7,
    },
    {
      name: 'antithetic sampling, table game',
      size: `n=${n}, ${permutations} permutations`,
      medianMs: antitheticMs,
      rate: formatRate(rate(permutations, n, antitheticMs), 'contributions'),
    },
    {
      name: 'permutation sampling, saturating scale',
      size: `n=1000, ${scalePermutations} permutations`,
      medianMs: scaleMs,
      rate: formatRate(rate(scalePermutations, 1000, scaleMs), 'contributions'),
    },
  ];
}

function benchClosedForms(): BenchRow[] {
  const next = mulberry32(3);
  const scores = Float64Array.from({ length: 1_000_000 }, () => next());
  const maxMs = timeMedian(() => maxGameShapley(scores), 3);

  const dims = 16;
  const trainSize = 2000;
  const testSize = 100;
  const points = (count: number) => Array.from({ length: count }, () => Float64Array.from({ length: dims }, () => next()));
  const labels = (count: number) => Float64Array.from({ length: count }, () => Math.floor(next() * 3));
  const train = { features: points(trainSize), labels: labels(trainSize) };
  const test = { features: points(testSize), labels: labels(testSize) };
  const knnMs = timeMedian(() => knnShapley(train, test, 5), 3);
  return [
    { name: 'max game (Littlechild–Owen)', size: '1e6 players', medianMs: maxMs },
    { name: 'KNN-Shapley (Jia et al.)', size: `${trainSize} train × ${testSize} test, d=${dims}, K=5`, medianMs: knnMs },
  ];
}

function benchRemuneration(): BenchRow[] {
  const next = mulberry32(4);
  const holders = Array.from({ length: 10_000 }, () => ({ count: 1 + Math.floor(next() * 500), weight: 0.5 + Math.round(next() * 100) / 100 }));
  const payMs = timeMedian(() => payToTrain(1_234_567.89, holders, { minimumPayout: 5 }), 3);
  const lines = Array.from({ length: 10_000 }, () => ({ revenue: Math.round(next() * 1e8) / 100, linkShare: 0.55, counterfactualShare: 0.7 }));
  const baseMs = timeMedian(() => transferBase(lines), 3);
  return [
    { name: 'pay-to-train, exact largest remainder', size: '10,000 holders', medianMs: payMs },
    { name: 'transfer base, exact decimals', size: '10,000 revenue lines', medianMs: baseMs },
  ];
}

function benchSheetShapley(): BenchRow[] {
  // What PARTAGE.SHAPLEY does on a sheet: parse 2^n coalition labels, then the exact engine.
  const n = 16;
  const names = Array.from({ length: n }, (_, i) => `Holder${i + 1}`);
  const values = randomTable(n, 5);
  const labelColumn: string[][] = [];
  const valueColumn: number[][] = [];
  for (let mask = 0; mask < 2 ** n; mask++) {
    labelColumn.push([names.filter((_, i) => mask & (1 << i)).join(',')]);
    valueColumn.push([values[mask]]);
  }
  const ms = timeMedian(() => SHAPLEY(labelColumn, valueColumn, null, null), 3);
  return [{ name: 'PARTAGE.SHAPLEY from labels (parse + exact)', size: `n=${n} (${2 ** n} rows)`, medianMs: ms }];
}

/** `--backend webgpu [--size full|small]` selects the GPU comparison (bench/gpu.ts). */
function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  return inline ? inline.slice(name.length + 3) : at >= 0 ? args[at + 1] : undefined;
}

/** `--only cluster`: these alone (they start Redis and worker processes: a few minutes). */
async function printCluster(): Promise<void> {
  const cluster = await benchCluster();
  if ('skipped' in cluster) {
    console.log(`\n${cluster.skipped}`);
    return;
  }
  printTable(`partage cluster benchmarks — Redis on loopback, \`partage worker\` processes of 1 thread each, beside the coordinator on this machine's ${os.availableParallelism()} cores`, cluster.rows);
  console.log(`\n${cluster.estimate.join('\n')}`);
}

async function main(): Promise<void> {
  const backend = option('backend') ?? 'cpu';
  if (backend === 'webgpu') {
    const size = option('size');
    if (size !== undefined && size !== 'full' && size !== 'small') throw new Error(`--size must be full or small, got ${size}`);
    return benchGpu({ size });
  }
  if (backend !== 'cpu') throw new Error(`--backend must be cpu or webgpu, got ${backend}`);
  const only = option('only');
  if (only !== undefined && only !== 'cluster' && only !== 'reference' && only !== 'variance') throw new Error(`--only must be cluster, reference or variance, got ${only}`);
  if (only === 'cluster') return printCluster();
  if (only === 'reference') return printReference();
  if (only === 'variance') return printVariance();
  const rows = [
    ...benchExactTables(),
    ...benchVoting(),
    ...benchVotingDoubleMajority(),
    ...benchSampling(),
    ...benchOwenSampling(),
    ...benchClosedForms(),
    ...benchRemuneration(),
    ...benchSheetShapley(),
    ...benchAllocation(),
    ...(await benchNucleolus()),
    ...benchDeals(),
  ];
  printTable(`partage engine benchmarks — node ${process.version}, cpu backend, 1 thread`, rows);
  printReference();
  printVariance();
  const companionRows = await benchCompanion();
  companionRows.push(...(await benchPoolStream(Number(process.env.PARTAGE_POOL_ROWS ?? 1e6))));
  printTable(`partage companion benchmarks — cpu backend, worker threads (${os.availableParallelism()} cores: ${os.cpus()[0]?.model?.trim() ?? os.arch()})`, companionRows);
  await printCluster();
  const missed = [...rows, ...companionRows].filter((r) => r.met === false);
  if (missed.length > 0) console.log(`\n${missed.length} target(s) missed: ${missed.map((r) => r.name).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
