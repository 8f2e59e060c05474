import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Endpoint } from '../client';

const BIN = path.resolve(__dirname, '../../../bin/partage');

/** A real companion process on a random loopback port, as a user would start it. */
export interface CompanionProcess extends Endpoint {
  child: ChildProcess;
  dataDir: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
}

export function makeDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'partage-e2e-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts `bin/partage companion --http --port 0` on `dataDir` and resolves once it prints the
 * URL it listens on. The sources run through tsx (PARTAGE_FROM_SOURCE) so a stale lib/ cannot
 * hide a change.
 */
export function startCompanion(dataDir: string, extraArgs: string[] = [], timeoutMs = 30_000): Promise<CompanionProcess> {
  const child = spawn(process.execPath, [BIN, 'companion', '--http', '--port', '0', '--backend', 'cpu', '--data-dir', dataDir, ...extraArgs], {
    env: { ...process.env, PARTAGE_FROM_SOURCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout!.on('data', (chunk) => (printed += chunk));
  child.stderr!.on('data', (chunk) => (printed += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`companion did not start within ${timeoutMs} ms:\n${printed}`));
    }, timeoutMs);
    const onData = () => {
      const match = /listening on (https?:\/\/[^\s]+)/.exec(printed);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      const token = readFileSync(path.join(dataDir, 'token'), 'utf8').trim();
      resolve({ child, url: match[1].replace(/\/$/, ''), token, dataDir, output: () => printed });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`companion exited early (${code ?? signal}):\n${printed}`));
    });
  });
}

/** Stops a companion: SIGKILL when `hard` (a crash), SIGTERM otherwise; resolves on exit. */
export function stopCompanion(companion: CompanionProcess, hard = false): Promise<void> {
  return new Promise((resolve) => {
    if (companion.child.exitCode !== null || companion.child.signalCode !== null) return resolve();
    companion.child.once('exit', () => resolve());
    companion.child.kill(hard ? 'SIGKILL' : 'SIGTERM');
  });
}
