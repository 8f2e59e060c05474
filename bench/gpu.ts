/**
 * `npm run bench -- --backend webgpu`: the companion's heavy jobs on the WebGPU backend and on
 * the CPU threads of the same machine, side by side, through the real job runner (batching,
 * merging, checkpoints included), with the adapter's name.
 *
 * Sizes: `--size full` is the issue's (exact n = 26; similarity M = 16,384, N = 1,048,576,
 * d = 512), for a real GPU; `--size small` (the default on a software adapter such as
 * SwiftShader, which emulates the GPU on the CPU) keeps every row to seconds. Where a CPU run of
 * the full size would take many minutes, the CPU column times a slice of the same job and says
 * so: its rate (per second) is what compares.
 */
import os from 'node:os';
import { WebGpuBackend } from '../src/companion/gpu/webgpuBackend';
import type { JobType } from '../src/companion/jobs/types';
import { BenchCompanion, MemoryDatasets, randomMatrix, randomTable } from './companion';
import { formatMs, printGrid } from './harness';

interface Case {
  name: string;
  size: string;
  type: JobType;
  input: unknown;
  options?: unknown;
  /** What the rate counts, from the job's result. */
  work(result: any): number;
  unit: string;
  /** A smaller job for the CPU column when the full one would take too long there. */
  cpu?: { input: unknown; options?: unknown; size: string };
  target?: { rate: number; label: string };
}

function cases(full: boolean, datasets: MemoryDatasets): Case[] {
  const exactN = full ? 26 : 16;
  const exactTable = datasets.addMatrix(`exact-${exactN}`, randomTable(exactN, 3), 2 ** exactN, 1);
  const sampleN = 20;
  const sampleTable = datasets.addMatrix('gpu-sampling-table', randomTable(sampleN, 2), 2 ** sampleN, 1);
  const permutations = full ? 2e8 : 1e5;
  const votingWeights = Array.from({ length: 200 }, (_, i) => 1 + ((i * 7919) % 97));
  const votingQuota = Math.floor(votingWeights.reduce((a, b) => a + b, 0) / 2) + 1;
  const sizes = Array.from({ length: 1000 }, (_, i) => 1 + ((i * 104729) % 1000));
  const M = full ? 16_384 : 256;
  const N = full ? 1_048_576 : 8192;
  const d = full ? 512 : 128;
  const holders = full ? 1000 : 100;
  const outputs = datasets.addMatrix('gpu-sim-outputs', randomMatrix(M, d, 11), M, d);
  const items = datasets.addMatrix('gpu-sim-items', randomMatrix(N, d, 12), N, d);
  const labels = datasets.addLabels('gpu-sim-holders', Array.from({ length: N }, (_, j) => `holder ${j % holders}`));
  const cpuOutputs = full ? datasets.addMatrix('gpu-sim-outputs-slice', randomMatrix(64, d, 11), 64, d) : outputs;
  const contributions = (result: any) => result.marginalContributions;
  const cpuPermutations = full ? 2e6 : permutations;
  return [
    {
      name: 'exact Shapley, table',
      size: `n=${exactN} (2^${exactN} values)`,
      type: 'shapley.exact',
      input: { n: exactN, dataset: exactTable },
      work: () => exactN * 2 ** (exactN - 1),
      unit: 'contributions',
    },
    {
      name: 'sampling, table game',
      size: `n=${sampleN}, ${permutations.toExponential(0)} permutations`,
      type: 'shapley.sample',
      input: { game: { type: 'table', n: sampleN, dataset: sampleTable } },
      options: { seed: 7, maxPermutations: permutations },
      work: contributions,
      unit: 'contributions',
      cpu: full ? { input: { game: { type: 'table', n: sampleN, dataset: sampleTable } }, options: { seed: 7, maxPermutations: cpuPermutations }, size: `${cpuPermutations.toExponential(0)} permutations` } : undefined,
      target: { rate: 1e10, label: '≥ 1e10/s (H200)' },
    },
    {
      name: 'sampling, weighted voting',
      size: `${votingWeights.length} members, ${(permutations / 10).toExponential(0)} permutations`,
      type: 'shapley.sample',
      input: { game: { type: 'voting', weights: votingWeights, quota: votingQuota } },
      options: { seed: 8, maxPermutations: permutations / 10 },
      work: contributions,
      unit: 'contributions',
      cpu: full ? { input: { game: { type: 'voting', weights: votingWeights, quota: votingQuota } }, options: { seed: 8, maxPermutations: cpuPermutations / 10 }, size: `${(cpuPermutations / 10).toExponential(0)} permutations` } : undefined,
    },
    {
      name: 'sampling, saturating scale',
      size: `${sizes.length} catalogues, ${(permutations / 50).toExponential(0)} permutations`,
      type: 'shapley.sample',
      input: { game: { type: 'saturatingScale', sizes, halfSize: 5000, alpha: 0.5 } },
      options: { seed: 9, maxPermutations: permutations / 50 },
      work: contributions,
      unit: 'contributions',
      cpu: full ? { input: { game: { type: 'saturatingScale', sizes, halfSize: 5000, alpha: 0.5 } }, options: { seed: 9, maxPermutations: cpuPermutations / 50 }, size: `${(cpuPermutations / 50).toExponential(0)} permutations` } : undefined,
    },
    {
      name: 'similarity attribution',
      size: `M=${M}, N=${N}, d=${d}, ${holders} holders`,
      type: 'attribution.similarity',
      input: { outputs, items, holders: labels },
      options: { threshold: 0.05 },
      work: () => 2 * M * N * d,
      unit: 'flop',
      cpu: full ? { input: { outputs: cpuOutputs, items, holders: labels }, options: { threshold: 0.05 }, size: `M=64 slice` } : undefined,
      target: { rate: 1e13, label: '≥ 10 TFLOP/s (H200)' },
    },
  ];
}

