/**
 * The companion's API against a real server on a random loopback port (real SQLite in a temp dir,
 * real worker threads): every endpoint, job results against values derived independently (brute
 * force over orders, the engine's already-tested sampler), progress events, cancel, and each kind
 * of bad request refused with its 4xx while the server keeps answering.
 */
import { bruteForceShapley } from '../../helpers/bruteForce';
import { saturatingScaleGame } from '../../../src/engine/games/saturatingScale';
import { votingGame } from '../../../src/engine/games/voting';
import { permutationShapley } from '../../../src/engine/shapley/sampling';
import { npyOfFloat64 as npy } from '../datasets/fixtures';
import { call, ended, rawRequest, readEvents, waitFor } from '../client';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from './inProcess';

jest.setTimeout(120_000);

// Box 3 of the CSPLA report, in mask order (bit 0 = A, bit 1 = B, bit 2 = C).
const BOX3 = [0, 50, 40, 80, 30, 80, 60, 100];


/** A long sampled job (minutes on 2 threads), to be cancelled or watched. */
const longJob = {
  type: 'shapley.sample',
  input: { game: { type: 'saturatingScale', sizes: Array.from({ length: 2000 }, (_, i) => 1 + (i % 97)), halfSize: 5000, alpha: 0.6 } },
  options: { seed: 1, maxPermutations: 10_000_000 },
};

