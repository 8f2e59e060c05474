/*
 * A Redis URL as ioredis options: redis://[user:password@]host[:port][/db], or rediss:// for
 * TLS. The password stays in the options, never in a queued job or a log line.
 */
import { rootCertificates } from 'node:tls';
import type { ConnectionOptions } from 'bullmq';
import IORedis from 'ioredis';

export class RedisUrlError extends Error {}

/**
 * `ca`: PEM certificates to trust for rediss:// besides the system's (a cluster's own CA, or a
 * self-signed Redis certificate).
 */
export function redisOptions(url: string, ca?: string): ConnectionOptions {
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
    ...(parsed.protocol === 'rediss:' ? { tls: ca === undefined ? {} : { ca: [...rootCertificates, ca] } } : {}),
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

/**
 * Connects once and pings, so that a wrong address, password or certificate stops the start with
 * Redis's own reason instead of a worker retrying in silence.
 */
export async function checkRedis(connection: ConnectionOptions, url: string): Promise<void> {
  const probe = new IORedis({ ...(connection as object), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 10_000 });
  // The socket's own error (a refused certificate, say) comes as an event; the command then
  // fails only with "Connection is closed", so the first event is the reason to give.
  let firstError: Error | undefined;
  probe.on('error', (error: Error) => (firstError ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason = firstError ?? (error instanceof Error ? error : new Error(String(error)));
    throw new RedisUrlError(`cannot reach Redis at ${redactedRedisUrl(url)}: ${reason.message}`);
  } finally {
    probe.disconnect();
  }
}
