/*
 * The companion's batches on a cluster, with real parts: a Redis server, a coordinating
 * companion (in this process, real HTTP and SQLite) and two `partage worker` processes reading
 * the jobs' contexts from a shared directory. Sampled and exact jobs give the numbers of a
 * companion on one machine, bit for bit; /v1/health lists the workers; a cancel stops the units
 * on every worker; a worker killed mid-job loses nothing; a unit whose engine version the workers
 * do not run is refused, never computed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { UNIT_QUEUE } from '../../src/cluster/clusterPool';
import { redisOptions } from '../../src/cluster/redisUrl';
import { call, ended, waitFor } from '../companion/client';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../companion/server/inProcess';
import { startRedis, type TestRedis } from './redis';

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..');
let redis: TestRedis;
let shared: string;
let workers: ChildProcess[] = [];
let cluster: TestCompanion;
let local: TestCompanion;

function startWorker(name: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'bin', 'partage'), ['worker', '--redis', redis.url, '--shared', shared, '--threads', '1', '--name', name], {
      cwd: ROOT,
      env: { ...process.env, PARTAGE_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes(`partage worker ${name}:`)) resolve(child);
    });
    child.stderr!.resume();
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code} before it started: ${out}`)));
  });
}

beforeAll(async () => {
  redis = await startRedis();
  shared = mkdtempSync(path.join(tmpdir(), 'partage-shared-'));
  workers = await Promise.all([startWorker('w1'), startWorker('w2')]);
  cluster = await startTestCompanion({ cluster: { redis: redis.url, sharedDir: shared, size: 2 } });
  local = await startTestCompanion();
}, 300_000);

afterAll(async () => {
  await stopTestCompanion(cluster);
  await stopTestCompanion(local);
  for (const w of workers) w.kill('SIGKILL');
  await redis?.stop();
  rmSync(shared, { recursive: true, force: true });
});

async function run(t: TestCompanion, request: unknown): Promise<any> {
  const submitted = await call(t, 'POST', '/v1/jobs', request);
  expect([submitted.status, submitted.status === 202 ? '' : JSON.stringify(submitted.body)]).toEqual([202, '']);
  const job = await waitFor(t, submitted.body.id, ended, 240_000);
  return job;
}

const WEIGHTS = [9, 7, 6, 4, 3, 2, 1, 1];

describe('a cluster of two workers over Redis', () => {
  test.each([
    ['sampled, a weighted voting body', { type: 'shapley.sample', input: { game: { type: 'voting', weights: WEIGHTS, quota: 17 } }, options: { seed: 7, maxPermutations: 20_000, antithetic: true } }],
    ['sampled, a saturating scale of 300 catalogues', { type: 'shapley.sample', input: { game: { type: 'saturatingScale', sizes: Array.from({ length: 300 }, (_, i) => 1 + (i % 13)), halfSize: 400, alpha: 0.7 } }, options: { seed: 3, maxPermutations: 3000 } }],
    // v(S) = (Σ of the members' weights)², over 10 players: a table of 2¹⁰ values.
    ['exact, a table of 1,024 coalitions', { type: 'shapley.exact', input: { n: 10, values: Array.from({ length: 1024 }, (_, mask) => Array.from({ length: 10 }, (_, i) => ((mask >> i) & 1) * (i + 1)).reduce((a, b) => a + b, 0) ** 2) } }],
  ])('%s: the numbers of one machine, bit for bit', async (_, request) => {
    const [onCluster, onOne] = await Promise.all([run(cluster, request), run(local, request)]);
    expect([onCluster.state, onCluster.error]).toEqual(['done', undefined]);
    expect(onOne.state).toBe('done');
    expect(onCluster.result.values).toEqual(onOne.result.values);
    if (onOne.result.standardErrors) expect(onCluster.result.standardErrors).toEqual(onOne.result.standardErrors);
    expect(onCluster.result.backend).toBe('cluster');
    expect(onOne.result.backend).toBe('cpu');
  });
});

describe('the cluster seen from the companion', () => {
  test('/v1/health lists the workers: name, backend, device, threads, units done, last seen', async () => {
    type Info = { name: string; backend: string; device: string; threads: number; unitsDone: number; lastSeen: string };
    // Heartbeats come every 2 s: wait for one that counts the units of the jobs above.
    let workers: Info[] = [];
    const deadline = Date.now() + 30_000;
    do {
      workers = (await call(cluster, 'GET', '/v1/health')).body.workers as Info[];
      if (workers.reduce((sum, w) => sum + w.unitsDone, 0) > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);
    expect(workers.map((w) => [w.name, w.backend, w.threads])).toEqual([
      ['w1', 'cpu', 1],
      ['w2', 'cpu', 1],
    ]);
    for (const w of workers) {
      expect(typeof w.device).toBe('string');
      expect(Date.now() - Date.parse(w.lastSeen)).toBeLessThan(60_000);
    }
    expect(workers.reduce((sum, w) => sum + w.unitsDone, 0)).toBeGreaterThan(0);
  });

  // Here under a second; the limit is generous so that the test does not depend on the machine's speed.
  test('a cancel reaches every worker: soon no unit of the job is running or waiting', async () => {
    const request = { type: 'shapley.sample', input: { game: { type: 'saturatingScale', sizes: Array.from({ length: 3000 }, (_, i) => 1 + (i % 97)), halfSize: 5000, alpha: 0.6 } }, options: { seed: 5, maxPermutations: 1_000_000 } };
    const submitted = await call(cluster, 'POST', '/v1/jobs', request);
    const id = submitted.body.id as string;
    await waitFor(cluster, id, (job) => job.progress > 0, 240_000);
    const queue = new Queue(UNIT_QUEUE, { connection: redisOptions(redis.url) });
    try {
      const ofJob = async () => (await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized'])).filter((j) => j?.data?.key === id).length;
      expect(await ofJob()).toBeGreaterThan(0);
      expect((await call(cluster, 'DELETE', `/v1/jobs/${id}`)).status).toBeLessThan(300);
      const cancelledAt = Date.now();
      while ((await ofJob()) > 0) {
        if (Date.now() - cancelledAt > 15_000) throw new Error(`${await ofJob()} units of the cancelled job still on the cluster after 15 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await expect(waitFor(cluster, id, ended, 30_000)).resolves.toMatchObject({ state: 'cancelled' });
    } finally {
      await queue.close();
    }
  });
});

describe('failures', () => {
  test('a worker killed (SIGKILL) in the middle of a job: its unit is taken by the other, the numbers are the same', async () => {
    const request = { type: 'shapley.sample', input: { game: { type: 'saturatingScale', sizes: Array.from({ length: 2000 }, (_, i) => 1 + (i % 97)), halfSize: 5000, alpha: 0.6 } }, options: { seed: 11, maxPermutations: 6000 } };
    const submitted = await call(cluster, 'POST', '/v1/jobs', request);
    expect(submitted.status).toBe(202);
    // Once units flow, one worker dies without a word.
    await waitFor(cluster, submitted.body.id, (job) => job.progress > 0 || ended(job), 240_000);
    workers[0].kill('SIGKILL');
    const [onCluster, onOne] = await Promise.all([waitFor(cluster, submitted.body.id, ended, 240_000), run(local, request)]);
    expect([onCluster.state, onCluster.error]).toEqual(['done', undefined]);
    expect(onCluster.result.values).toEqual(onOne.result.values);
    expect(onCluster.result.standardErrors).toEqual(onOne.result.standardErrors);
    workers[0] = await startWorker('w1');
  });

  test('a unit of an engine version the workers do not run is refused, never computed, with the reason', async () => {
    const queue = new Queue(UNIT_QUEUE, { connection: redisOptions(redis.url) });
    try {
      await queue.add('unit', { key: 'stranger', kind: 'shapley.sample', version: '0.0.0-other', context: { digest: '0'.repeat(64), file: `${'0'.repeat(64)}.ctx` }, payload: '' }, { jobId: 'stranger.1', attempts: 3 });
      // Read the job's state back (an event could be missed): failed, once, with the reason.
      const deadline = Date.now() + 120_000;
      while ((await queue.getJobState('stranger.1')) !== 'failed') {
        if (Date.now() > deadline) throw new Error(`the stranger's unit is ${await queue.getJobState('stranger.1')} after 120 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const job = await queue.getJob('stranger.1');
      expect(job!.failedReason).toMatch(/^worker w\d runs engine \S+, the unit needs 0\.0\.0-other: refused$/);
      // Refused for good: not retried on the other worker.
      expect(job!.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
  });
});
