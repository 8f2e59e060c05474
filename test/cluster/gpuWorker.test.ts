/*
 * A GPU worker: `partage worker --backend webgpu` on SwiftShader in CI (the machine's GPU where
 * there is one), coordinated over a real Redis. Its units run the companion's WGSL kernels, so a
 * job's numbers are those of a companion started with --backend webgpu on the same device, and
 * within the kernels' documented tolerances of the CPU engine; the result and /v1/health name the
 * worker's backend and device.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { attributeSimilarity, indexLabels, similarityProblem } from '../../src/engine/attribution/similarity';
import { tableGame } from '../../src/engine/games/table';
import { permutationShapley } from '../../src/engine/shapley/sampling';
import { mulberry32 } from '../helpers/random';
import { call, ended, waitFor } from '../companion/client';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../companion/server/inProcess';
import { describeGpu, GPU_TEST_TIMEOUT_MS } from '../gpu/testDevice';
import { startRedis, type TestRedis } from './redis';

jest.setTimeout(GPU_TEST_TIMEOUT_MS);

const ROOT = path.join(__dirname, '..', '..');

function expectClose(actual: number[], expected: ArrayLike<number>, tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  const worst = Math.max(0, ...actual.map((x, i) => Math.abs(x - expected[i])));
  if (!(worst <= tolerance)) throw new Error(`largest difference ${worst} exceeds ${tolerance}:\n${actual}\nvs\n${Array.from(expected)}`);
}

describeGpu('a GPU worker (--backend webgpu) on the cluster', () => {
  let redis: TestRedis;
  let shared: string;
  let worker: ChildProcess;
  let workerOut = '';
  let cluster: TestCompanion;
  let localGpu: TestCompanion;

  beforeAll(async () => {
    redis = await startRedis();
    shared = mkdtempSync(path.join(tmpdir(), 'partage-shared-gpu-'));
    worker = spawn(path.join(ROOT, 'bin', 'partage'), ['worker', '--redis', redis.url, '--shared', shared, '--threads', '1', '--backend', 'webgpu', '--name', 'g1'], {
      cwd: ROOT,
      env: { ...process.env, PARTAGE_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      worker.stdout!.on('data', (d) => {
        workerOut += String(d);
        if (workerOut.includes('taking units from')) resolve();
      });
      worker.stderr!.on('data', (d) => (workerOut += String(d)));
      worker.once('exit', (code) => reject(new Error(`the GPU worker exited with ${code}: ${workerOut}`)));
    });
    cluster = await startTestCompanion({ cluster: { redis: redis.url, sharedDir: shared, size: 4 } });
    localGpu = await startTestCompanion({ backend: 'webgpu' });
  }, GPU_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await stopTestCompanion(cluster);
    await stopTestCompanion(localGpu);
    if (worker && worker.exitCode === null) {
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.kill('SIGKILL');
      });
    }
    await redis?.stop();
    if (shared) rmSync(shared, { recursive: true, force: true });
  }, GPU_TEST_TIMEOUT_MS);

  async function both(request: unknown): Promise<[any, any]> {
    const jobs = await Promise.all(
      [cluster, localGpu].map(async (t) => {
        const submitted = await call(t, 'POST', '/v1/jobs', request);
        expect(submitted.status).toBe(202);
        return waitFor(t, submitted.body.id, ended, GPU_TEST_TIMEOUT_MS);
      }),
    );
    for (const job of jobs) expect([job.state, job.error]).toEqual(['done', undefined]);
    return [jobs[0].result, jobs[1].result];
  }

  test('the worker says it runs on the GPU, and /v1/health lists it with its device', async () => {
    expect(workerOut).toMatch(/partage worker g1: webgpu \(.+\), 1 threads?, taking units from redis:\/\/127\.0\.0\.1:\d+/);
    const { body } = await call(cluster, 'GET', '/v1/health');
    const device = localGpu.companion.backends[0].device;
    expect(body.workers).toEqual([expect.objectContaining({ name: 'g1', backend: 'webgpu', device })]);
  });

  test('sampling: the numbers of a --backend webgpu companion, within f32 rounding of the CPU engine', async () => {
    const n = 10;
    const next = mulberry32(41);
    const values = Array.from({ length: 2 ** n }, (_, mask) => (mask === 0 ? 0 : Math.round(next() * 1e6) / 1e4));
    const options = { seed: 11, maxPermutations: 30_000 };
    const [onCluster, local] = await both({ type: 'shapley.sample', input: { game: { type: 'table', n, values } }, options });
    expect(onCluster.backend).toBe('cluster');
    expect(onCluster.cluster.workers).toEqual([{ name: 'g1', backend: 'webgpu', units: Math.ceil(30_000 / 256) }]);
    expect(local.backend).toBe('webgpu');
    expect(onCluster.values).toEqual(local.values);
    expect(onCluster.standardErrors).toEqual(local.standardErrors);
    const cpu = permutationShapley(tableGame(Float64Array.from(values), n), options);
    expectClose(onCluster.values, cpu.values, 1e-4);
  });

  test('similarity attribution: the numbers of a --backend webgpu companion, within f32 rounding of the CPU engine', async () => {
    const d = 24;
    const M = 53;
    const N = 71;
    const next = mulberry32(43);
    const outputs = Array.from({ length: M }, () => Array.from({ length: d }, () => next() - 0.5));
    const items = Array.from({ length: N }, () => Array.from({ length: d }, () => next() - 0.5));
    const holders = Array.from({ length: N }, (_, j) => `holder ${j % 9}`);
    const [onCluster, local] = await both({ type: 'attribution.similarity', input: { outputs, items, holders }, options: { threshold: 0.1, mode: 'both' } });
    expect(onCluster.cluster.workers).toEqual([expect.objectContaining({ name: 'g1', backend: 'webgpu' })]);
    expect(onCluster.totals).toEqual(local.totals);
    const labels = indexLabels(holders);
    const cpu = attributeSimilarity(
      similarityProblem({ d, outputs: outputs.flat(), outputCount: M, items: items.flat(), itemCount: N, holderOfItem: labels.index, holderCount: labels.names.length, threshold: 0.1 }),
    );
    expect(onCluster.holders).toEqual(labels.names);
    expect(onCluster.outputs.attributed).toBe(cpu.attributed);
    expectClose(onCluster.totals.market, cpu.market, 1e-4);
    expectClose(onCluster.totals.user, cpu.user, 1e-4);
  });
});
