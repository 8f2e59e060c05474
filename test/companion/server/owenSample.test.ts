/**
 * Owen sampling (shapley.sample with input.unions) through a real companion (real HTTP server,
 * SQLite, worker threads): the engine sampler's bits with the same seed and unions, a result that
 * says how it was made, a resume after a restart that repeats the run, and bad unions refused
 * with a 400 naming the field and the item.
 */
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { votingGame } from '../../../src/engine/games/voting';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { unionIndices } from '../../../src/engine/shapley/owenSampling';
import { bruteForceOwenExact } from '../../helpers/bruteForce';
import { call, ended, waitFor } from '../client';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from './inProcess';

jest.setTimeout(120_000);

describe('companion API: shapley.sample with unions', () => {
  let t: TestCompanion;

  beforeAll(async () => {
    t = await startTestCompanion();
  });
  afterAll(async () => {
    await stopTestCompanion(t);
  });

  it('runs to exactly the engine Owen sampler with the same seed, close to the exact Owen value', async () => {
    const weights = [4, 4, 4, 2, 2, 1];
    const unions = ['north', 'south', 'north', 'east', 'east', 'south'];
    const submitted = await call(t, 'POST', '/v1/jobs', {
      type: 'shapley.sample',
      input: { game: { type: 'voting', weights, quota: 12 }, players: ['F', 'D', 'I', 'B', 'N', 'L'], unions },
      options: { seed: 42, maxPermutations: 20_000, antithetic: true },
    });
    expect(submitted.status).toBe(202);
    const job = await waitFor(t, submitted.body.id, ended);
    expect(job.state).toBe('done');
    const reference = permutationShapley(votingGame(weights, 12), { seed: 42, maxPermutations: 20_000, antithetic: true, unions });
    expect(job.result.values).toEqual(Array.from(reference.values));
    expect(job.result.standardErrors).toEqual(Array.from(reference.standardErrors));
    expect(job.result).toMatchObject({
      seed: 42,
      method: 'antithetic-owen-permutation',
      unions,
      players: ['F', 'D', 'I', 'B', 'N', 'L'],
      permutations: 20_000,
      backend: 'cpu',
      engineVersion: reference.engineVersion,
    });
    const quotaMet = (mask: number) => (weights.reduce((s, w, i) => (mask & (1 << i) ? s + w : s), 0) >= 12 ? 1 : 0);
    const exact = bruteForceOwenExact(6, unionIndices(unions), quotaMet).map((r) => r.toNumber());
    job.result.values.forEach((v: number, i: number) => expect(Math.abs(v - exact[i])).toBeLessThanOrEqual(4 * job.result.standardErrors[i] + 1e-12));
  });

  it('refuses bad unions with a 400 naming input.unions and the item, and keeps answering', async () => {
    const game = { type: 'voting', weights: [1, 2, 3], quota: 4 };
    const short = await call(t, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game, unions: ['a', 'b'] }, options: { maxPermutations: 10 } });
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({ field: 'input.unions', message: expect.stringMatching(/must list 3 unions \(one per player\), got 2/) });
    const bad = await call(t, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game, unions: ['a', 0.5, 'b'] }, options: { maxPermutations: 10 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ field: 'input.unions', message: expect.stringMatching(/^input\.unions, item 2: a union is named by/) });
    expect((await call(t, 'GET', '/v1/health')).status).toBe(200);
  });
});

it('resumes an interrupted Owen job after a restart to the uninterrupted values', async () => {
  const sizes = Array.from({ length: 800 }, (_, i) => 1 + ((i * 7919) % 997));
  const unions = sizes.map((_, i) => `stage ${i % 5}`);
  const game = { type: 'saturatingScale', sizes, halfSize: 20_000, alpha: 0.7 };
  const options = { seed: 77, maxPermutations: 12_000 };
  const first = await startTestCompanion();
  const submitted = await call(first, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game, unions }, options });
  await waitFor(first, submitted.body.id, (job) => job.state === 'running' && job.progress >= 0.15);
  await stopTestCompanion(first, false);

  const second = await startTestCompanion({}, first.dataDir);
  try {
    expect((await call(second, 'GET', `/v1/jobs/${submitted.body.id}`)).body.state).toBe('interrupted');
    expect((await call(second, 'POST', `/v1/jobs/${submitted.body.id}/resume`)).status).toBe(202);
    const done = await waitFor(second, submitted.body.id, ended, 120_000);
    expect(done.state).toBe('done');
    expect(done.result.resumed).toBe(true);
    expect(done.result.method).toBe('owen-permutation');
    const reference = permutationShapley(saturatingScaleGame(sizes, game.halfSize, game.alpha), { ...options, unions });
    expect(done.result.values).toEqual(Array.from(reference.values));
    expect(done.result.standardErrors).toEqual(Array.from(reference.standardErrors));
  } finally {
    await stopTestCompanion(second);
  }
});
