/**
 * The companion's WebGPU backend end to end, on SwiftShader in CI (a real GPU where there is
 * one): a real server started with --backend webgpu, real jobs, and the runner's fallbacks when
 * the GPU fails (an out-of-memory batch, a device lost mid-job, a device destroyed for real).
 *
 * Expected values come from the CPU engine (permutationShapley with the same seed, brute force
 * over permutations, attributeSimilarity), within the tolerances the kernels document: the GPU
 * computes in f32 where the engine uses f64.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attributeSimilarity, similarityProblem, indexLabels } from '../../../src/engine/attribution/similarity';
import { tableGame } from '../../../src/engine/games/table';
import { votingGame } from '../../../src/engine/games/voting';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { GpuError } from '../../../src/gpu/context';
import { GPU_JOBS, type GpuJob } from '../../../src/companion/gpu/gpuJobs';
import { WebGpuBackend } from '../../../src/companion/gpu/webgpuBackend';
import type { JobEnvironment, JobType } from '../../../src/companion/jobs/types';
import { JobRunner } from '../../../src/companion/runner/jobRunner';
import { WorkerPool } from '../../../src/companion/runner/pool';
import { Store } from '../../../src/companion/store/store';
import { startCompanionService } from '../../../src/companion/service';
import { bruteForceShapley } from '../../helpers/bruteForce';
import { mulberry32 } from '../../helpers/random';
import { call, waitFor, ended } from '../client';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../server/inProcess';
import { describeGpu, GPU_TEST_TIMEOUT_MS } from '../../gpu/testDevice';

jest.setTimeout(GPU_TEST_TIMEOUT_MS);

/** A reproducible table of 2^n values in [0, 100). */
function table(n: number, seed: number): number[] {
  const next = mulberry32(seed);
  return Array.from({ length: 2 ** n }, (_, mask) => (mask === 0 ? 0 : Math.round(next() * 1e6) / 1e4));
}

function expectClose(actual: number[], expected: ArrayLike<number>, tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  const worst = Math.max(0, ...actual.map((x, i) => Math.abs(x - expected[i])));
  if (!(worst <= tolerance)) throw new Error(`largest difference ${worst} exceeds ${tolerance}:\n${actual}\nvs\n${Array.from(expected)}`);
}

/** Mean contributions of table games: f32 rounding of values up to 100, averaged. */
const SAMPLING_TOLERANCE = 1e-4;

