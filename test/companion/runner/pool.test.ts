/**
 * The worker pool's promises with real threads: contexts are sent once per thread and job, a
 * unit's error comes back as the engine error it was, a crashed thread fails only its unit and is
 * replaced, cancelling drops queued units and stops a thread stuck on a unit, and a worker file
 * that cannot start fails fast instead of respawning forever.
 */
import path from 'node:path';
import { EngineInputError } from '../../../src/engine/errors';
import { TaskCancelled, WorkerCrashed, WorkerPool } from '../../../src/companion/runner/pool';

jest.setTimeout(30_000);

const FIXTURE = path.join(__dirname, 'fixtureWorker.js');

describe('WorkerPool', () => {
  let pool: WorkerPool;
  afterEach(async () => {
    await pool?.close();
  });

  it('runs units on every thread, each receiving the job context once', async () => {
    pool = new WorkerPool(2, FIXTURE);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.run('job', { table: [1, 2, 3] }, { op: 'echo', value: i })));
    expect(results.map((r) => (r.output as any).value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results.every((r) => (r.output as any).context.table.length === 3)).toBe(true);
    expect(new Set(results.map((r) => (r.output as any).threadId)).size).toBe(2);
  });

  it('gives back an engine input error with its field and index', async () => {
    pool = new WorkerPool(1, FIXTURE);
    const error = await pool.run('job', {}, { op: 'throw' }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineInputError);
    expect(error).toMatchObject({ field: 'weights', index: 2, detail: 'must be ≥ 0' });
  });

  it('fails only the unit whose thread crashed, and replaces the thread', async () => {
    pool = new WorkerPool(1, FIXTURE);
    const crashed = pool.run('job', {}, { op: 'crash' });
    const after = pool.run('job', {}, { op: 'echo', value: 'still here' });
    await expect(crashed).rejects.toBeInstanceOf(WorkerCrashed);
    await expect(crashed).rejects.toThrow(/exit code 7/);
    expect(((await after).output as any).value).toBe('still here');
  });

  it('cancels a job: queued units reject at once, a stuck thread is replaced after the grace time', async () => {
    pool = new WorkerPool(1, FIXTURE);
    const stuck = pool.run('long', {}, { op: 'spin', ms: 20_000 });
    const queued = pool.run('long', {}, { op: 'echo', value: 1 });
    const other = pool.run('other', {}, { op: 'echo', value: 'other job' });
    await new Promise((r) => setTimeout(r, 100));
    const start = Date.now();
    pool.cancel('long', 200);
    await expect(stuck).rejects.toBeInstanceOf(TaskCancelled);
    await expect(queued).rejects.toBeInstanceOf(TaskCancelled);
    expect(((await other).output as any).value).toBe('other job');
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('gives up on a worker file that cannot start', async () => {
    pool = new WorkerPool(1, path.join(__dirname, 'no-such-worker.js'));
    await expect(pool.run('job', {}, { op: 'echo' })).rejects.toThrow(/worker/);
    await expect(pool.run('job', {}, { op: 'echo' })).rejects.toBeInstanceOf(WorkerCrashed);
  });
});
