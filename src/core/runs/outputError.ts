/** A write that could not be done (or was refused), as one line naming the output. */

/** Plain words for the file-system errors an output can hit. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder, expected a file',
  ENOTDIR: 'a parent of it is not a folder',
  ENOENT: 'its folder does not exist',
  EEXIST: 'already exists',
  ENOTEMPTY: 'already exists and is not empty',
  ENAMETOOLONG: 'the name is too long',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

/** An output that cannot be written: `cannot write <file>: <reason>`. */
export class OutputError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
    this.name = 'OutputError';
  }
}

/** Wraps a file-system error of writing `file` into an {@link OutputError}. */
export function outputErrorOf(file: string, error: unknown): OutputError {
  if (error instanceof OutputError) return error;
  const code = (error as { code?: string })?.code;
  const reason = (code && REASONS[code]) ?? (error as Error)?.message ?? String(error);
  return new OutputError(file, reason);
}
