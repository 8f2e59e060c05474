import { readFileSync } from 'node:fs';

/**
 * What the CLI touches of the outside world, so that tests can run commands in-process (a
 * spawned `partage` costs half a second of tsx start-up) and the companion command can reuse
 * the same plumbing.
 */
export interface CliIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** The whole of standard input; only called when a command needs it. */
  readStdin(): string;
  /** True when standard input is a terminal: waiting on it would look like a hang. */
  stdinIsTerminal(): boolean;
}

export const processIo: CliIo = {
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
  readStdin: () => readFileSync(0, 'utf8'),
  stdinIsTerminal: () => process.stdin.isTTY === true,
};

/**
 * Exit statuses of every partage command: scripts branch on them.
 * 0 success; 1 the function returned an Excel error (printed as JSON); 2 the command line was
 * wrong (message and usage on stderr); 3 a bug in partage (stack on stderr).
 */
export const EXIT = { ok: 0, functionError: 1, usage: 2, internal: 3 } as const;