function rateOf(work: number, ms: number): number {
  return work / (ms / 1000);
}

export async function benchGpu(args: { size?: 'full' | 'small' }): Promise<void> {
  const opened = await WebGpuBackend.open(true);
  if (!opened.backend) {
    console.log(`\nno WebGPU adapter: ${opened.reason}`);
    process.exitCode = 1;
    return;
  }
  const webgpu = opened.backend;
  const adapter = webgpu.adapter!;
  const full = args.size ? args.size === 'full' : !adapter.software;
  const threads = os.availableParallelism();
  const datasets = new MemoryDatasets();
  const gpu = new BenchCompanion(threads, datasets, webgpu);
  const cpu = new BenchCompanion(threads, datasets);
  const rows: string[][] = [];
  try {
    for (const c of cases(full, datasets)) {
      const onGpu = await gpu.median(full ? 1 : 3, c.type, c.input, c.options);
      if (onGpu.result.backend !== 'webgpu') throw new Error(`${c.name} ran on ${onGpu.result.backend}: ${JSON.stringify(onGpu.result.backendNotes)}`);
      const cpuCase = c.cpu ?? { input: c.input, options: c.options, size: '' };
      const onCpu = await cpu.median(full ? 1 : 3, c.type, cpuCase.input, cpuCase.options);
      const cpuWork = c.cpu && c.type === 'attribution.similarity' ? c.work(onGpu.result) * (64 / onGpu.result.outputs.M) : c.work(onCpu.result);
      const gpuRate = rateOf(c.work(onGpu.result), onGpu.ms);
      const cpuRate = rateOf(cpuWork, onCpu.ms);
      rows.push([
        c.name,
        c.size,
        `${formatMs(onCpu.ms)}${cpuCase.size ? ` (${cpuCase.size})` : ''}`,
        `${cpuRate.toExponential(2)} ${c.unit}/s`,
        formatMs(onGpu.ms),
        `${gpuRate.toExponential(2)} ${c.unit}/s`,
        `${(gpuRate / cpuRate).toFixed(1)}×`,
        c.target ? `${c.target.label}: ${gpuRate >= c.target.rate ? 'yes' : 'NO'}` : '',
      ]);
    }
  } finally {
    await gpu.close();
    await cpu.close();
    webgpu.destroy();
  }
  printGrid(
    `partage companion, webgpu vs cpu — adapter: ${adapter.name}${adapter.software ? ' (software)' : ''}; cpu: ${threads} threads of ${os.cpus()[0]?.model?.trim() ?? os.arch()}; ${full ? 'full' : 'small'} sizes`,
    ['benchmark', 'size', 'cpu time', 'cpu rate', 'webgpu time', 'webgpu rate', 'speed-up', 'target'],
    rows,
  );
}