describe('companion API', () => {
  let t: TestCompanion;

  beforeAll(async () => {
    t = await startTestCompanion({ origins: ['https://localhost:3000'] });
  });
  afterAll(async () => {
    await stopTestCompanion(t);
  });

  describe('health and access', () => {
    it('answers health without a token: name, versions, backends with device and threads', async () => {
      const response = await fetch(`${t.url}/v1/health`);
      expect(response.status).toBe(200);
      const health = (await response.json()) as any;
      expect(health.name).toBe('partage-companion');
      expect(health.engineVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(health.backends[0]).toEqual({ name: 'cpu', device: expect.any(String), threads: 2 });
      expect(health.jobs).toEqual({ running: expect.any(Number), queued: expect.any(Number) });
    });

    it('keeps the token (256 bits), the database and the data folder readable by the owner only', async () => {
      const { statSync, readFileSync } = await import('node:fs');
      const path = await import('node:path');
      expect(t.token).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(path.join(t.dataDir, 'token'), 'utf8').trim()).toBe(t.token);
      expect(statSync(path.join(t.dataDir, 'token')).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(t.dataDir, 'partage.sqlite')).mode & 0o777).toBe(0o600);
      expect(statSync(t.dataDir).mode & 0o077).toBe(0);
    });

    it('refuses every other route without the bearer token, or with a wrong one', async () => {
      for (const [method, route] of [
        ['GET', '/v1/jobs'],
        ['POST', '/v1/jobs'],
        ['GET', '/v1/jobs/x'],
        ['GET', '/v1/jobs/x/events'],
        ['DELETE', '/v1/jobs/x'],
        ['POST', '/v1/jobs/x/resume'],
        ['GET', '/v1/datasets'],
        ['POST', '/v1/datasets?name=a.npy'],
      ]) {
        const missing = await fetch(`${t.url}${route}`, { method });
        expect([route, missing.status]).toEqual([route, 401]);
        expect(((await missing.json()) as any).error.field).toBe('authorization');
        const wrong = await call({ ...t, token: 'f'.repeat(64) }, method, route);
        expect([route, wrong.status]).toEqual([route, 401]);
      }
    });

    it('refuses a Host other than localhost or 127.0.0.1 with our port (DNS rebinding)', async () => {
      const port = t.companion.port;
      for (const host of ['evil.example:' + port, `localhost:${port + 1}`, 'localhost', `127.0.0.2:${port}`]) {
        const answer = await rawRequest(t, { path: '/v1/health', headers: { host } });
        expect([host, answer.status]).toEqual([host, 421]);
        expect(JSON.parse(answer.body).error.field).toBe('host');
      }
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
        expect((await rawRequest(t, { path: '/v1/health', headers: { host } })).status).toBe(200);
      }
    });

    it('answers preflights of the add-in origin with CORS and Private Network Access, and refuses other origins', async () => {
      const preflight = await rawRequest(t, {
        method: 'OPTIONS',
        path: '/v1/jobs',
        headers: {
          host: `localhost:${t.companion.port}`,
          origin: 'https://localhost:3000',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
          'access-control-request-private-network': 'true',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://localhost:3000');
      expect(preflight.headers['access-control-allow-private-network']).toBe('true');
      expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');

      const allowed = await call(t, 'GET', '/v1/jobs', undefined, { origin: 'https://localhost:3000' });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://localhost:3000');

      const other = await call(t, 'GET', '/v1/jobs', undefined, { origin: 'https://evil.example' });
      expect(other.status).toBe(403);
      expect(other.body.error.field).toBe('origin');
    });
  });

  describe('jobs', () => {
    it('runs shapley.exact inline: Box 3 gives the brute-force values 45, 30, 25 with method, backend and version', async () => {
      const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n: 3, values: BOX3, players: ['A', 'B', 'C'] } });
      expect(submitted.status).toBe(202);
      expect(submitted.headers.get('location')).toBe(`/v1/jobs/${submitted.body.id}`);
      const job = await waitFor(t, submitted.body.id, ended);
      expect(job.state).toBe('done');
      expect(job.progress).toBe(1);
      expect(job.result.values).toEqual(Array.from(bruteForceShapley(3, (mask) => BOX3[mask])));
      expect(job.result.values).toEqual([45, 30, 25]);
      expect(job.result.players).toEqual(['A', 'B', 'C']);
      expect(job.result).toMatchObject({ method: 'exact', backend: 'cpu', threads: 2, engineVersion: expect.any(String), elapsedMs: expect.any(Number) });
      expect(job.createdAt <= job.startedAt && job.startedAt <= job.finishedAt).toBe(true);
      expect(job.input).toBeUndefined();
    });

    it('runs shapley.exact on an uploaded .npy table, equal to brute force over all 7! orders', async () => {
      const n = 7;
      const table = new Float64Array(2 ** n);
      for (let mask = 1; mask < table.length; mask++) table[mask] = ((mask * 2654435761) % 1000) / 7;
      const uploaded = await call(t, 'POST', '/v1/datasets?name=table.npy', npy(table, [table.length]), { 'content-type': 'application/octet-stream' });
      expect(uploaded.status).toBe(201);
      expect(uploaded.body).toMatchObject({ name: 'table.npy', format: 'npy', dtype: 'float64', shape: [128] });
      expect(uploaded.body.path).toBeUndefined();
      const listed = await call(t, 'GET', '/v1/datasets');
      expect(listed.body.datasets.map((d: any) => d.id)).toContain(uploaded.body.id);
      expect((await call(t, 'GET', `/v1/datasets/${uploaded.body.id}`)).body.shape).toEqual([128]);

      const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n, dataset: uploaded.body.id } });
      const job = await waitFor(t, submitted.body.id, ended);
      expect(job.state).toBe('done');
      const expected = bruteForceShapley(n, (mask) => table[mask]);
      job.result.values.forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i], 9));

      expect((await call(t, 'DELETE', `/v1/datasets/${uploaded.body.id}`)).status).toBe(200);
      expect((await call(t, 'GET', `/v1/datasets/${uploaded.body.id}`)).status).toBe(404);
    });

    it('runs shapley.sample to exactly the values of the engine sampler with the same seed, whatever the threads', async () => {
      const weights = [4, 4, 4, 2, 2, 1];
      const submitted = await call(t, 'POST', '/v1/jobs', {
        type: 'shapley.sample',
        input: { game: { type: 'voting', weights, quota: 12 }, players: ['F', 'D', 'I', 'B', 'N', 'L'] },
        options: { seed: 42, maxPermutations: 5000, antithetic: true },
      });
      expect(submitted.status).toBe(202);
      const job = await waitFor(t, submitted.body.id, ended);
      expect(job.state).toBe('done');
      const reference = permutationShapley(votingGame(weights, 12), { seed: 42, maxPermutations: 5000, antithetic: true });
      expect(job.result.values).toEqual(Array.from(reference.values));
      expect(job.result.standardErrors).toEqual(Array.from(reference.standardErrors));
      expect(job.result).toMatchObject({ seed: 42, method: 'antithetic-permutation', permutations: 5000, backend: 'cpu', engineVersion: reference.engineVersion });
    });

    it('draws and records a seed when none is given, so that the run can be repeated', async () => {
      const submitted = await call(t, 'POST', '/v1/jobs', {
        type: 'shapley.sample',
        input: { game: { type: 'saturatingScale', sizes: [5, 10, 20], halfSize: 10, alpha: 1 } },
        options: { maxPermutations: 300 },
      });
      const job = await waitFor(t, submitted.body.id, ended);
      expect(job.state).toBe('done');
      expect(Number.isSafeInteger(job.options.seed)).toBe(true);
      expect(job.result.seed).toBe(job.options.seed);
      const reference = permutationShapley(saturatingScaleGame([5, 10, 20], 10, 1), { seed: job.options.seed, maxPermutations: 300 });
      expect(job.result.values).toEqual(Array.from(reference.values));
    });

    it('runs attribution.similarity on uploaded embeddings and CSV labels, equal to brute force', async () => {
      // 3 outputs and 4 items in 2 dimensions; items 0, 1 belong to "press", 2, 3 to "photo".
      const outputs = [[1, 0], [0.6, 0.8], [-1, 0]];
      const items = [[1, 0], [0, 1], [0.8, 0.6], [0, -1]];
      const holders = ['press', 'press', 'photo', 'photo'];
      const up = async (name: string, body: Uint8Array | string, type: string) => {
        const answer = await call(t, 'POST', `/v1/datasets?name=${name}`, body, { 'content-type': type });
        expect(answer.status).toBe(201);
        return answer.body.id as string;
      };
      const outputsId = await up('outputs.npy', npy(Float64Array.from(outputs.flat()), [3, 2]), 'application/octet-stream');
      const itemsId = await up('items.csv', items.map((row) => row.join(',')).join('\n'), 'text/csv');
      // A single text column cannot show its header by itself: header=yes says so.
      const holdersId = await up('holders.csv&header=yes', `holder\n${holders.join('\n')}`, 'text/csv');
      expect((await call(t, 'GET', `/v1/datasets/${holdersId}`)).body).toMatchObject({ dtype: 'string', shape: [4] });

      const submitted = await call(t, 'POST', '/v1/jobs', {
        type: 'attribution.similarity',
        input: { outputs: outputsId, items: itemsId, holders: holdersId },
        options: { threshold: 0.1, mode: 'market' },
      });
      expect(submitted.status).toBe(202);
      const job = await waitFor(t, submitted.body.id, ended);
      expect(job.state).toBe('done');

      // By hand: cosine of each output with each item, best per holder, counted from 0.1 up,
      // each output split by brute-force Shapley of the max game over the holders, divided by its top.
      const cosine = (a: number[], b: number[]) => (a[0] * b[0] + a[1] * b[1]) / Math.hypot(...a) / Math.hypot(...b);
      const totals = new Map<string, number>();
      let attributed = 0;
      for (const o of outputs) {
        const best = ['press', 'photo'].map((h) => Math.max(...items.filter((_, j) => holders[j] === h).map((item) => cosine(o, item))));
        const counted = best.map((s) => (s >= 0.1 && s > 0 ? s : 0));
        const top = Math.max(...counted);
        if (top === 0) continue;
        attributed++;
        const phi = bruteForceShapley(2, (mask) => Math.max(0, ...counted.filter((_, i) => mask & (1 << i))));
        ['press', 'photo'].forEach((h, i) => totals.set(h, (totals.get(h) ?? 0) + phi[i] / top));
      }
      expect(job.result.outputs).toMatchObject({ attributed, belowThreshold: 3 - attributed });
      expect(attributed).toBe(2);
      job.result.holders.forEach((h: string, i: number) => expect(job.result.totals.market[i]).toBeCloseTo(totals.get(h)!, 6));
      expect(job.result.shares.market.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12);
      expect(job.result).toMatchObject({ method: 'similarity-max-shapley', backend: 'cpu', engineVersion: expect.any(String) });
    });

    it('streams progress events and one final event with the result', async () => {
      const sizes = Array.from({ length: 300 }, (_, i) => 1 + ((i * 37) % 101));
      const options = { seed: 9, maxPermutations: 4000 };
      const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game: { type: 'saturatingScale', sizes, halfSize: 2000, alpha: 0.8 } }, options });
      const events = await readEvents(t, submitted.body.id);
      expect(events.length).toBeGreaterThanOrEqual(2);
      const last = events[events.length - 1];
      expect(last.event).toBe('end');
      expect(last.data.state).toBe('done');
      expect(last.data.result.values).toEqual(Array.from(permutationShapley(saturatingScaleGame(sizes, 2000, 0.8), options).values));
      const progress = events.slice(0, -1);
      expect(progress.every((e) => e.event === 'progress' && e.data.id === submitted.body.id)).toBe(true);
      const fractions = progress.map((e) => e.data.progress);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      // A stream opened after the end gives the end at once.
      const again = await readEvents(t, submitted.body.id);
      expect(again).toHaveLength(1);
      expect(again[0].data.result.values).toEqual(last.data.result.values);
    });

    it('cancels a running job within a second, and the threads serve the next job', async () => {
      const submitted = await call(t, 'POST', '/v1/jobs', longJob);
      await waitFor(t, submitted.body.id, (job) => job.state === 'running' && job.progress > 0);
      const start = Date.now();
      const cancelled = await call(t, 'DELETE', `/v1/jobs/${submitted.body.id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.state).toBe('cancelled');
      const next = await call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n: 3, values: BOX3 } });
      const job = await waitFor(t, next.body.id, ended);
      expect(job.state).toBe('done');
      expect(Date.now() - start).toBeLessThan(5000);
      const health = (await call(t, 'GET', '/v1/health')).body;
      expect(health.jobs.running).toBe(0);
      // Cancelling what has ended is refused: a late cancel must not hide a result.
      const late = await call(t, 'DELETE', `/v1/jobs/${next.body.id}`);
      expect(late.status).toBe(409);
      expect((await call(t, 'GET', `/v1/jobs/${next.body.id}`)).body.state).toBe('done');
    });

    it('lists jobs newest first, filtered by state, without inputs or results', async () => {
      const listed = await call(t, 'GET', '/v1/jobs?state=done&limit=2');
      expect(listed.status).toBe(200);
      expect(listed.body.jobs.length).toBeLessThanOrEqual(2);
      for (const job of listed.body.jobs) {
        expect(job.state).toBe('done');
        expect(job.input).toBeUndefined();
        expect(job.result).toBeUndefined();
      }
      const all = (await call(t, 'GET', '/v1/jobs')).body.jobs;
      const created = all.map((j: any) => j.createdAt);
      expect(created).toEqual([...created].sort().reverse());
    });
  });

  describe('bad requests get a 4xx naming the field, and the server goes on', () => {
    const cases: Array<{ name: string; send: () => Promise<{ status: number; body: any }>; status: number; field?: string; message?: RegExp }> = [
      { name: 'unknown job type', send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.magic', input: {} }), status: 400, field: 'type' },
      { name: 'missing input', send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.exact' }), status: 400, field: 'input', message: /input is required/ },
      { name: 'unknown envelope field', send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: {}, priority: 1 }), status: 400, field: 'priority' },
      { name: 'input not an object', send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: [1, 2] }), status: 400, field: 'input' },
      {
        name: 'too many players for exact',
        send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n: 27, dataset: 'x' } }),
        status: 400,
        field: 'input.n',
        message: /26/,
      },
      {
        name: 'table of the wrong length',
        send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n: 3, values: [1, 2, 3] } }),
        status: 400,
        field: 'input.values',
        message: /8/,
      },
      {
        name: 'a non-number in the table',
        send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n: 2, values: [0, 1, 'x', 3] } }),
        status: 400,
        field: 'input.values',
        message: /item 3/,
      },
      {
        name: 'unknown dataset',
        send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n: 3, dataset: 'nope' } }),
        status: 400,
        field: 'input.dataset',
      },
      {
        name: 'sampling without a stopping rule',
        send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game: { type: 'voting', weights: [1, 2], quota: 2 } }, options: {} }),
        status: 400,
        field: 'options.maxPermutations',
      },
      {
        name: 'negative seed',
        send: () => call(t, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game: { type: 'voting', weights: [1, 2], quota: 2 } }, options: { seed: -1, maxPermutations: 10 } }),
        status: 400,
        field: 'options.seed',
      },
      { name: 'malformed JSON', send: () => call(t, 'POST', '/v1/jobs', '{"type": ', { 'content-type': 'application/json' }), status: 400, field: 'body' },
      { name: 'text/plain body', send: () => call(t, 'POST', '/v1/jobs', 'type=shapley.exact', { 'content-type': 'text/plain' }), status: 415, field: 'content-type' },
      {
        name: 'JSON nested too deep',
        send: () => call(t, 'POST', '/v1/jobs', `{"type":"shapley.exact","input":{"n":${'['.repeat(100)}${']'.repeat(100)}}}`, { 'content-type': 'application/json' }),
        status: 400,
        field: 'body',
        message: /64/,
      },
      {
        name: 'JSON body over 32 MiB',
        send: () => call(t, 'POST', '/v1/jobs', `{"type":"shapley.exact","input":{"values":[${'1,'.repeat(17 * 1024 * 1024)}1]}}`, { 'content-type': 'application/json' }),
        status: 413,
        field: 'body',
        message: /32 MiB/,
      },
      { name: 'unknown job', send: () => call(t, 'GET', '/v1/jobs/no-such-job'), status: 404, field: 'id' },
      { name: 'cancel unknown job', send: () => call(t, 'DELETE', '/v1/jobs/no-such-job'), status: 404, field: 'id' },
      { name: 'resume unknown job', send: () => call(t, 'POST', '/v1/jobs/no-such-job/resume'), status: 404, field: 'id' },
      { name: 'bad list limit', send: () => call(t, 'GET', '/v1/jobs?limit=abc'), status: 400, field: 'limit' },
      { name: 'bad list state', send: () => call(t, 'GET', '/v1/jobs?state=sleeping'), status: 400, field: 'state' },
      { name: 'unknown route', send: () => call(t, 'GET', '/v2/jobs'), status: 404 },
      { name: 'upload without a name', send: () => call(t, 'POST', '/v1/datasets', new Uint8Array(10), { 'content-type': 'application/octet-stream' }), status: 400, field: 'name' },
      {
        name: 'upload of an unknown format',
        send: () => call(t, 'POST', '/v1/datasets?name=x.xlsx', new Uint8Array(10), { 'content-type': 'application/octet-stream' }),
        status: 400,
        field: 'format',
      },
      {
        name: 'a .npy that is not one',
        send: () => call(t, 'POST', '/v1/datasets?name=x.npy', new Uint8Array(100), { 'content-type': 'application/octet-stream' }),
        status: 400,
        message: /magic/,
      },
    ];

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const answer = await c.send();
      expect(answer.status).toBe(c.status);
      expect(typeof answer.body.error.message).toBe('string');
      expect(typeof answer.body.error.code).toBe('string');
      if (c.field !== undefined) expect(answer.body.error.field).toBe(c.field);
      if (c.message) expect(answer.body.error.message).toMatch(c.message);
      expect((await fetch(`${t.url}/v1/health`)).status).toBe(200);
    });

    it('refuses resuming a job that was not interrupted (409)', async () => {
      const submitted = await call(t, 'POST', '/v1/jobs', { type: 'shapley.exact', input: { n: 3, values: BOX3 } });
      await waitFor(t, submitted.body.id, ended);
      const answer = await call(t, 'POST', `/v1/jobs/${submitted.body.id}/resume`);
      expect(answer.status).toBe(409);
      expect(answer.body.error.message).toMatch(/only an interrupted job/);
    });
  });
});

describe('companion limits', () => {
  it('cuts off an upload over the size cap with 413 and keeps no partial file', async () => {
    const t = await startTestCompanion({ maxUploadBytes: 1000 });
    try {
      const announced = await call(t, 'POST', '/v1/datasets?name=big.csv', '1\n'.repeat(1000), { 'content-type': 'text/csv' });
      expect(announced.status).toBe(413);
      expect(announced.body.error.message).toMatch(/1000 bytes/);
      // Chunked, without Content-Length: cut off while streaming.
      const body = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('1,2,3\n'.repeat(20)));
          controller.close();
        },
      });
      const response = await fetch(`${t.url}/v1/datasets?name=big.csv`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'text/csv' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      const { readdirSync } = await import('node:fs');
      const path = await import('node:path');
      expect(readdirSync(path.join(t.dataDir, 'datasets'))).toEqual([]);
      expect((await call(t, 'GET', '/v1/datasets')).body.datasets).toEqual([]);
    } finally {
      await stopTestCompanion(t);
    }
  });

  it('checkpoints a running job on a graceful stop, and resuming it after a restart gives the uninterrupted values', async () => {
    const sizes = Array.from({ length: 800 }, (_, i) => 1 + ((i * 7919) % 997));
    const game = { type: 'saturatingScale', sizes, halfSize: 20_000, alpha: 0.7 };
    const options = { seed: 77, maxPermutations: 12_000 };
    const first = await startTestCompanion();
    const submitted = await call(first, 'POST', '/v1/jobs', { type: 'shapley.sample', input: { game }, options });
    await waitFor(first, submitted.body.id, (job) => job.state === 'running' && job.progress >= 0.15);
    await stopTestCompanion(first, false);

    const second = await startTestCompanion({}, first.dataDir);
    try {
      const interrupted = (await call(second, 'GET', `/v1/jobs/${submitted.body.id}`)).body;
      expect(interrupted.state).toBe('interrupted');
      expect(interrupted.progress).toBeGreaterThan(0);
      const resumed = await call(second, 'POST', `/v1/jobs/${submitted.body.id}/resume`);
      expect(resumed.status).toBe(202);
      const done = await waitFor(second, submitted.body.id, ended, 120_000);
      expect(done.state).toBe('done');
      expect(done.result.resumed).toBe(true);
      const reference = permutationShapley(saturatingScaleGame(sizes, game.halfSize, game.alpha), options);
      expect(done.result.values).toEqual(Array.from(reference.values));
      expect(done.result.standardErrors).toEqual(Array.from(reference.standardErrors));
    } finally {
      await stopTestCompanion(second);
    }
  });
});
