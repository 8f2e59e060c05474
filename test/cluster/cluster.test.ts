/*
 * The companion's batches on a cluster, with real parts: a Redis server (persistence on), a
 * coordinating companion (real HTTP and SQLite) and three `partage worker` processes reading the
 * jobs' contexts from a shared directory. Sampled, exact and similarity jobs give the numbers of a
 * companion on one machine, bit for bit; /v1/health lists the workers; nothing in Redis carries
 * the companion's token or a dataset; a cancel stops the units on every worker; a worker killed,
 * the coordinator killed and Redis restarted (or emptied) mid-job lose nothing; a faulty worker's
 * answers are refused by the checks or outvoted by the re-run; a unit of an engine version the
 * workers do not run is refused, never computed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { npyOfFloat64 as npy } from '../companion/datasets/fixtures';
import { UNIT_QUEUE } from '../../src/cluster/clusterPool';
import { redisOptions } from '../../src/cluster/redisUrl';
import { call, ended, waitFor, type Endpoint } from '../companion/client';
import { startCompanion, stopCompanion, makeDataDir, removeDataDir, type CompanionProcess } from '../companion/e2e/companionProcess';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../companion/server/inProcess';
import { startRedis, type TestRedis } from './redis';

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..');
let redis: TestRedis;
let redisDir: string;
let shared: string;
const workers = new Map<string, ChildProcess>();
let cluster: TestCompanion;
let local: TestCompanion;

function startWorker(name: string, faulty?: 'flip' | 'nan'): Promise<ChildProcess> {
  const [command, args] = faulty
    ? [process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'faultyWorker.ts'), redis.url, shared, name, faulty]]
    : [path.join(ROOT, 'bin', 'partage'), ['worker', '--redis', redis.url, '--shared', shared, '--threads', '1', '--backend', 'cpu', '--name', name]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, PARTAGE_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes(`partage worker ${name}:`)) {
        workers.set(name, child);
        resolve(child);
      }
    });
    child.stderr!.on('data', (d) => (out += String(d)));
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code} before it started: ${out}`)));
  });
}

function killWorker(name: string): Promise<void> {
  const child = workers.get(name);
  workers.delete(name);
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Redis with every write on disk before it is acknowledged, so that a restart loses nothing. */
const persistent = () => ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', redisDir];

beforeAll(async () => {
  redisDir = mkdtempSync(path.join(tmpdir(), 'partage-redis-'));
  redis = await startRedis(persistent());
  shared = mkdtempSync(path.join(tmpdir(), 'partage-shared-'));
  await Promise.all([startWorker('w1'), startWorker('w2'), startWorker('w3')]);
  cluster = await startTestCompanion({ cluster: { redis: redis.url, sharedDir: shared, size: 3 } });
  local = await startTestCompanion();
}, 300_000);

afterAll(async () => {
  await stopTestCompanion(cluster);
  await stopTestCompanion(local);
  await Promise.all([...workers.keys()].map(killWorker));
  await redis?.stop();
  rmSync(shared, { recursive: true, force: true });
  rmSync(redisDir, { recursive: true, force: true });
});

async function submit(t: Endpoint, request: unknown): Promise<string> {
  const submitted = await call(t, 'POST', '/v1/jobs', request);
  expect([submitted.status, submitted.status === 202 ? '' : JSON.stringify(submitted.body)]).toEqual([202, '']);
  return submitted.body.id as string;
}

async function run(t: Endpoint, request: unknown): Promise<any> {
  return waitFor(t, await submit(t, request), ended, 240_000);
}

/** The job's numbers, as the test compares them: values and their errors, or the similarity totals. */
function numbers(result: any): unknown {
  const { values, standardErrors, totals, shares, outputs, holders } = result;
  return { values, standardErrors, totals, shares, outputs, holders };
}

async function expectSameAsOneMachine(onCluster: any, request: unknown): Promise<any> {
  const onOne = await run(local, request);
  expect([onCluster.state, onCluster.error]).toEqual(['done', undefined]);
  expect(onOne.state).toBe('done');
  expect(numbers(onCluster.result)).toEqual(numbers(onOne.result));
  expect(onCluster.result.backend).toBe('cluster');
  expect(onOne.result.backend).toBe('cpu');
  return onCluster;
}

