/**
 * Pairing by a short one-time code, so that nobody has to copy a 64-digit token out of a hidden
 * folder: the companion prints a code such as `K7MQ-2XWD` with its URL, the user types it in the
 * task pane, and `POST /v1/pair {code}` answers the bearer token once.
 *
 * Why it is safe enough on loopback: the route is public but origin-checked like every other one
 * (a foreign web page is refused before it reaches here); a code holds 40 random bits, lives 10
 * minutes and survives 5 wrong guesses, so a local guesser has 5 tries at 2^-40 per code; it is
 * compared in constant time, and it is good for one pairing. Anyone who can read the data folder
 * can read the token anyway.
 *
 * A code that expired or was guessed at 5 times is replaced, and the new one printed to the
 * companion's log. After a successful pairing no code is active until `partage companion --pair`
 * (or a restart) prints a new one.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import https from 'node:https';
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { devHttpsOptions } from '../../../scripts/devCertificates';
import { ApiError } from './errors';

/** 32 letters and digits without the look-alikes 0/O and 1/I: 5 bits a character. */
export const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_TTL_MS = 10 * 60_000;
export const PAIRING_MAX_ATTEMPTS = 5;

/** How the pane and the CLI tell the user to get a fresh code. */
export const NEW_CODE_HINT = 'run `partage companion --pair` (or `npx partage companion --pair`) for a new one';

export interface ActiveCode {
  /** As shown: XXXX-XXXX. */
  code: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export type RedeemOutcome =
  | { ok: true; token: string }
  | { ok: false; reason: 'malformed' | 'wrong' | 'void' | 'expired' | 'none'; message: string; attemptsLeft?: number };

export interface PairingOptions {
  /** The bearer token a correct code is exchanged for. */
  token: string;
  /** Where new codes are printed (the companion's log). */
  log?: (line: string) => void;
  ttlMs?: number;
  maxAttempts?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** 'k7mq 2xwd', 'K7MQ-2XWD' → 'K7MQ2XWD'; undefined when it cannot be a code. */
export function normalisePairingCode(text: string): string | undefined {
  const bare = text.replace(/[\s-]+/g, '').toUpperCase();
  if (bare.length !== PAIRING_CODE_LENGTH) return undefined;
  for (const ch of bare) if (!PAIRING_ALPHABET.includes(ch)) return undefined;
  return bare;
}

/** 'K7MQ2XWD' → 'K7MQ-2XWD'. */
export function formatPairingCode(bare: string): string {
  const half = Math.ceil(bare.length / 2);
  return `${bare.slice(0, half)}-${bare.slice(half)}`;
}

/** A fresh code: each byte's low 5 bits pick a character, so every character is equally likely. */
export function makePairingCode(): string {
  const bytes = randomBytes(PAIRING_CODE_LENGTH);
  let code = '';
  for (const byte of bytes) code += PAIRING_ALPHABET[byte & 31];
  return code;
}

/** Hashing first makes the comparison's time independent of where the codes differ. */
function sameCode(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export class PairingState {
  private code: string | undefined;
  private expiresAt = 0;
  private attempts = 0;
  private readonly ttlMs: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: PairingOptions) {
    this.ttlMs = options.ttlMs ?? PAIRING_TTL_MS;
    this.maxAttempts = options.maxAttempts ?? PAIRING_MAX_ATTEMPTS;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    // The first code is printed by whoever starts the companion, with its URL.
    this.issue();
  }

  /** The code that pairs now, if any (none once used or expired). */
  current(): ActiveCode | undefined {
    if (this.code === undefined || this.now() >= this.expiresAt) return undefined;
    return { code: formatPairingCode(this.code), expiresAt: this.expiresAt };
  }

  /** Replaces the code (the old one stops working) and prints the new one with `why`. */
  renew(why = 'new pairing code'): ActiveCode {
    const active = this.issue();
    this.log(`${why}: ${active.code} (valid ${Math.round(this.ttlMs / 60_000)} minutes; type it in the task pane, Companion tab)`);
    return active;
  }

  /** Exchanges a code for the token, once. */
  redeem(presented: string): RedeemOutcome {
    const bare = normalisePairingCode(presented);
    if (bare === undefined) {
      return {
        ok: false,
        reason: 'malformed',
        message: `a pairing code is ${PAIRING_CODE_LENGTH} letters and digits such as ABCD-EF23 (no 0, 1, I or O), as the companion printed it`,
      };
    }
    if (this.code === undefined) {
      return { ok: false, reason: 'none', message: `no pairing code is active (the last one was used): ${NEW_CODE_HINT}` };
    }
    if (this.now() >= this.expiresAt) {
      this.renew('the pairing code expired; new pairing code');
      return {
        ok: false,
        reason: 'expired',
        message: `that pairing code expired (codes last ${Math.round(this.ttlMs / 60_000)} minutes); the companion has printed a new one`,
      };
    }
    if (sameCode(bare, this.code)) {
      this.code = undefined;
      return { ok: true, token: this.options.token };
    }
    this.attempts++;
    if (this.attempts >= this.maxAttempts) {
      this.renew(`${this.maxAttempts} wrong pairing attempts; new pairing code`);
      return { ok: false, reason: 'void', message: `${this.maxAttempts} wrong attempts: that code no longer works; the companion has printed a new one` };
    }
    const left = this.maxAttempts - this.attempts;
    return {
      ok: false,
      reason: 'wrong',
      attemptsLeft: left,
      message: `wrong pairing code: ${left} attempt${left === 1 ? '' : 's'} left before the companion replaces it`,
    };
  }

  private issue(): ActiveCode {
    this.code = makePairingCode();
    this.expiresAt = this.now() + this.ttlMs;
    this.attempts = 0;
    return { code: formatPairingCode(this.code), expiresAt: this.expiresAt };
  }
}

const PairBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });
type PairBody = Static<typeof PairBody>;

