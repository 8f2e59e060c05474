/**
 * One-time pairing codes: the rules of a code (PairingState, with a fake clock), the routes on a
 * real server (POST /v1/pair, POST /v1/pair/code, origin checks and preflight), and the code the
 * `partage companion` process prints, including `partage companion --pair` against a running one.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { call, type Endpoint } from '../client';
import { startCompanion, stopCompanion, makeDataDir, removeDataDir, type CompanionProcess } from '../e2e/companionProcess';
import { startTestCompanion, stopTestCompanion, type TestCompanion } from './inProcess';
import {
  formatPairingCode,
  makePairingCode,
  normalisePairingCode,
  PAIRING_ALPHABET,
  PAIRING_MAX_ATTEMPTS,
  PAIRING_TTL_MS,
  PairingState,
} from '../../../src/companion/server/pairing';

jest.setTimeout(60_000);

const TOKEN = 'f'.repeat(64);
const CODE_SHAPE = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;

/** A code surely different from `code` (same alphabet and length). */
function otherCode(code: string): string {
  const bare = code.replace('-', '');
  const first = bare[0] === 'A' ? 'B' : 'A';
  return `${first}${bare.slice(1)}`;
}

describe('pairing codes', () => {
  test('the alphabet has 32 characters and none of 0, O, 1, I', () => {
    expect(new Set(PAIRING_ALPHABET).size).toBe(32);
    for (const ch of '0O1I') expect(PAIRING_ALPHABET).not.toContain(ch);
  });

  test('codes are 8 characters of the alphabet and use all of it', () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const code = makePairingCode();
      expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
      for (const ch of code) seen.set(ch, (seen.get(ch) ?? 0) + 1);
    }
    // 16,000 characters over 32 symbols: 500 expected each; 350 is > 6 standard deviations below.
    expect(seen.size).toBe(32);
    for (const count of seen.values()) expect(count).toBeGreaterThan(350);
  });

  test('typed codes are normalised: case, spaces and hyphens do not matter; other characters refuse', () => {
    expect(normalisePairingCode(' k7mq-2xwd ')).toBe('K7MQ2XWD');
    expect(normalisePairingCode('K7MQ 2XWD')).toBe('K7MQ2XWD');
    expect(normalisePairingCode('K7MQ2XW')).toBeUndefined();
    expect(normalisePairingCode('K7MQ2XW0')).toBeUndefined();
    expect(formatPairingCode('K7MQ2XWD')).toBe('K7MQ-2XWD');
  });
});

describe('PairingState', () => {
  function state() {
    let now = 1_000_000;
    const log: string[] = [];
    const pairing = new PairingState({ token: TOKEN, log: (line) => log.push(line), now: () => now });
    return { pairing, log, advance: (ms: number) => (now += ms) };
  }

  test('a code is good once, and no code is active afterwards', () => {
    const { pairing, log } = state();
    const active = pairing.current()!;
    expect(active.code).toMatch(CODE_SHAPE);
    expect(log).toEqual([]); // the first code is printed by whoever starts the companion
    expect(pairing.redeem(active.code.toLowerCase())).toEqual({ ok: true, token: TOKEN });
    expect(pairing.current()).toBeUndefined();
    const again = pairing.redeem(active.code);
    expect(again).toMatchObject({ ok: false, reason: 'none' });
    expect(again.ok === false && again.message).toContain('partage companion --pair');
  });

  test('a code expires after 10 minutes; the next attempt prints a new one', () => {
    const { pairing, log, advance } = state();
    const first = pairing.current()!;
    advance(PAIRING_TTL_MS - 1);
    expect(pairing.current()).toEqual(first);
    advance(1);
    expect(pairing.current()).toBeUndefined();
    expect(pairing.redeem(first.code)).toMatchObject({ ok: false, reason: 'expired' });
    const second = pairing.current()!;
    expect(second.code).not.toBe(first.code);
    expect(log).toHaveLength(1);
    expect(log[0]).toContain(second.code);
    expect(pairing.redeem(second.code)).toEqual({ ok: true, token: TOKEN });
  });

  test(`${PAIRING_MAX_ATTEMPTS} wrong attempts void the code and print a new one; malformed input costs no attempt`, () => {
    const { pairing, log } = state();
    const first = pairing.current()!;
    const wrong = otherCode(first.code);
    expect(pairing.redeem('not a code')).toMatchObject({ ok: false, reason: 'malformed' });
    for (let i = 1; i < PAIRING_MAX_ATTEMPTS; i++) {
      expect(pairing.redeem(wrong)).toMatchObject({ ok: false, reason: 'wrong', attemptsLeft: PAIRING_MAX_ATTEMPTS - i });
    }
    expect(pairing.current()).toEqual(first);
    expect(pairing.redeem(wrong)).toMatchObject({ ok: false, reason: 'void' });
    const second = pairing.current()!;
    expect(second.code).not.toBe(first.code);
    expect(log.join('\n')).toContain(second.code);
    // The voided code no longer works, even though it was right.
    expect(pairing.redeem(first.code)).toMatchObject({ ok: false, reason: 'wrong' });
    expect(pairing.redeem(second.code)).toEqual({ ok: true, token: TOKEN });
  });

  test('renew replaces the code at once', () => {
    const { pairing, log } = state();
    const first = pairing.current()!;
    const second = pairing.renew();
    expect(second.code).not.toBe(first.code);
    expect(log).toEqual([expect.stringContaining(second.code)]);
    expect(pairing.redeem(first.code)).toMatchObject({ ok: false, reason: 'wrong' });
  });
});

