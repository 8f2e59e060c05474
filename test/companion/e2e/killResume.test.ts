/**
 * The reliability promise of the companion, end to end with real processes: a sampled job whose
 * process is killed with SIGKILL in the middle is 'interrupted' after a restart, finished results
 * survive the crash intact, and resuming ends with exactly the values an uninterrupted run with
 * the same seed gives (the engine's permutationShapley in this process).
 */
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { call as api, waitFor as waitForJob } from '../client';
import { makeDataDir, removeDataDir, startCompanion, stopCompanion, type CompanionProcess } from './companionProcess';

jest.setTimeout(180_000);

// 600 catalogues of varied sizes under a saturating scale law: cheap per step but long enough
// (18,000 permutations × 600 players) for the kill to land mid-run on 2 cores.
const sizes = Array.from({ length: 600 }, (_, i) => 1 + ((i * 7919) % 997));
const game = { type: 'saturatingScale', sizes, halfSize: 20_000, alpha: 0.7 };
const options = { seed: 20260521, maxPermutations: 18_000 };

describe('companion crash and resume', () => {
  let dataDir: string;
  let companion: CompanionProcess | undefined;

  beforeAll(() => {
    dataDir = makeDataDir();
  });
  afterAll(async () => {
    if (companion) await stopCompanion(companion, true);
    removeDataDir(dataDir);
  });

  it('marks the killed job interrupted, keeps finished results, and resumes to the uninterrupted values', async () => {
    companion = await startCompanion(dataDir, ['--threads', '2']);

    // A small job that finishes before the crash: its result must survive it unchanged.
    const small = await api(companion, 'POST', '/v1/jobs', {
      type: 'shapley.exact',
      input: { n: 3, values: [0, 50, 40, 80, 30, 80, 60, 100], players: ['A', 'B', 'C'] },
    });
    expect(small.status).toBe(202);
    const smallDone = await waitForJob(companion, small.body.id, (job) => job.state === 'done');
    expect(smallDone.result.values).toEqual([45, 30, 25]);

    const submitted = await api(companion, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game }, options });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id;
    const before = await waitForJob(companion, id, (job) => job.state === 'running' && job.progress >= 0.2 && job.progress <= 0.8, 120_000);
    expect(before.state).toBe('running');

    await stopCompanion(companion, true);
    companion = await startCompanion(dataDir, ['--threads', '2']);

    const afterCrash = (await api(companion, 'GET', `/v1/jobs/${id}`)).body;
    expect(afterCrash.state).toBe('interrupted');
    const survivor = (await api(companion, 'GET', `/v1/jobs/${small.body.id}`)).body;
    expect(survivor.state).toBe('done');
    expect(survivor.result).toEqual(smallDone.result);

    const resumed = await api(companion, 'POST', `/v1/jobs/${id}/resume`);
    expect(resumed.status).toBeLessThan(300);
    const done = await waitForJob(companion, id, (job) => job.state === 'done' || job.state === 'failed', 120_000);
    expect(done.state).toBe('done');

    const reference = permutationShapley(saturatingScaleGame(sizes, game.halfSize, game.alpha), options);
    expect(done.result.permutations).toBe(reference.permutations);
    expect(done.result.seed).toBe(options.seed);
    expect(done.result.values).toEqual(Array.from(reference.values));
    expect(done.result.standardErrors).toEqual(Array.from(reference.standardErrors));
  });
});
