/**
 * A real companion (real HTTP server on a random loopback port, real SQLite in a temp dir, real
 * worker threads) started in the test's own process, and a small client for it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Endpoint } from '../client';
import { startCompanionService, type CompanionOptions, type RunningCompanion } from '../../../src/companion/service';

export interface TestCompanion extends Endpoint {
  companion: RunningCompanion;
  dataDir: string;
}

export async function startTestCompanion(options: Partial<CompanionOptions> = {}, dataDir?: string): Promise<TestCompanion> {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'partage-api-'));
  // The CPU unless a test asks for the GPU: most tests compare with the engine bit for bit.
  const companion = await startCompanionService({ dataDir: dir, port: 0, http: true, threads: 2, backend: 'cpu', ...options });
  const token = readFileSync(companion.tokenPath, 'utf8').trim();
  return { companion, dataDir: dir, url: companion.url, token };
}

export async function stopTestCompanion(t: TestCompanion | undefined, removeData = true): Promise<void> {
  if (!t) return;
  await t.companion.close();
  if (removeData) rmSync(t.dataDir, { recursive: true, force: true });
}
