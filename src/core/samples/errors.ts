/** A data file that does not fit the checkpoint: names the file, the field and what was expected. */
export class SampleDataError extends Error {
  constructor(
    /** The file at fault ('' when the problem spans files). */
    readonly file: string,
    message: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'SampleDataError';
  }
}
