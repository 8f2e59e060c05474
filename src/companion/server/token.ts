import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/** 256 random bits, hex: what the user pastes into the taskpane once to pair it. */
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export interface PairingToken {
  token: string;
  path: string;
  /** True when this start created it (the user has to pair the taskpane). */
  created: boolean;
  /** Set when an existing file or folder was readable by others and we tightened it. */
  warning?: string;
}

const ownerOnly = process.platform !== 'win32';

/**
 * Makes the data folder (0700) and reads <dataDir>/token, creating it (0600) at first start.
 * Windows has no POSIX modes: the per-user profile folder's ACL is what protects the file there.
 */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ownerOnly && (statSync(dataDir).mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
}

export function loadOrCreateToken(dataDir: string): PairingToken {
  ensureDataDir(dataDir);
  const file = path.join(dataDir, 'token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (!TOKEN_PATTERN.test(token)) {
      throw new Error(`${file} does not hold a partage pairing token (64 hex digits); delete it to make a new one (the taskpane then pairs again)`);
    }
    let warning: string | undefined;
    if (ownerOnly && (statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, 0o600);
      warning = `${file} was readable by other users; its mode is now 0600. Consider deleting it to make a new token.`;
    }
    return { token, path: file, created: false, warning };
  }
  const token = randomBytes(32).toString('hex');
  // 'wx': never overwrite a token another companion start created a moment ago; the mode is
  // set at creation so the token is never readable by others, not even briefly.
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  return { token, path: file, created: true };
}

/**
 * Compares a presented bearer token with ours in constant time. Both sides are hashed first so
 * that neither the length nor the position of the first difference shows in the timing.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