describeGpu('companion --backend webgpu (real server, real GPU kernels)', () => {
  let t: TestCompanion;

  beforeAll(async () => {
    t = await startTestCompanion({ backend: 'webgpu' });
  }, GPU_TEST_TIMEOUT_MS);
  afterAll(() => stopTestCompanion(t), GPU_TEST_TIMEOUT_MS);

  test('health names the adapter first, then the CPU', async () => {
    const { body } = await call(t, 'GET', '/v1/health');
    expect(body.backends.map((b: any) => b.name)).toEqual(['webgpu', 'cpu']);
    expect(body.backends[0].device).toBe(t.companion.backends[0].device);
    expect(body.backends[0].device.length).toBeGreaterThan(0);
    expect(body.backends[0].available).toBe(true);
  });

  test.each([false, true])('a sampled table game (antithetic %s) gives the CPU engine’s numbers for the same seed', async (antithetic) => {
    const n = 7;
    const values = table(n, 5);
    const options = { seed: 2 ** 40 + 3, maxPermutations: 3000, antithetic };
    const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game: { type: 'table', n, values } }, options });
    expect(submitted.status).toBe(202);
    const job = await waitFor(t, submitted.body.id, ended, GPU_TEST_TIMEOUT_MS);
    expect(job.state).toBe('done');
    expect([job.result.backend, job.result.backendNotes]).toEqual(['webgpu', undefined]);
    expect(job.result.device).toBe(t.companion.backends[0].device);
    expect(job.result.backendNotes).toBeUndefined();
    const cpu = permutationShapley(tableGame(Float64Array.from(values), n), options);
    expect(job.result.samples).toBe(cpu.samples);
    expect(job.result.permutations).toBe(cpu.permutations);
    expectClose(job.result.values, cpu.values, SAMPLING_TOLERANCE);
    expectClose(job.result.standardErrors, cpu.standardErrors, SAMPLING_TOLERANCE);
  });

  test('a weighted voting game with whole weights gives the same pivots as the CPU', async () => {
    const weights = [9, 7, 5, 4, 3, 2, 2, 1, 1, 1, 1];
    const quota = 19;
    const options = { seed: 99, maxPermutations: 2000 };
    const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game: { type: 'voting', weights, quota } }, options });
    const job = await waitFor(t, submitted.body.id, ended, GPU_TEST_TIMEOUT_MS);
    expect(job.result.backend).toBe('webgpu');
    const cpu = permutationShapley(votingGame(weights, quota), options);
    // Contributions are 0 or 1 and the pivots are found in exact integer arithmetic.
    expectClose(job.result.values, cpu.values, 1e-6);
  });

  test('exact Shapley of a table matches brute force over permutations', async () => {
    const n = 8;
    const values = table(n, 17);
    const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n, values } });
    const job = await waitFor(t, submitted.body.id, ended, GPU_TEST_TIMEOUT_MS);
    expect(job.state).toBe('done');
    expect(job.result.backend).toBe('webgpu');
    expectClose(job.result.values, bruteForceShapley(n, (mask) => values[mask]), 1e-9);
  });

  test('similarity attribution matches the CPU engine', async () => {
    const d = 24;
    const M = 37;
    const N = 61;
    const rnd = (k: number) => Math.sin(k * 12.9898) * 43758.5453 - Math.floor(Math.sin(k * 12.9898) * 43758.5453) - 0.5;
    const outputs = Array.from({ length: M }, (_, o) => Array.from({ length: d }, (_, k) => rnd(o * d + k + 1)));
    const items = Array.from({ length: N }, (_, j) => Array.from({ length: d }, (_, k) => rnd(100_000 + j * d + k)));
    const holders = Array.from({ length: N }, (_, j) => `holder ${j % 7}`);
    const submitted = await call(t, 'POST', '/v1/jobs', { type: 'attribution.similarity', input: { outputs, items, holders }, options: { threshold: 0.1, mode: 'both' } });
    expect(submitted.status).toBe(202);
    const job = await waitFor(t, submitted.body.id, ended, GPU_TEST_TIMEOUT_MS);
    expect(job.state).toBe('done');
    expect(job.result.backend).toBe('webgpu');
    const labels = indexLabels(holders);
    const cpu = attributeSimilarity(
      similarityProblem({ d, outputs: outputs.flat(), outputCount: M, items: items.flat(), itemCount: N, holderOfItem: labels.index, holderCount: labels.names.length, threshold: 0.1 }),
    );
    expect(job.result.holders).toEqual(labels.names);
    expect(job.result.outputs.attributed).toBe(cpu.attributed);
    expectClose(job.result.totals.market, cpu.market, 1e-4);
    expectClose(job.result.totals.user, cpu.user, 1e-4);
  });

  test('similarity attribution with modelScores (the model as a player): best scores on the GPU, the split with the model on the CPU', async () => {
    const d = 24;
    const M = 41;
    const N = 53;
    const rnd = (k: number) => Math.sin(k * 78.233) * 43758.5453 - Math.floor(Math.sin(k * 78.233) * 43758.5453) - 0.5;
    const outputs = Array.from({ length: M }, (_, o) => Array.from({ length: d }, (_, k) => rnd(o * d + k + 1)));
    const items = Array.from({ length: N }, (_, j) => Array.from({ length: d }, (_, k) => rnd(200_000 + j * d + k)));
    const holders = Array.from({ length: N }, (_, j) => `holder ${j % 5}`);
    const modelScores = Array.from({ length: M }, (_, o) => (o % 9 === 0 ? -0.1 : ((o * 37) % 100) / 100));
    const submitted = await call(t, 'POST', '/v1/jobs', { type: 'attribution.similarity', input: { outputs, items, holders, modelScores }, options: { threshold: 0.25, mode: 'both' } });
    expect(submitted.status).toBe(202);
    const job = await waitFor(t, submitted.body.id, ended, GPU_TEST_TIMEOUT_MS);
    expect(job.state).toBe('done');
    expect(job.result.backend).toBe('webgpu');
    const labels = indexLabels(holders);
    const cpu = attributeSimilarity(
      similarityProblem({
        d,
        outputs: outputs.flat(),
        outputCount: M,
        items: items.flat(),
        itemCount: N,
        holderOfItem: labels.index,
        holderCount: labels.names.length,
        threshold: 0.25,
        modelScores: modelScores.map((x) => Math.max(0, x)),
      }),
    );
    expect([job.result.outputs.attributed, job.result.model.outputs]).toEqual([cpu.attributed, cpu.belowThreshold]);
    expectClose(job.result.totals.market, cpu.market, 1e-4);
    expectClose(job.result.totals.user, cpu.user, 1e-4);
    expectClose([job.result.model.totals.market, job.result.model.totals.user], [cpu.model!.market, cpu.model!.user], 1e-4);
    // Holders and model share all M outputs (weight 1 each).
    expect(job.result.totals.market.reduce((a: number, b: number) => a + b, 0) + job.result.model.totals.market).toBeCloseTo(M, 9);
  });

  test('a game without a GPU kernel runs on the CPU threads and says why', async () => {
    const submitted = await call(t, 'POST', '/v1/jobs', {
      type: 'shapley.sample',
      input: { game: { type: 'coverage', n: 3, elements: [{ weight: 2, coveredBy: [0, 1] }, { weight: 1, coveredBy: [1, 2] }, { weight: 5, coveredBy: [2] }] } },
      options: { seed: 1, maxPermutations: 100 },
    });
    expect(submitted.status).toBe(202);
    const job = await waitFor(t, submitted.body.id, ended, GPU_TEST_TIMEOUT_MS);
    expect(job.state).toBe('done');
    expect(job.result.backend).toBe('cpu');
    expect(job.result.backendNotes).toEqual(['this game has no GPU kernel; the job ran on the CPU threads']);
  });
});

