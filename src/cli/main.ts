import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { addCallCommand } from './callCommand';
import { addCompanionCommand, addWorkerCommand } from './companionCommand';
import { EXIT, processIo, type CliIo } from './io';
import { addWorkbookCommands } from './workbookCommands';

/** The package version; package.json sits two levels up from both src/cli and lib/cli. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Builds the `partage` program. Each subcommand lives in its own module and is added here:
 * `call` (one PARTAGE function), `companion` (the local batch service), `copy` (a workbook for
 * the other side, without the add-in) and `verify` (a saved workbook's figures recomputed).
 */
export function createProgram(io: CliIo, setStatus: (status: number) => void): Command {
  const program = new Command('partage')
    .description('Shapley values, transfer bases, purpose shares and pay-to-train splits for rightholders (the PARTAGE.* Excel functions)')
    .version(packageVersion(), '-V, --version')
    // Our exit statuses, not commander's: its errors are all usage errors (2), see runCli.
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.writeOut(s), writeErr: (s) => io.writeErr(s) })
    .showHelpAfterError('Usage: partage [--version] [--help] <command> ...; partage --help lists the commands');
  addCallCommand(program, io, setStatus);
  addCompanionCommand(program, io, setStatus);
  addWorkerCommand(program, io, setStatus);
  addWorkbookCommands(program, io, setStatus);
  return program;
}

/** Runs one command line (without the node and script entries) and returns the exit status. */
export function runCli(argv: readonly string[], io: CliIo = processIo): number {
  let status: number = EXIT.ok;
  const program = createProgram(io, (s) => {
    status = s;
  });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return status;
}

export function main(): void {
  // exitCode, not exit(): a large JSON result written to a pipe must be flushed first.
  process.exitCode = runCli(process.argv.slice(2));
}

if (require.main === module) main();