describe('POST /v1/pair on a real companion', () => {
  let t: TestCompanion;
  const log: string[] = [];
  const ORIGIN = 'https://localhost:3000';
  beforeAll(async () => {
    t = await startTestCompanion({ log: (line) => log.push(line), origins: [ORIGIN] });
  });
  afterAll(() => stopTestCompanion(t));

  const anonymous = (): Endpoint => ({ url: t.url, token: '' });
  const pair = (code: unknown, headers: Record<string, string> = {}) => call(anonymous(), 'POST', '/v1/pair', { code }, headers);

  test('the right code, as typed, gives the token once; the token then opens the API', async () => {
    const code = t.companion.pairingCode!;
    expect(code).toMatch(CODE_SHAPE);
    const answer = await pair(` ${code.toLowerCase().replace('-', ' ')} `, { origin: ORIGIN });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ token: t.token });
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect((await call({ url: t.url, token: answer.body.token }, 'GET', '/v1/jobs')).status).toBe(200);
    expect(t.companion.pairingCode).toBeUndefined();

    const again = await pair(code);
    expect(again.status).toBe(410);
    expect(again.body.error).toMatchObject({ code: 'no_pairing_code', field: 'code' });
  });

  test('wrong codes are refused naming the field, and the fifth voids the code and logs a new one', async () => {
    const code = t.companion.newPairingCode();
    const wrong = otherCode(code);
    for (let i = 1; i < PAIRING_MAX_ATTEMPTS; i++) {
      const answer = await pair(wrong);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({ code: 'pairing_code_wrong', field: 'code' });
      expect(answer.body.error.message).toContain(`${PAIRING_MAX_ATTEMPTS - i} attempt`);
    }
    const last = await pair(wrong);
    expect(last.status).toBe(401);
    expect(last.body.error).toMatchObject({ code: 'pairing_code_void', field: 'code' });
    const replacement = t.companion.pairingCode!;
    expect(replacement).not.toBe(code);
    expect(log.join('\n')).toContain(replacement);
    expect((await pair(code)).status).toBe(401);
    expect((await pair(replacement)).body).toEqual({ token: t.token });
  });

  test('malformed bodies are refused with the field', async () => {
    const malformed = await pair('12345');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'invalid_pairing_code', field: 'code' });
    const missing = await call(anonymous(), 'POST', '/v1/pair', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('code');
    const extra = await call(anonymous(), 'POST', '/v1/pair', { code: 'ABCD-EFGH', token: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.field).toBe('token');
  });

  test('a page from another origin is refused before the code is looked at', async () => {
    const code = t.companion.newPairingCode();
    const answer = await pair(code, { origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({ code: 'origin_refused', field: 'origin' });
    // Not consumed: the add-in can still use it.
    expect(t.companion.pairingCode).toBe(code);
  });

  test('the preflight of the add-in origin is answered, with Private Network Access', async () => {
    const answer = await fetch(`${t.url}/v1/pair`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
        'access-control-request-private-network': 'true',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(answer.headers.get('access-control-allow-private-network')).toBe('true');
  });

  test('POST /v1/pair/code needs the token and replaces the code', async () => {
    const before = t.companion.newPairingCode();
    expect((await call(anonymous(), 'POST', '/v1/pair/code')).status).toBe(401);
    expect(t.companion.pairingCode).toBe(before);
    const answer = await call(t, 'POST', '/v1/pair/code');
    expect(answer.status).toBe(201);
    expect(answer.body.code).toMatch(CODE_SHAPE);
    expect(answer.body.code).toBe(t.companion.pairingCode);
    expect(Date.parse(answer.body.expiresAt) - Date.now()).toBeGreaterThan(PAIRING_TTL_MS - 60_000);
    expect((await pair(before)).status).toBe(401);
    expect((await pair(answer.body.code)).body).toEqual({ token: t.token });
  });
});

describe('the partage companion process', () => {
  let companion: CompanionProcess | undefined;
  const dataDir = makeDataDir();
  afterAll(async () => {
    if (companion) await stopCompanion(companion);
    removeDataDir(dataDir);
  });

  function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.resolve(__dirname, '../../../bin/partage'), ...args], {
        env: { ...process.env, PARTAGE_FROM_SOURCE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
  }

  test('prints a code at start, and `--pair` gets a new one from the running companion', async () => {
    companion = await startCompanion(dataDir);
    const printed = /pairing code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(companion.output());
    expect(printed).not.toBeNull();
    const firstCode = printed![1];
    expect(firstCode).toMatch(CODE_SHAPE);

    const port = new URL(companion.url).port;
    const cli = await runCli(['companion', '--pair', '--http', '--port', port, '--data-dir', dataDir]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const fresh = /pairing code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(cli.stdout);
    expect(fresh).not.toBeNull();
    expect(fresh![1]).not.toBe(firstCode);
    // The running companion logs it too, for whoever watches its window.
    expect(companion.output()).toContain(fresh![1]);

    const anonymous = { url: companion.url, token: '' };
    expect((await call(anonymous, 'POST', '/v1/pair', { code: firstCode })).status).toBe(401);
    const paired = await call(anonymous, 'POST', '/v1/pair', { code: fresh![1] });
    expect(paired.status).toBe(200);
    expect(paired.body.token).toBe(companion.token);
  });
});
