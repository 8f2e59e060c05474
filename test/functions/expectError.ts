import { FunctionError, type FunctionErrorCode } from '../../src/functions/errors';

/**
 * Runs `run`, expects a FunctionError with `code` whose message starts with `place` (the
 * argument and row a user must fix) and contains every fragment. Returns the message so that
 * tests can look closer.
 */
export function expectFunctionError(run: () => unknown, code: FunctionErrorCode, place: string, ...fragments: string[]): string {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof FunctionError)) {
    throw new Error(`expected a FunctionError ${code} at "${place}", got ${caught === undefined ? 'no error' : String(caught)}`);
  }
  expect(caught.code).toBe(code);
  if (!caught.message.startsWith(`${place}: `)) throw new Error(`message "${caught.message}" does not start with "${place}: "`);
  for (const fragment of fragments) expect(caught.message).toContain(fragment);
  return caught.message;
}
