import { EngineInputError } from '../../engine/errors';

/**
 * A job input the companion refuses: the server answers 400 with `field` (a path into the
 * request such as 'input.values', 'options.seed', 'input.game.weights') and the message. `index`
 * is the 0-based row or item when the problem is in one element of a list.
 */
export class JobInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'JobInputError';
  }
}

/**
 * Runs `f`, turning an EngineInputError into a JobInputError whose field is the request path of
 * the engine's argument: `fields` maps the engine's field names (e.g. 'values', 'game.weights')
 * to request paths; an unmapped name gets `prefix` + '.' + name. The message keeps the engine's
 * detail and names the request path and item, e.g. "input.values, item 4: … is not a finite number".
 */
export function engineInput<T>(prefix: string, f: () => T, fields: Readonly<Record<string, string>> = {}): T {
  try {
    return f();
  } catch (error) {
    throw asJobInputError(error, prefix, fields) ?? error;
  }
}

export function asJobInputError(error: unknown, prefix: string, fields: Readonly<Record<string, string>> = {}): JobInputError | undefined {
  if (error instanceof JobInputError) return error;
  if (!(error instanceof EngineInputError)) return undefined;
  const field = fields[error.field] ?? `${prefix}.${error.field}`;
  return inputError(field, error.detail, error.index);
}

export function inputError(field: string, detail: string, index?: number): JobInputError {
  const where = index === undefined ? field : `${field}, item ${index + 1}`;
  return new JobInputError(field, `${where}: ${detail}`, index);
}

/** A job that cannot be resumed or found; the server maps it to 404 or 409. */
export class JobStateError extends Error {
  constructor(
    readonly reason: 'not-found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'JobStateError';
  }
}
