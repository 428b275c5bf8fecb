/** An unreadable or malformed model file: the message names the file and the problem. */
export class ModelFileError extends Error {
  constructor(
    /** The model (or external-data) file the problem is about. */
    readonly file: string,
    /** What is wrong, without the file name (e.g. "file is empty"). */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFileError';
  }
}
