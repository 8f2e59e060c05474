/**
 * A companion started with --backend webgpu (SwiftShader in CI, a real GPU where there is one)
 * has no kernel for Owen sampling: a shapley.sample job with unions runs on the CPU threads, gives
 * the engine sampler's bits, and its result says why it did not run on the GPU.
 */
import { EngineInputError } from '../../../src/engine/errors';
import { tableGame } from '../../../src/engine/games/table';
import { GpuBlockSampler, gpuSamplingGameOfSpec } from '../../../src/gpu/shapley/sampleBlocks';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { call, ended, waitFor } from '../client';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../server/inProcess';
import { describeGpu } from '../../gpu/testDevice';

jest.setTimeout(120_000);

test('the GPU block sampler refuses an Owen plan before touching the device, rather than sampling Shapley blocks', () => {
  const game = gpuSamplingGameOfSpec({ type: 'table', n: 2, values: Float64Array.from([0, 1, 2, 4]) } as { type: string })!;
  expect(game).toBeDefined();
  const create = () => GpuBlockSampler.create(undefined as never, game, { seed: 1, blockSize: 256, antithetic: false, unions: [0, 1] });
  expect(create).toThrow(EngineInputError);
  expect(create).toThrow(/^unions: Owen sampling \(unions\) has no GPU kernel/);
});

describeGpu('companion --backend webgpu: Owen sampling', () => {
  let t: TestCompanion;

  beforeAll(async () => {
    t = await startTestCompanion({ backend: 'webgpu' });
  });
  afterAll(() => stopTestCompanion(t));

  test('a job with unions runs on the CPU threads, to the engine sampler bit for bit, and says why', async () => {
    const values = Array.from({ length: 16 }, (_, mask) => (mask === 0 ? 0 : ((mask * 37) % 23) + mask / 4));
    const unions = ['a', 'b', 'a', 'b'];
    const options = { seed: 3, maxPermutations: 3000 };
    const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game: { type: 'table', n: 4, values }, unions }, options });
    expect(submitted.status).toBe(202);
    const job = await waitFor(t, submitted.body.id, ended);
    expect(job.state).toBe('done');
    expect(job.result.backend).toBe('cpu');
    expect(job.result.backendNotes).toEqual(['Owen sampling (unions) has no GPU kernel; the job ran on the CPU threads']);
    expect(job.result.method).toBe('owen-permutation');
    const reference = permutationShapley(tableGame(Float64Array.from(values), 4), { ...options, unions });
    expect(job.result.values).toEqual(Array.from(reference.values));
  });
});
