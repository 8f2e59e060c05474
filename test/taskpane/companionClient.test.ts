/**
 * The pane's companion client over real HTTP against a real companion (in this process), and
 * against servers that are not one: pairing, the token check, jobs and their event stream,
 * refusals carrying the companion's field, uploads, resume after a restart, and the three ways
 * of getting no useful answer (nothing listening, no answer in time, another server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from '../companion/server/inProcess';
import { bruteForceShapley } from '../helpers/bruteForce';
import {
  CompanionClient,
  CompanionHttpError,
  CompanionUnreachableError,
  NotACompanionError,
  normaliseCompanionUrl,
  type JobStatus,
} from '../../src/taskpane/companion/companionApi';

jest.setTimeout(60_000);

let t: TestCompanion;
let client: CompanionClient;
beforeAll(async () => {
  t = await startTestCompanion();
  client = new CompanionClient({ url: t.url, token: t.token });
});
afterAll(() => stopTestCompanion(t));

/** The Box 3-like table of DESIGN §1 with players A, B, C, in mask order. */
const TABLE = [0, 50, 40, 80, 30, 80, 60, 100];

describe('CompanionClient', () => {
  test('normalises addresses to an origin and refuses what cannot be one', () => {
    expect(normaliseCompanionUrl('localhost:3917')).toBe('https://localhost:3917');
    expect(normaliseCompanionUrl(' https://localhost:3917/v1/ ')).toBe('https://localhost:3917');
    expect(normaliseCompanionUrl('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000');
    expect(() => normaliseCompanionUrl('ftp://localhost')).toThrow(/not ftp:/);
    expect(() => normaliseCompanionUrl('https://')).toThrow(/not an address/);
  });

  test('reads the health of the companion without a token', async () => {
    const health = await new CompanionClient({ url: t.url }).health();
    expect(health).toMatchObject({ name: 'partage-companion', jobs: { running: 0, queued: 0 } });
    expect(health.backends.map((b) => b.name)).toEqual(['cpu']);
  });

  test('pairs with the one-time code, then the token opens the API; a wrong token is refused naming the header', async () => {
    const code = t.companion.pairingCode!;
    const token = await new CompanionClient({ url: t.url }).pair(code);
    expect(token).toBe(t.token);
    await expect(client.withToken(token).checkToken()).resolves.toBeUndefined();
    const refused = await client.withToken('0'.repeat(64)).checkToken().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CompanionHttpError);
    expect(refused).toMatchObject({ status: 401, code: 'unauthorized', field: 'authorization' });
    const again = await new CompanionClient({ url: t.url }).pair(code).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 410, code: 'no_pairing_code', field: 'code' });
  });

  test('follows a job through its event stream to the end, with the result', async () => {
    const { id } = await client.submit({ type: 'shapley.exact', input: { n: 3, values: TABLE, players: ['A', 'B', 'C'] } });
    const progress: JobStatus[] = [];
    const end = await client.follow(id, (job) => progress.push(job));
    expect(end.state).toBe('done');
    expect(end.result).toMatchObject({ method: 'exact', players: ['A', 'B', 'C'], backend: 'cpu' });
    const expected = bruteForceShapley(3, (mask) => TABLE[mask]);
    (end.result!.values as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    for (const job of progress) expect(['queued', 'running']).toContain(job.state);
    expect((await client.job(id)).result).toEqual(end.result);
    expect((await client.job(id, false)).result).toBeUndefined();
  });

  test('a refused job carries the companion’s field and message', async () => {
    const error = await client.submit({ type: 'shapley.exact', input: { n: 3, values: [1, 2, 3] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompanionHttpError);
    const refusal = error as CompanionHttpError;
    expect(refusal.status).toBe(400);
    expect(refusal.field).toBe('input.values');
    expect(refusal.withField).toMatch(/^input\.values: .*8/);
  });

  test('cancels a running job; cancelling again is a 409', async () => {
    const { id } = await client.submit({
      type: 'shapley.sample',
      input: { game: { type: 'voting', weights: Array.from({ length: 200 }, (_, i) => 1 + (i % 7)), quota: 400 } },
      options: { seed: 1, maxPermutations: 1e9 },
    });
    const ended = client.follow(id, () => undefined);
    for (;;) {
      if ((await client.job(id, false)).state === 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const cancelled = await client.cancel(id);
    expect(cancelled.state).toBe('cancelled');
    await expect(ended).resolves.toMatchObject({ state: 'cancelled' });
    await expect(client.cancel(id)).rejects.toMatchObject({ status: 409 });
  });

  test('following a job the companion does not know is a 404 naming the id', async () => {
    await expect(client.follow('no-such-job', () => undefined)).rejects.toMatchObject({ status: 404, field: 'id' });
  });

  test('uploads a file as a dataset', async () => {
    const csv = new TextEncoder().encode('1,0\n0,1\n0.6,0.8\n');
    const dataset = await client.uploadDataset(csv, 'items.csv', 'csv');
    expect(dataset).toMatchObject({ name: 'items.csv', format: 'csv', dtype: 'float64', shape: [3, 2] });
    expect((await client.datasets()).datasets.map((d) => d.id)).toContain(dataset.id);
  });

  test('stopping the follow (abort) ends it without an error of the stream', async () => {
    const { id } = await client.submit({
      type: 'shapley.sample',
      input: { game: { type: 'voting', weights: Array.from({ length: 200 }, (_, i) => 1 + (i % 5)), quota: 300 } },
      options: { seed: 2, maxPermutations: 1e9 },
    });
    const controller = new AbortController();
    const following = client.follow(id, () => controller.abort(), controller.signal);
    await expect(following).rejects.toMatchObject({ name: 'AbortError' });
    await client.cancel(id);
  });
});

describe('a job interrupted by a companion restart', () => {
  test('is listed as interrupted after the restart and queued again by resume', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'partage-resume-'));
    let first: TestCompanion | undefined = await startTestCompanion({}, dataDir);
    let second: TestCompanion | undefined;
    try {
      const c1 = new CompanionClient({ url: first.url, token: first.token });
      const { id } = await c1.submit({
        type: 'shapley.sample',
        input: { game: { type: 'table', n: 3, values: TABLE } },
        options: { seed: 3, maxPermutations: 30_000_000 },
      });
      for (;;) {
        if ((await c1.job(id, false)).state === 'running') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await stopTestCompanion(first, false);
      first = undefined;
      second = await startTestCompanion({}, dataDir);
      const c2 = new CompanionClient({ url: second.url, token: second.token });
      expect((await c2.job(id, false)).state).toBe('interrupted');
      const resumed = await c2.resume(id);
      expect(['queued', 'running']).toContain(resumed.state);
      const cancelled = await c2.cancel(id);
      expect(cancelled.state).toBe('cancelled');
    } finally {
      await stopTestCompanion(first, false);
      await stopTestCompanion(second);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('no useful answer', () => {
  async function listen(server: net.Server): Promise<string> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  test('nothing listening: unreachable (network)', async () => {
    const server = net.createServer();
    const url = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await new CompanionClient({ url }).health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CompanionUnreachableError);
    expect(error).toMatchObject({ reason: 'network' });
  });

  test('a server that never answers: unreachable (timeout)', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    const url = await listen(server);
    try {
      const error = await new CompanionClient({ url }).health(200).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CompanionUnreachableError);
      expect(error).toMatchObject({ reason: 'timeout' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('another server on the port: not a companion, whether it answers 404 or other JSON', async () => {
    const server = http.createServer((request, response) => {
      if (request.url === '/v1/health') response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      else response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    });
    const url = await listen(server);
    try {
      await expect(new CompanionClient({ url }).health()).rejects.toBeInstanceOf(NotACompanionError);
      const error = await new CompanionClient({ url, token: 'x' }).checkToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotACompanionError);
      expect(error).toMatchObject({ status: 404 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
