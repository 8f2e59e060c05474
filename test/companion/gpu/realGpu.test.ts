/**
 * Sizes that only a real GPU handles in reasonable time: skipped, with the reason in the title,
 * on SwiftShader (CI) and without an adapter. They check what SwiftShader cannot: tables and
 * item matrices over several storage bindings, and the batch sizing at full speed. Run them on
 * a machine with a GPU: `npx jest test/companion/gpu/realGpu` (without VK_ICD_FILENAMES).
 */
import os from 'node:os';
import { attributeSimilarity, indexLabels, similarityProblem } from '../../../src/engine/attribution/similarity';
import { tableGame } from '../../../src/engine/games/table';
import { exactShapley } from '../../../src/engine/shapley/exact';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { EXACT_TABLE_TOLERANCE } from '../../../src/gpu/shapley/exactTable';
import { BenchCompanion, MemoryDatasets, randomMatrix, randomTable } from '../../../bench/companion';
import { WebGpuBackend } from '../../../src/companion/gpu/webgpuBackend';
import { describeRealGpu, GPU_TEST_TIMEOUT_MS } from '../../gpu/testDevice';

jest.setTimeout(GPU_TEST_TIMEOUT_MS);

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describeRealGpu('full-size jobs on a real GPU agree with the CPU engine', () => {
  let webgpu: WebGpuBackend;
  let companion: BenchCompanion;
  const datasets = new MemoryDatasets();

  beforeAll(async () => {
    const opened = await WebGpuBackend.open();
    if (!opened.backend) throw new Error(opened.reason);
    webgpu = opened.backend;
    companion = new BenchCompanion(os.availableParallelism(), datasets, webgpu);
  }, GPU_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await companion.close();
    webgpu.destroy();
  }, GPU_TEST_TIMEOUT_MS);

  test('exact Shapley, n = 24', async () => {
    const n = 24;
    const values = randomTable(n, 5);
    const id = datasets.addMatrix('real-exact', values, 2 ** n, 1);
    const { result } = await companion.run('shapley.exact', { n, dataset: id });
    expect(result.backend).toBe('webgpu');
    expect(largestDifference(result.values, exactShapley(values, n))).toBeLessThanOrEqual(EXACT_TABLE_TOLERANCE * 100);
  });

  test('sampling, table n = 20, 10^6 permutations', async () => {
    const n = 20;
    const values = randomTable(n, 6);
    const id = datasets.addMatrix('real-sample', values, 2 ** n, 1);
    const options = { seed: 31337, maxPermutations: 1_000_000 };
    const { result } = await companion.run('shapley.sample', { game: { type: 'table', n, dataset: id } }, options);
    expect(result.backend).toBe('webgpu');
    const cpu = permutationShapley(tableGame(values, n), options);
    expect(result.samples).toBe(cpu.samples);
    expect(largestDifference(result.values, cpu.values)).toBeLessThanOrEqual(1e-4);
  });

  test('similarity, M = 512, N = 65,536, d = 512', async () => {
    const [M, N, d] = [512, 65_536, 512];
    const outputs = randomMatrix(M, d, 7);
    const items = randomMatrix(N, d, 8);
    const holders = Array.from({ length: N }, (_, j) => `h${j % 300}`);
    const input = { outputs: datasets.addMatrix('real-o', outputs, M, d), items: datasets.addMatrix('real-i', items, N, d), holders: datasets.addLabels('real-h', holders) };
    const { result } = await companion.run('attribution.similarity', input, { threshold: 0.1 });
    expect(result.backend).toBe('webgpu');
    const labels = indexLabels(holders);
    const cpu = attributeSimilarity(similarityProblem({ d, outputs, outputCount: M, items, itemCount: N, holderOfItem: labels.index, holderCount: labels.names.length, threshold: 0.1 }));
    // Random rows: a score within the f32 error of another or of the threshold can move a share.
    expect(Math.abs(result.outputs.attributed - cpu.attributed)).toBeLessThanOrEqual(2);
    const total = cpu.market.reduce((a, b) => a + b, 0);
    expect(largestDifference(result.totals.market, cpu.market) / total).toBeLessThanOrEqual(1e-3);
  });
});