const REDEEM_STATUS: Record<Exclude<RedeemOutcome, { ok: true }>['reason'], [number, string]> = {
  malformed: [400, 'invalid_pairing_code'],
  wrong: [401, 'pairing_code_wrong'],
  void: [401, 'pairing_code_void'],
  expired: [410, 'pairing_code_expired'],
  none: [410, 'no_pairing_code'],
};

/**
 * POST /v1/pair {code} → {token} (public: the pane has no token yet; the origin and Host guards
 * still apply) and POST /v1/pair/code → {code, expiresAt} (token needed: `partage companion
 * --pair` asks a running companion for a new code with the token it reads from the data folder).
 */
export function registerPairingRoutes(app: FastifyInstance, pairing: PairingState): void {
  app.post<{ Body: PairBody }>('/v1/pair', { config: { public: true }, schema: { body: PairBody } }, async (request) => {
    const outcome = pairing.redeem(request.body.code);
    if (outcome.ok) return { token: outcome.token };
    const [status, code] = REDEEM_STATUS[outcome.reason];
    throw new ApiError(status, code, outcome.message, 'code');
  });

  app.post('/v1/pair/code', async (_request, reply) => {
    const active = pairing.renew('new pairing code (asked for with --pair)');
    reply.code(201);
    return { code: active.code, expiresAt: new Date(active.expiresAt).toISOString() };
  });
}

/**
 * Asks the companion running at `url` for a new pairing code (`partage companion --pair`).
 * Resolves to undefined when nothing listens there; rejects when something answers but refuses.
 * `ca`: the certificate authority to trust for https (the development CA).
 */
export function requestPairingCode(url: string, token: string, ca?: string | Buffer): Promise<ActiveCode | undefined> {
  return new Promise((resolve, reject) => {
    const target = new URL('/v1/pair/code', url);
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.request(
      target,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-length': '0' }, ...(ca ? { ca } : {}), timeout: 10_000 },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let body: { code?: string; expiresAt?: string; error?: { message?: string } } = {};
          try {
            body = JSON.parse(text) as typeof body;
          } catch {
            // not JSON: not a partage companion
          }
          if (response.statusCode === 201 && typeof body.code === 'string') {
            resolve({ code: body.code, expiresAt: Date.parse(body.expiresAt ?? '') });
          } else {
            reject(new Error(`${url} answered ${response.statusCode}: ${body.error?.message ?? (text.slice(0, 200) || 'not a partage companion')}`));
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${url} did not answer within 10 s`)));
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve(undefined) : reject(error)));
    request.end();
  });
}

/**
 * `partage companion --pair`: a new code from the companion already running on `port` with this
 * data folder, or undefined when none runs there (the caller then starts one, which prints its
 * code). Needs the token in the data folder: without one no companion has run from it.
 */
export async function askRunningCompanionForCode(options: { port: number; http: boolean; dataDir: string }): Promise<ActiveCode | undefined> {
  if (options.port === 0) return undefined;
  const tokenFile = path.join(options.dataDir, 'token');
  if (!existsSync(tokenFile)) return undefined;
  const token = readFileSync(tokenFile, 'utf8').trim();
  let ca: string | Buffer | undefined;
  if (!options.http) {
    ca = (await devHttpsOptions(() => undefined)).ca;
  }
  return requestPairingCode(`${options.http ? 'http' : 'https'}://localhost:${options.port}`, token, ca);
}
