/**
 * An uploaded file we refuse (wrong dtype, ragged CSV, non-numeric cell, …): the server answers
 * 400 with the message, which names what is wrong and where (row, column), and `field` (the
 * query parameter to blame, or 'body' for the file's content).
 */
export class DatasetFormatError extends Error {
  constructor(
    message: string,
    readonly field: string = 'body',
  ) {
    super(message);
    this.name = 'DatasetFormatError';
  }
}