const WEIGHTS = [9, 7, 6, 4, 3, 2, 1, 1];
const SAMPLED_VOTING = { type: 'shapley.sample', input: { game: { type: 'voting', weights: WEIGHTS, quota: 17 } }, options: { seed: 7, maxPermutations: 20_000, antithetic: true } };
// v(S) = (Σ of the members' weights)², over 10 players: a table of 2¹⁰ values.
const EXACT_TABLE = { type: 'shapley.exact', input: { n: 10, values: Array.from({ length: 1024 }, (_, mask) => Array.from({ length: 10 }, (_, i) => ((mask >> i) & 1) * (i + 1)).reduce((a, b) => a + b, 0) ** 2) } };
/** A sampled job long enough (a few seconds on 2 cores) for something to happen in its middle. */
const longSampled = (seed: number, permutations = 6000) => ({ type: 'shapley.sample', input: { game: { type: 'saturatingScale', sizes: Array.from({ length: 2000 }, (_, i) => 1 + (i % 97)), halfSize: 5000, alpha: 0.6 } }, options: { seed, maxPermutations: permutations } });


/** Pseudo-random numbers in [-1, 1), the same on every run (a 32-bit LCG). */
function numbersFrom(seed: number, count: number): Float64Array {
  const out = new Float64Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** 400 outputs and 4,000 items in 32 dimensions (1 MB of items), owned by 25 holders. */
const SIMILARITY = { outputs: 400, items: 4000, dims: 32, holders: 25 };

async function uploadSimilarity(t: Endpoint): Promise<unknown> {
  const up = async (name: string, body: Uint8Array | string, type: string) => {
    const answer = await call(t, 'POST', `/v1/datasets?name=${name}`, body, { 'content-type': type });
    expect(answer.status).toBe(201);
    return answer.body.id as string;
  };
  const outputs = await up('outputs.npy', npy(numbersFrom(1, SIMILARITY.outputs * SIMILARITY.dims), [SIMILARITY.outputs, SIMILARITY.dims]), 'application/octet-stream');
  const items = await up('items.npy', npy(numbersFrom(2, SIMILARITY.items * SIMILARITY.dims), [SIMILARITY.items, SIMILARITY.dims]), 'application/octet-stream');
  const holders = await up('holders.csv&header=yes', `holder\n${Array.from({ length: SIMILARITY.items }, (_, j) => `holder ${(j * 7) % SIMILARITY.holders}`).join('\n')}`, 'text/csv');
  return { type: 'attribution.similarity', input: { outputs, items, holders }, options: { threshold: 0.2, mode: 'market' } };
}

/** Every value Redis holds, as text, with the length of the longest. */
async function everythingInRedis(): Promise<{ text: string; longest: number }> {
  const client = new IORedis(redisOptions(redis.url) as object);
  try {
    const parts: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      if (type === 'string') parts.push((await client.get(key)) ?? '');
      else if (type === 'hash') parts.push(...Object.values(await client.hgetall(key)));
      else if (type === 'list') parts.push(...(await client.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(...(await client.smembers(key)));
      else if (type === 'zset') parts.push(...(await client.zrange(key, 0, -1)));
      else if (type === 'stream') for (const [, fields] of await client.xrange(key, '-', '+')) parts.push(...fields);
    }
    return { text: parts.join('\n'), longest: Math.max(0, ...parts.map((p) => p.length)) };
  } finally {
    client.disconnect();
  }
}

describe('a cluster of three workers over Redis', () => {
  test.each([
    ['sampled, a weighted voting body', SAMPLED_VOTING],
    ['sampled, a saturating scale of 300 catalogues', { type: 'shapley.sample', input: { game: { type: 'saturatingScale', sizes: Array.from({ length: 300 }, (_, i) => 1 + (i % 13)), halfSize: 400, alpha: 0.7 } }, options: { seed: 3, maxPermutations: 3000 } }],
    ['exact, a table of 1,024 coalitions', EXACT_TABLE],
  ])('%s: the numbers of one machine, bit for bit', async (_, request) => {
    const onCluster = await expectSameAsOneMachine(await run(cluster, request), request);
    // The result says which workers answered, and that no unit was left out of the count.
    const answered = onCluster.result.cluster.workers as Array<{ name: string; backend: string; units: number }>;
    expect(answered.length).toBeGreaterThan(0);
    for (const w of answered) expect([['w1', 'w2', 'w3'].includes(w.name), w.backend, w.units > 0]).toEqual([true, 'cpu', true]);
  });

  test('similarity attribution on uploaded embeddings: the numbers of one machine, bit for bit; the dataset never goes through Redis', async () => {
    const [requestOnCluster, requestOnOne] = await Promise.all([uploadSimilarity(cluster), uploadSimilarity(local)]);
    const onCluster = await run(cluster, requestOnCluster);
    const onOne = await run(local, requestOnOne);
    expect([onCluster.state, onCluster.error, onOne.state]).toEqual(['done', undefined, 'done']);
    expect(numbers(onCluster.result)).toEqual(numbers(onOne.result));
    expect(onCluster.result.outputs.attributed).toBeGreaterThan(0);
    // The items alone are 1 MB; nothing Redis holds comes near a tenth of that.
    const { longest } = await everythingInRedis();
    expect(longest).toBeLessThan((SIMILARITY.items * SIMILARITY.dims * 8) / 10);
  });

  test('nothing in Redis carries the companion\'s token', async () => {
    const { text } = await everythingInRedis();
    expect(text.length).toBeGreaterThan(0);
    expect(text.includes(cluster.token)).toBe(false);
  });

  test('a job\'s context leaves the shared directory when the job ends', async () => {
    await run(cluster, EXACT_TABLE);
    expect(readdirSync(shared).filter((f) => f.endsWith('.ctx'))).toEqual([]);
  });

  test('/v1/health lists the workers: name, backend, device, threads, units done, last seen', async () => {
    type Info = { name: string; backend: string; device: string; threads: number; unitsDone: number; lastSeen: string };
    // Heartbeats come every 2 s: wait for one that counts the units of the jobs above.
    let listed: Info[] = [];
    const deadline = Date.now() + 30_000;
    do {
      listed = (await call(cluster, 'GET', '/v1/health')).body.workers as Info[];
      if (listed.length === 3 && listed.reduce((sum, w) => sum + w.unitsDone, 0) > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);
    expect(listed.map((w) => [w.name, w.backend, w.threads])).toEqual([
      ['w1', 'cpu', 1],
      ['w2', 'cpu', 1],
      ['w3', 'cpu', 1],
    ]);
    for (const w of listed) {
      expect(typeof w.device).toBe('string');
      expect(Date.now() - Date.parse(w.lastSeen)).toBeLessThan(60_000);
    }
    expect(listed.reduce((sum, w) => sum + w.unitsDone, 0)).toBeGreaterThan(0);
  });

  // Here well under a second; the limit is generous so that the test does not depend on the machine's speed.
  test('a cancel reaches every worker: soon no unit of the job is running or waiting', async () => {
    const id = await submit(cluster, longSampled(5, 1_000_000));
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
  test('a worker killed (SIGKILL) in the middle of a job: its unit is taken by another, the numbers are the same', async () => {
    const request = longSampled(11);
    const id = await submit(cluster, request);
    // Once units flow, one worker dies without a word.
    await waitFor(cluster, id, (job) => job.progress > 0 || ended(job), 240_000);
    await killWorker('w1');
    await expectSameAsOneMachine(await waitFor(cluster, id, ended, 240_000), request);
    await startWorker('w1');
  });

  test('the coordinator killed (SIGKILL) in the middle of a job: restarted, it resumes the job to the same numbers', async () => {
    const dataDir = makeDataDir();
    const args = ['--redis', redis.url, '--shared', shared, '--in-flight', '3'];
    let coordinator: CompanionProcess | undefined = await startCompanion(dataDir, args, 120_000);
    try {
      const request = longSampled(13, 9000);
      const id = await submit(coordinator, request);
      await waitFor(coordinator, id, (job) => job.progress >= 0.15 || ended(job), 240_000);
      await stopCompanion(coordinator, true);
      coordinator = await startCompanion(dataDir, args, 120_000);
      expect(coordinator.output()).toMatch(/1 job\(s\) interrupted by the last stop, resumed from their checkpoints/);
      const resumed = await waitFor(coordinator, id, ended, 240_000);
      expect(resumed.result?.resumed).toBe(true);
      await expectSameAsOneMachine(resumed, request);
    } finally {
      if (coordinator) await stopCompanion(coordinator, true);
      removeDataDir(dataDir);
    }
  });

  test('Redis killed and restarted (append-only file on) in the middle of a job: the job completes with the same numbers', async () => {
    const request = longSampled(17, 9000);
    const id = await submit(cluster, request);
    await waitFor(cluster, id, (job) => job.progress >= 0.1 || ended(job), 240_000);
    await redis.stop();
    redis = await startRedis(persistent(), redis.port);
    await expectSameAsOneMachine(await waitFor(cluster, id, ended, 240_000), request);
  });

  test('Redis emptied (FLUSHALL) in the middle of a job: the lost units are queued again, the numbers are the same', async () => {
    const request = longSampled(19, 9000);
    const id = await submit(cluster, request);
    await waitFor(cluster, id, (job) => job.progress >= 0.1 || ended(job), 240_000);
    const client = new IORedis(redisOptions(redis.url) as object);
    await client.flushall();
    client.disconnect();
    await expectSameAsOneMachine(await waitFor(cluster, id, ended, 240_000), request);
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
      // Refused for good: not retried on another worker.
      expect(job!.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
  });
});

describe('a faulty worker', () => {
  // Last: the faulty worker joins the same queue as the others.
  test('answers that fail the checks (a NaN) are refused and the units run elsewhere: the numbers are the same', async () => {
    await killWorker('w3');
    await startWorker('w3', 'nan');
    try {
      const onCluster = await expectSameAsOneMachine(await run(cluster, EXACT_TABLE), EXACT_TABLE);
      const sampled = await expectSameAsOneMachine(await run(cluster, SAMPLED_VOTING), SAMPLED_VOTING);
      const notes = [...(onCluster.result.cluster.notes ?? []), ...(sampled.result.cluster.notes ?? [])].join('\n');
      // w3 took at least one unit of the two jobs (it is one of three takers of every unit).
      expect(notes).toMatch(/an answer of worker w3 to unit \S+ was refused: output(\.mean)?\[0\] is NaN/);
      for (const result of [onCluster.result, sampled.result]) expect(result.cluster.workers.map((w: { name: string }) => w.name)).not.toContain('w3');
    } finally {
      await killWorker('w3');
    }
  });

  test('a worker whose numbers are wrong but well formed is caught by the re-run check and outvoted: the numbers are the same', async () => {
    await startWorker('w3', 'flip');
    const checking = await startTestCompanion({ cluster: { redis: redis.url, sharedDir: shared, size: 3, verifyFraction: 1 } });
    try {
      // Every unit is checked, so each one w3 answers or checks is outvoted by w1 and w2.
      const onCluster = await expectSameAsOneMachine(await run(checking, SAMPLED_VOTING), SAMPLED_VOTING);
      const { cluster: report } = onCluster.result;
      expect(report.verifyFraction).toBe(1);
      expect(report.unitsChecked).toBeGreaterThan(0);
      expect(report.unitsLeftUnchecked).toBeUndefined();
      expect((report.notes as string[]).join('\n')).toMatch(/worker w3 was outvoted on unit \S+ \(w[12] and w[12] agree\): check that machine/);
      expect(report.workers.map((w: { name: string }) => w.name)).not.toContain('w3');
    } finally {
      await stopTestCompanion(checking);
      await killWorker('w3');
    }
  });
});
