/** Finds the data files a checkpoint was trained on when `--data` is not given. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describedFiles } from '../samples/describedSources';
import { contractDataFiles, type Checkpoint } from './checkpoint';

/** NCL storm file of a channel name (`u500` -> `U500storm.cdf`). */
function stormFile(channel: string): string {
  return `${channel.toUpperCase()}storm.cdf`;
}

/**
 * The contract's data files (its `dataset.files`, else the storm file per
 * channel for the NCL storm data set) found beside the checkpoint, in
 * `../data/ncl` from it, or in `demo/data/ncl` under `cwd`. Null when not all are found.
 * A contract with a data set description names its files itself (relative to
 * the checkpoint; one that leaves the description's root is refused).
 */
export function defaultDataFiles(ck: Checkpoint, cwd = process.cwd()): string[] | null {
  if (ck.spec.description) return describedFiles(ck.spec.description, ck.file);
  let names = contractDataFiles(ck).map((f) => path.basename(f));
  if (names.length === 0 && ck.contract.dataset?.name.startsWith('ncl-storm')) names = ck.contract.channels.map(stormFile);
  if (names.length === 0) return null;
  const dir = path.dirname(ck.file);
  const folders = [dir, path.join(dir, 'data', 'ncl'), path.join(dir, '..', 'data', 'ncl'), path.join(cwd, 'demo', 'data', 'ncl')];
  for (const folder of folders) {
    const files = names.map((n) => path.join(folder, n));
    if (files.every((f) => existsSync(f))) return files;
  }
  return null;
}
