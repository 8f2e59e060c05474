import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Temporary upload files start with this: hidden, and never an id (storedFiles.ts). */
export const UPLOAD_FILE_PREFIX = '.upload-';

/** The upload was larger than the cap; `bytes` is how much had arrived when we stopped. */
export class UploadTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly bytes: number,
  ) {
    super(`upload exceeds ${limit} bytes`);
    this.name = 'UploadTooLargeError';
  }
}

/**
 * Streams a request body into a new file in `dir`, never holding more than a chunk in memory,
 * and stops at `maxBytes`: a client that lies about (or omits) Content-Length is cut off at the
 * cap, and the partial file is removed whatever goes wrong (cap, disconnect, disk full).
 */
export async function receiveToFile(body: Readable, dir: string, maxBytes: number): Promise<{ file: string; bytes: number }> {
  const file = path.join(dir, `${UPLOAD_FILE_PREFIX}${randomBytes(8).toString('hex')}`);
  let bytes = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) return callback(new UploadTooLargeError(maxBytes, bytes));
      callback(null, chunk);
    },
  });
  try {
    // 'wx' and 0600: a fresh, private file (datasets are the client's data).
    await pipeline(body, cap, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  return { file, bytes };
}