/** A runner over a real store, pool and GPU, with the GPU jobs wrapped by `wrap`. */
async function runWith(webgpu: WebGpuBackend, wrap: (job: GpuJob<any>) => GpuJob<any>, type: JobType, input: unknown, options: unknown, onProgress?: () => void) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'partage-gpu-'));
  const store = Store.open(dir);
  const pool = new WorkerPool(2);
  const env: JobEnvironment = { datasets: undefined as never, catalogue: store, totalMemory: os.totalmem(), threads: 2 };
  const gpuJobs = Object.fromEntries(Object.entries(GPU_JOBS).map(([kind, job]) => [kind, wrap(job)]));
  const runner = new JobRunner({ store, pool, env, backend: 'cpu', webgpu, gpuJobs, gpuBatchSeconds: 0.05 });
  runner.start();
  try {
    const { id } = runner.submit(type, input, options);
    await new Promise<void>((resolve) => {
      const stop = runner.subscribe(id, (event) => {
        if (event.type === 'progress') onProgress?.();
        if (event.type === 'end') {
          stop();
          resolve();
        }
      });
    });
    return runner.status(id)!;
  } finally {
    await runner.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describeGpu('GPU failures: the job completes, on smaller batches or on the CPU, and says why', () => {
  let webgpu: WebGpuBackend;
  const n = 6;
  const values = table(n, 23);
  const input = { game: { type: 'table', n, values } };
  const options = { seed: 4242, maxPermutations: 256 * 40 };
  const cpu = permutationShapley(tableGame(Float64Array.from(values), n), options);

  beforeAll(async () => {
    const opened = await WebGpuBackend.open(true);
    if (!opened.backend) throw new Error(opened.reason);
    webgpu = opened.backend;
  }, GPU_TEST_TIMEOUT_MS);
  afterAll(() => webgpu.destroy(), GPU_TEST_TIMEOUT_MS);

  test('out of memory on large batches: retried in smaller ones, same numbers as an undisturbed GPU run', async () => {
    const plain = await runWith(webgpu, (job) => job, 'shapley.sample', input, options);
    const squeezed = await runWith(
      webgpu,
      (job) => ({
        ...job,
        run: (state, payloads) => (payloads.length > 2 ? Promise.reject(new GpuError('out-of-memory', 'test: no room for more than 2 blocks')) : job.run(state, payloads)),
      }),
      'shapley.sample',
      input,
      options,
    );
    expect(plain.state).toBe('done');
    expect(squeezed.state).toBe('done');
    const result = squeezed.result as any;
    expect(result.backend).toBe('webgpu');
    expect(result.backendNotes.some((note: string) => /test: no room for more than 2 blocks.*retried in batches of/.test(note))).toBe(true);
    // Each block's statistics depend on the block alone, so the batch sizes change nothing.
    expect(result.values).toEqual((plain.result as any).values);
    expect(result.standardErrors).toEqual((plain.result as any).standardErrors);
  });

  test('a device lost mid-job: the rest runs on the CPU threads, the result says so and keeps every sample', async () => {
    let calls = 0;
    const status = await runWith(
      webgpu,
      (job) => ({
        ...job,
        run: (state, payloads) => (++calls >= 3 ? Promise.reject(new GpuError('device-lost', 'test: the GPU was unplugged')) : job.run(state, payloads)),
      }),
      'shapley.sample',
      input,
      options,
    );
    expect(status.state).toBe('done');
    const result = status.result as any;
    expect(result.backend).toBe('webgpu+cpu');
    expect(result.backendNotes).toEqual(['the GPU failed (test: the GPU was unplugged); the rest of the job ran on the CPU threads']);
    expect(result.samples).toBe(cpu.samples);
    expectClose(result.values, cpu.values, SAMPLING_TOLERANCE);
  });

  test('a real device destroyed while a job runs: the job completes on the CPU; the backend reopens a device', async () => {
    const context = webgpu.context()!;
    let destroyed = false;
    const status = await runWith(webgpu, (job) => job, 'shapley.sample', input, { ...options, maxPermutations: 256 * 400 }, () => {
      if (!destroyed) {
        destroyed = true;
        context.device.destroy();
      }
    });
    expect(status.state).toBe('done');
    const result = status.result as any;
    expect(result.samples).toBe(256 * 400);
    expect(result.backend).toMatch(/cpu/);
    expect(result.backendNotes.join(' ')).toMatch(/GPU/);
    const expected = permutationShapley(tableGame(Float64Array.from(values), n), { ...options, maxPermutations: 256 * 400 });
    expectClose(result.values, expected.values, SAMPLING_TOLERANCE);
    // The next job finds a new device.
    expect(webgpu.context()).toBeUndefined();
    for (const until = Date.now() + GPU_TEST_TIMEOUT_MS / 2; !webgpu.context() && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(webgpu.context()).toBeDefined();
    const again = await runWith(webgpu, (job) => job, 'shapley.sample', input, options);
    expect((again.result as any).backend).toBe('webgpu');
  });
});

describe('choosing the backend', () => {
  test('auto leaves a software adapter (SwiftShader) alone: the CPU threads are faster, and the log says why', async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'partage-auto-'));
    const companion = await startCompanionService({ dataDir: dir, port: 0, http: true, threads: 1, backend: 'auto', log: (line) => lines.push(line) });
    try {
      const software = (await WebGpuBackend.open(true)).backend;
      const isSoftware = software?.adapter?.software;
      software?.destroy();
      if (isSoftware || !software) {
        expect(companion.backends.map((b) => b.name)).toEqual(['cpu']);
        expect(lines.join('\n')).toMatch(/no GPU backend \(/);
      } else {
        expect(companion.backends[0].name).toBe('webgpu');
      }
    } finally {
      await companion.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--backend webgpu without any adapter refuses to start, saying why', () => {
    if (process.platform !== 'linux') return; // VK_ICD_FILENAMES hides the drivers on Linux only
    const dir = mkdtempSync(path.join(os.tmpdir(), 'partage-nogpu-'));
    try {
      const run = spawnSync(process.execPath, [path.resolve(__dirname, '../../../bin/partage'), 'companion', '--http', '--port', '0', '--backend', 'webgpu', '--data-dir', dir], {
        env: { ...process.env, PARTAGE_FROM_SOURCE: '1', VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' },
        encoding: 'utf8',
        timeout: GPU_TEST_TIMEOUT_MS / 2,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/cannot start: the webgpu backend is not available: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

