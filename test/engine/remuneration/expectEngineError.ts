import { EngineInputError } from '../../../src/engine/errors';

/** The adapters build their messages from field and index, so both are part of the contract. */
export function expectEngineError(run: () => unknown, field: string, index: number | undefined, detail?: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EngineInputError);
  const error = caught as EngineInputError;
  expect({ field: error.field, index: error.index }).toEqual({ field, index });
  if (detail !== undefined) expect(error.detail).toMatch(detail);
}
