/** Refuses a flag that names the same input file twice (by real path or inode). */
import { CliError } from '../command';
import { fileIdentity, sameFile } from '../../core/runs/fileIdentity';

/** Throws {@link CliError} when two of `files` are the same file; `flag` names the flag. */
export async function refuseDuplicateFiles(flag: string, files: string[]): Promise<void> {
  const ids = await Promise.all(files.map(fileIdentity));
  for (const [k, id] of ids.entries()) {
    const first = ids.findIndex((other) => sameFile(other, id));
    if (first < k) {
      const also = files[first] === files[k] ? '' : ` (also given as ${files[first]})`;
      throw new CliError(`${flag}: ${files[k]} is given twice${also}; give each data file once`, 2);
    }
  }
}
