/**
 * Bad input detected by the engine. `field` is the name of the input as the public function
 * calls it (the adapters use the same names as the Excel arguments) and `index` the 0-based
 * row or item, so that adapters can say "linkShare, row 3: …" without re-validating.
 */
export class EngineInputError extends Error {
  constructor(
    readonly field: string,
    readonly index: number | undefined,
    readonly detail: string,
  ) {
    super(index === undefined ? `${field}: ${detail}` : `${field}, item ${index + 1}: ${detail}`);
    this.name = 'EngineInputError';
  }
}
