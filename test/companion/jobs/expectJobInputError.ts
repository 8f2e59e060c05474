import { JobInputError } from '../../../src/companion/jobs/errors';

/**
 * Runs `f`, which must refuse its input with a JobInputError for `field` whose message starts
 * with the field (the request path) and matches `message` (item, limit). Returns the error.
 */
export function expectJobInputError(f: () => unknown, field: string, message: RegExp): JobInputError {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(JobInputError);
  const refusal = error as JobInputError;
  expect(refusal.field).toBe(field);
  expect(refusal.message.startsWith(field)).toBe(true);
  expect(refusal.message).toMatch(message);
  return refusal;
}
