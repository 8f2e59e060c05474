// Throughput of permutation sampling on a 20-player table game (a random 2^20 table), one core.
// Run: npx tsx test/engine/sampling/throughput.bench.ts
// Reports marginal contributions per second of wall time and of CPU time (the latter is the
// fairer figure on a shared machine).
import { tableGame } from '../../../src/engine/games/table';
import { permutationShapley } from '../../../src/engine/shapley/sampling';

const n = 20;
const values = new Float64Array(2 ** n);
let state = 12345;
for (let i = 0; i < values.length; i++) {
  state = (Math.imul(state, 1103515245) + 12345) | 0;
  values[i] = (state >>> 8) / 2 ** 24;
}
const game = tableGame(values, n);

for (const antithetic of [false, true]) {
  permutationShapley(game, { seed: 1, maxPermutations: 20_000, antithetic }); // warm-up
  const wall0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const r = permutationShapley(game, { seed: 7, maxPermutations: 1_000_000, antithetic });
  const cpu = process.cpuUsage(cpu0);
  const wallSeconds = Number(process.hrtime.bigint() - wall0) / 1e9;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perSecond = (s: number): string => `${(r.marginalContributions / s / 1e6).toFixed(1)}·10^6/s`;
  process.stdout.write(
    `${r.method}: ${r.marginalContributions} marginal contributions, ` +
      `wall ${wallSeconds.toFixed(3)} s (${perSecond(wallSeconds)}), cpu ${cpuSeconds.toFixed(3)} s (${perSecond(cpuSeconds)})\n`,
  );
}
