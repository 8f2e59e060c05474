/*
 * A cluster's Redis with a password, and behind TLS (rediss://) with a certificate of its own:
 * the worker and the coordinator connect with what the URL (and --redis-ca) gives them and run a
 * job; a wrong password or an untrusted certificate stops the start with Redis's reason, and
 * the password is never printed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call, ended, waitFor } from '../companion/client';
import { startTestCompanion, stopTestCompanion } from '../companion/server/inProcess';
import { freePort, startRedis, type TestRedis } from './redis';

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..');
const PASSWORD = 'correct horse/battery:staple';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'partage-redis-tls-'));
  // A self-signed certificate for 127.0.0.1, as a cluster with its own CA would have.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  code: number | null;
  out: string;
  stop(): void;
}

/** Starts `partage worker` and resolves once it joined, or once it exited (with its code). */
function worker(args: string[]): Promise<Started> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'bin', 'partage'), ['worker', '--threads', '1', '--backend', 'cpu', ...args], { cwd: ROOT, env: { ...process.env, PARTAGE_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const stop = () => child.kill('SIGKILL');
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('taking units from')) resolve({ code: null, out, stop });
    });
    child.stderr!.on('data', (d) => (out += String(d)));
    child.once('exit', (code) => resolve({ code, out, stop }));
  });
}

const EXACT = { type: 'shapley.exact', input: { n: 3, values: [0, 50, 40, 80, 30, 80, 60, 100] } };

async function runsAJob(redisUrl: string, shared: string, ca?: string): Promise<void> {
  const coordinator = await startTestCompanion({ cluster: { redis: redisUrl, sharedDir: shared, size: 1, ca } });
  try {
    const submitted = await call(coordinator, 'POST', '/v1/jobs', EXACT);
    const job = await waitFor(coordinator, submitted.body.id, ended, 120_000);
    // Box 3 of the CSPLA report, corrected: 45, 30, 25.
    expect([job.state, job.result?.values, job.result?.backend]).toEqual(['done', [45, 30, 25], 'cluster']);
  } finally {
    await stopTestCompanion(coordinator);
  }
}

describe('Redis with a password', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(['--requirepass', PASSWORD]);
  });
  afterAll(() => redis.stop());

  test('with the password in the URL, a worker joins and a job runs; the password is not printed', async () => {
    const url = `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${redis.port}`;
    const shared = path.join(dir, 'shared-password');
    const joined = await worker(['--redis', url, '--shared', shared, '--name', 'p1']);
    try {
      expect([joined.code, joined.out]).toEqual([null, expect.stringContaining('partage worker p1:')]);
      expect(joined.out).toContain(`redis://:***@127.0.0.1:${redis.port}`);
      expect(joined.out).not.toContain('battery');
      await runsAJob(url, shared);
    } finally {
      joined.stop();
    }
  });

  test('with a wrong password, or none, the worker does not start and says why', async () => {
    for (const url of [`redis://:wrong@127.0.0.1:${redis.port}`, `redis://127.0.0.1:${redis.port}`]) {
      const refused = await worker(['--redis', url, '--shared', path.join(dir, 'shared-refused')]);
      expect(refused.code).not.toBe(0);
      expect(refused.code).not.toBeNull();
      expect(refused.out).toMatch(/partage worker: cannot start: cannot reach Redis at redis:\/\/(:\*\*\*@)?127\.0\.0\.1:\d+\/?: (WRONGPASS|NOAUTH)/);
    }
  });
});

describe('Redis behind TLS (rediss://)', () => {
  let redis: TestRedis;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    // Plain port 0 (closed): only TLS is served, on `port`; clients need no certificate of their own.
    redis = await startRedis(['--tls-port', String(port), '--tls-cert-file', path.join(dir, 'cert.pem'), '--tls-key-file', path.join(dir, 'key.pem'), '--tls-ca-cert-file', path.join(dir, 'cert.pem'), '--tls-auth-clients', 'no']);
  });
  afterAll(() => redis.stop());

  test('trusting the server\'s certificate (--redis-ca), a worker joins over TLS and a job runs', async () => {
    const url = `rediss://127.0.0.1:${port}`;
    const shared = path.join(dir, 'shared-tls');
    const joined = await worker(['--redis', url, '--redis-ca', path.join(dir, 'cert.pem'), '--shared', shared, '--name', 't1']);
    try {
      expect([joined.code, joined.out]).toEqual([null, expect.stringContaining('partage worker t1:')]);
      await runsAJob(url, shared, readFileSync(path.join(dir, 'cert.pem'), 'utf8'));
    } finally {
      joined.stop();
    }
  });

  test('without trusting it, the worker does not start: the certificate is refused', async () => {
    const refused = await worker(['--redis', `rediss://127.0.0.1:${port}`, '--shared', path.join(dir, 'shared-untrusted')]);
    expect(refused.code).not.toBe(0);
    expect(refused.code).not.toBeNull();
    expect(refused.out).toMatch(/cannot start: cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+\/?: .*(self[- ]signed|certificate)/i);
  });
});
