import { EngineInputError } from '../engine/errors';

/**
 * The Excel error values our functions return. Excel shows the code in the cell and the
 * message in the cell's error tooltip, so the message must say which argument and which row
 * is wrong: a user with a 500-row table cannot guess.
 */
export type FunctionErrorCode = '#VALUE!' | '#N/A' | '#NUM!';

export class FunctionError extends Error {
  constructor(
    readonly code: FunctionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}

/**
 * Where a value sits, as users read it: "linkShare, row 3", "scores, row 2, column 4", or just
 * "quota" for a single cell. Rows and columns count from 1 within the argument's range, not
 * the sheet, because a function never learns where its ranges are.
 */
export type Place = string;

export function placeOf(argument: string, row?: number, column?: number): Place {
  let place = argument;
  if (row !== undefined) place += `, row ${row + 1}`;
  if (column !== undefined) place += `, column ${column + 1}`;
  return place;
}

/** The usual failure: bad input at a place. */
export function invalidValue(place: Place, detail: string): FunctionError {
  return new FunctionError('#VALUE!', `${place}: ${detail}`);
}

/**
 * Turns an engine input error into the message Excel shows. The engine numbers items of the
 * arrays it was given; when an adapter dropped blank rows or read a row range, those indices
 * are not the user's rows, so adapters pass `placeOfIndex` for the fields they reshaped.
 */
export function fromEngineError(
  error: EngineInputError,
  placeOfIndex: Readonly<Record<string, (index: number) => Place>> = {},
): FunctionError {
  const locate = placeOfIndex[error.field];
  let place: Place;
  if (error.index === undefined) place = error.field;
  else if (locate !== undefined) place = locate(error.index);
  else place = placeOf(error.field, error.index);
  return new FunctionError('#VALUE!', `${place}: ${error.detail}`);
}

/** Runs an engine call, translating its input errors (anything else is a bug and propagates). */
export function withEngineErrors<T>(
  run: () => T,
  placeOfIndex?: Readonly<Record<string, (index: number) => Place>>,
): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof EngineInputError) throw fromEngineError(error, placeOfIndex);
    throw error;
  }
}
