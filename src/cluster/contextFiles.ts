/*
 * Job contexts (the game, the tables, the embeddings a unit works on) reach the workers through
 * a directory they all read — a shared disk or mount — never through Redis: each context is
 * written once, named by the SHA-256 of its bytes, and a worker checks that digest before it
 * uses what it read (a truncated or stale file is refused, not computed on).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeBytes, encodeBytes } from './codec';

export interface ContextRef {
  digest: string;
  /** The file, as the coordinator wrote it (workers read it under their own --shared path). */
  file: string;
}

export class ContextFileError extends Error {}

export class ContextFiles {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Writes the context (once per content) and returns its reference. */
  put(context: unknown): ContextRef {
    const bytes = encodeBytes(context);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const file = `${digest}.ctx`;
    const target = path.join(this.dir, file);
    if (!existsSync(target)) {
      const partial = `${target}.${process.pid}.partial`;
      writeFileSync(partial, bytes);
      renameSync(partial, target);
    }
    return { digest, file };
  }

  /** Deletes the context's file (its job ended); a worker still holding it keeps its copy in memory. */
  remove(ref: ContextRef): void {
    if (/^[0-9a-f]{64}\.ctx$/.test(ref.file)) rmSync(path.join(this.dir, ref.file), { force: true });
  }

  /** The context of `ref`, checked against its digest; kept in memory for the next units. */
  get(ref: ContextRef): unknown {
    const known = this.cache.get(ref.digest);
    if (known !== undefined) return known;
    if (!/^[0-9a-f]{64}$/.test(ref.digest) || ref.file !== `${ref.digest}.ctx`) throw new ContextFileError(`not a context reference: ${JSON.stringify(ref)}`);
    const target = path.join(this.dir, ref.file);
    if (!existsSync(target)) throw new ContextFileError(`the context ${ref.file} is not in the shared directory ${this.dir}`);
    const bytes = readFileSync(target);
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== ref.digest) throw new ContextFileError(`the context ${ref.file} does not match its digest (${digest.slice(0, 12)}…): refused`);
    const context = decodeBytes(bytes);
    if (this.cache.size > 16) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(ref.digest, context);
    return context;
  }
}
