import { Command } from 'commander';
import { FunctionError } from '../functions/errors';
import { callFunction, findFunction, FUNCTIONS, signatureOf, type FunctionSpec } from '../functions/registry';
import { EXIT, type CliIo } from './io';

/**
 * `partage call NAME '<JSON array of arguments>'`: runs one PARTAGE.* function through the same
 * adapter as Excel. The arguments are what Excel would pass: ranges as arrays of rows
 * ([[1], [2]] is a column, [[1, 2]] a row), single values as they are, null for an omitted
 * argument. Without the JSON argument, it is read from standard input (tables of a million
 * rows do not fit on a command line).
 *
 * Sets `process.exitCode`-style status through `setStatus` rather than exiting, so that large
 * results are flushed before the process ends.
 */
export function addCallCommand(program: Command, io: CliIo, setStatus: (status: number) => void): Command {
  const call = program
    .command('call')
    .description('run a PARTAGE function on JSON arguments and print {"value": ...} or {"error": ..., "message": ...}')
    .argument('[name]', 'function name, e.g. SHAPLEY (case-insensitive, PARTAGE. prefix optional)')
    .argument('[arguments]', 'JSON array of the arguments, as Excel passes them; read from stdin when left out')
    .option('-l, --list', 'list the functions and their arguments')
    .showHelpAfterError("Usage: partage call NAME '<JSON array of arguments>' (or the array on stdin); partage call --list shows the functions")
    .addHelpText(
      'after',
      `
Examples:
  partage call TRANSFERBASE '[1e9, 0.55, 0.7]'
  partage call PURPOSESHARE '[385e6, "generalist", 0.4]'
  partage call SHAPLEY '[[["A"],["B"],["A,B"]], [[50],[40],[80]]]'
  echo '[[[4],[4],[4],[2],[2],[1]], 12]' | partage call VOTINGPOWER
  partage call NUCLEOLUS '[[["A"],["B"],["C"],["A,B"],["A,C"],["B,C"],["A,B,C"]], [[0],[0],[0],[0],[0],[100],[200]]]'

Exit status: 0 value printed, 1 the function returned an error (printed as JSON),
2 usage error, 3 internal error.`,
    )
    .action((name: string | undefined, json: string | undefined, options: { list?: boolean }) => {
      // Explicitly typed so that TypeScript narrows after a call (commander's error() never returns).
      const usage: (message: string) => never = (message) => call.error(message, { exitCode: EXIT.usage, code: 'partage.usage' });
      if (options.list) {
        if (name !== undefined) usage('--list takes no function name');
        io.writeOut(listFunctions());
        return;
      }
      if (name === undefined) usage('missing function name (see partage call --list)');
      const spec = findFunction(name);
      if (spec === undefined) usage(`unknown function '${name}'; known: ${Object.keys(FUNCTIONS).join(', ')}`);
      const args = parseArguments(spec, json, io, usage);
      const status = runFunction(spec, args, io);
      if (typeof status === 'number') setStatus(status);
      else {
        // An asynchronous function (NUCLEOLUS): runCli has returned by the time it settles, so
        // its status goes to process.exitCode, as the companion command's late failures do.
        setStatus(EXIT.ok);
        void status.then((late) => {
          setStatus(late);
          if (late !== EXIT.ok) process.exitCode = late;
        });
      }
    });
  return call;
}

function listFunctions(): string {
  return Object.values(FUNCTIONS)
    .map((spec) => `${signatureOf(spec)}\n    ${spec.summary}\n`)
    .join('');
}

function parseArguments(spec: FunctionSpec, json: string | undefined, io: CliIo, usage: (message: string) => never): unknown[] {
  let text = json;
  if (text === undefined) {
    if (io.stdinIsTerminal()) usage(`give the arguments of ${signatureOf(spec)} as a JSON array, or pipe them on stdin`);
    text = io.readStdin();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    usage(`the arguments are not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) usage(`the arguments must be a JSON array, e.g. [[[1],[2]], 3] for ${signatureOf(spec)}`);
  const requiredCount = spec.parameters.filter((p) => !p.optional).length;
  if (parsed.length > spec.parameters.length) {
    usage(`${spec.name} takes at most ${spec.parameters.length} arguments, got ${parsed.length}: ${signatureOf(spec)}`);
  }
  if (parsed.length < requiredCount) {
    // Excel itself refuses a formula without its required arguments; null stands for an empty cell.
    usage(`${spec.name} needs at least ${requiredCount} arguments, got ${parsed.length}: ${signatureOf(spec)}`);
  }
  return parsed;
}

function runFunction(spec: FunctionSpec, args: unknown[], io: CliIo): number | Promise<number> {
  let value: ReturnType<typeof callFunction>;
  try {
    value = callFunction(spec, args);
  } catch (error) {
    return reportError(spec, error, io);
  }
  if (value instanceof Promise) {
    return value.then(
      (settled) => printValue(settled, io),
      (error: unknown) => reportError(spec, error, io),
    );
  }
  return printValue(value, io);
}

function printValue(value: unknown, io: CliIo): number {
  io.writeOut(`${JSON.stringify({ value })}\n`);
  return EXIT.ok;
}

function reportError(spec: FunctionSpec, error: unknown, io: CliIo): number {
  if (error instanceof FunctionError) {
    io.writeOut(`${JSON.stringify({ error: error.code, message: error.message })}\n`);
    return EXIT.functionError;
  }
  // Excel would show #VALUE! for a bug too; the distinct status and the stack are for us.
  const detail = error instanceof Error ? error.message : String(error);
  io.writeOut(`${JSON.stringify({ error: '#VALUE!', message: `internal error in ${spec.name}: ${detail}` })}\n`);
  io.writeErr(`${error instanceof Error && error.stack ? error.stack : detail}\n`);
  return EXIT.internal;
}
