/**
 * The files of a data set description (docs/spec/dataset.md) found and opened:
 * paths resolved against the description's root (itself relative to the
 * checkpoint's folder) and refused when they leave it, each file opened with
 * the reader its own leading bytes (or a Zarr folder) call for.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DatasetDescription } from '../contract/datasetDescription';
import { SampleDataError } from './errors';
import { MissingVariableError, type ExtraSelection, type GridSource } from './gridSource';
import { openNetcdf3 } from './netcdf3Source';
import { isHdf5, openNetcdf4, readHead } from './netcdf4';
import { isZarrStore, openZarr } from './zarr';

/** The key of a description field in messages. */
export const descKey = (key: string): string => `dataset.description.${key}`;

/** The description's root folder, absolute. */
export function descriptionRoot(desc: DatasetDescription, checkpoint: string): string {
  return path.resolve(path.dirname(checkpoint), desc.root);
}

/** Real path where the file exists (links resolved), else the resolved path. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** `rel` resolved against `root`; refused (naming `key`) when it leaves the root, links included. */
export function insideRoot(root: string, rel: string, key: string, checkpoint: string): string {
  const file = path.resolve(root, rel);
  const back = path.relative(real(root), real(file));
  if (path.isAbsolute(rel) || back.startsWith('..') || path.isAbsolute(back)) {
    throw new SampleDataError(checkpoint, `${descKey(key)}: expected a path inside ${root}, found ${rel}`);
  }
  return file;
}

/** Every file the description names, in channel order, absolute. */
export function describedFiles(desc: DatasetDescription, checkpoint: string): string[] {
  const root = descriptionRoot(desc, checkpoint);
  return desc.files.flatMap((e, i) => e.path.map((p, j) => insideRoot(root, p, `files[${i}].path[${j}]`, checkpoint)));
}

/** The kind of a data file: `netcdf3`, `hdf5` (NetCDF-4 too) or `zarr`. */
export function sniffFormat(file: string): 'netcdf3' | 'hdf5' | 'zarr' {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new SampleDataError(file, 'no such file or folder');
  }
  if (st.isDirectory()) {
    if (isZarrStore(file)) return 'zarr';
    throw new SampleDataError(file, 'is a folder but not a Zarr store (no .zgroup, .zarray, .zmetadata or zarr.json)');
  }
  const bytes = readHead(file);
  if (isHdf5(bytes)) return 'hdf5';
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic === 'CDF\x01' || magic === 'CDF\x02') return 'netcdf3';
  throw new SampleDataError(file, 'expected NetCDF-3, NetCDF-4/HDF5 or a Zarr store, found none of their signatures');
}

/** Opens variable `name` of `file` with the reader of its format. */
export async function openSource(file: string, name: string | undefined, select: ExtraSelection): Promise<GridSource> {
  const kind = sniffFormat(file);
  if (kind === 'zarr') return openZarr(file, name, { select });
  if (kind === 'hdf5') return openNetcdf4(file, name, { select });
  return openNetcdf3(file, name, { select });
}

/** Names the variable a file lacks as the channel it should be. */
export function missingVariable(error: unknown, channel: number, channelName: string): unknown {
  if (!(error instanceof MissingVariableError)) return error;
  return new SampleDataError(error.file, `channel ${channel} is '${channelName}' (variable '${error.variable}') in the checkpoint, the file has ${error.found.map((f) => `'${f}'`).join(', ') || 'no (time, y, x) variable'}`);
}
