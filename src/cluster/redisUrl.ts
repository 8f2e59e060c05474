/*
 * A Redis URL as ioredis options: redis://[user:password@]host[:port][/db], or rediss:// for
 * TLS. The password stays in the options, never in a queued job or a log line.
 */
import type { ConnectionOptions } from 'bullmq';

export class RedisUrlError extends Error {}

export function redisOptions(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(`--redis: expected redis://host:port or rediss://host:port, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new RedisUrlError(`--redis: expected redis:// or rediss://, got "${parsed.protocol}//"`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new RedisUrlError(`--redis: the database must be a number, got "${db}"`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's workers block on Redis: a command must wait for a reconnection rather than fail.
    maxRetriesPerRequest: null,
  } as ConnectionOptions;
}

/** The URL without its password, for logs and /v1/health. */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unreadable URL)';
  }
}
