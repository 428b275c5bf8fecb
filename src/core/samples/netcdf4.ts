/**
 * NetCDF-4 and plain HDF5 files read lazily with h5wasm (the HDF5 C library
 * compiled to WebAssembly; reads through Node's file system, so only the
 * chunks of the requested time steps are decoded). Dimension names come from
 * the NetCDF-4 dimension scales (`DIMENSION_LIST`), coordinates from the
 * variables those scales name.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { SampleDataError } from './errors';
import { importEsm } from './esmPackage';
import { cfEncoding, checkStepRange, decodeSteps, extraIndex, pickVariable, type GridSource, type OpenOptions } from './gridSource';

type H5 = typeof import('h5wasm/node').default;
type H5File = InstanceType<H5['File']>;
type H5Dataset = InstanceType<H5['Dataset']>;

let h5Ready: Promise<H5> | undefined;

/** Loads h5wasm once per process. */
async function h5(): Promise<H5> {
  h5Ready ??= importEsm(() => import('h5wasm/node'), 'h5wasm', 'dist/node/hdf5_hl.js').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5Ready;
}

/** True for the 8-byte HDF5 signature (NetCDF-4 files are HDF5 files). */
export function isHdf5(head: Uint8Array): boolean {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  return sig.every((b, i) => head[i] === b);
}

/** The first 8 bytes of a file (enough for the NetCDF-3 and HDF5 signatures). */
export function readHead(file: string): Uint8Array {
  const head = new Uint8Array(8);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  return head;
}

/** Datasets of the root group with two to four dimensions and a numeric type. */
function gridDatasets(lib: H5, file: H5File): Map<string, H5Dataset> {
  const out = new Map<string, H5Dataset>();
  for (const key of file.keys()) {
    const entity = file.get(key);
    if (!(entity instanceof lib.Dataset)) continue;
    const type = entity.metadata.type;
    const numeric = type === 0 || type === 1; // H5T_INTEGER, H5T_FLOAT
    if (numeric && [2, 3, 4].includes(entity.shape?.length ?? 0)) out.set(key, entity);
  }
  return out;
}

/** Dimension names through the dimension scales; `dim_<i>` where a file has none. */
function dimensionNames(file: H5File, ds: H5Dataset): string[] {
  const refs = ds.attrs['DIMENSION_LIST']?.value as unknown;
  return (ds.shape ?? []).map((_, i) => {
    const ref = Array.isArray(refs) ? (refs[i] as unknown[])?.[0] : undefined;
    const target = ref ? (file.dereference(ref as Parameters<H5File['dereference']>[0]) as { path?: string } | null) : null;
    return target?.path ? target.path.replace(/^\//, '') : `dim_${i}`;
  });
}

/** A 1-d coordinate variable's values, when the file has one of that name and length. */
function coordinate(lib: H5, file: H5File, name: string, length: number): Float64Array | undefined {
  if (!file.keys().includes(name)) return undefined;
  const entity = file.get(name);
  if (!(entity instanceof lib.Dataset) || entity.shape?.length !== 1 || entity.shape[0] !== length) return undefined;
  const value = entity.value as unknown;
  return ArrayBuffer.isView(value) ? Float64Array.from(value as unknown as ArrayLike<number>) : undefined;
}

function textAttr(ds: H5Dataset, name: string): string | undefined {
  const v = ds.attrs[name]?.value as unknown;
  return typeof v === 'string' ? v : undefined;
}

/**
 * Opens the (time, y, x) variable `name` (or the only one) of a NetCDF-4 / HDF5
 * file; a named (time, level, y, x) one reads the level `options.select` picks,
 * a named (y, x) one (a land-sea mask) reads as one step.
 */
export async function openNetcdf4(file: string, name?: string, options: OpenOptions = {}): Promise<GridSource> {
  const lib = await h5();
  let h: H5File;
  try {
    if (!isHdf5(readHead(file))) throw new Error('no HDF5 signature (NetCDF-3 files are read by the NetCDF-3 reader)');
    h = new lib.File(path.resolve(file), 'r');
  } catch (error) {
    throw new SampleDataError(file, `cannot open as NetCDF-4/HDF5: ${(error as Error).message}`);
  }
  try {
    const grids = gridDatasets(lib, h);
    const candidates = [...grids.keys()].filter((k) => name !== undefined || grids.get(k)!.shape!.length === 3);
    const chosen = pickVariable(file, candidates, name);
    const ds = grids.get(chosen)!;
    const full = ds.shape!;
    const all = dimensionNames(h, ds);
    const level = full.length === 4 ? extraIndex(file, chosen, all, full, options.select ?? {}, coordinate(lib, h, all[1], full[1])) : undefined;
    const flat = full.length === 2;
    const shape = [flat ? 1 : full[0], full[full.length - 2], full[full.length - 1]] as [number, number, number];
    const dims = [flat ? 'none' : all[0], all[all.length - 2], all[all.length - 1]] as [string, string, string];
    const enc = cfEncoding(file, chosen, (a) => ds.attrs[a]?.value);
    const src: GridSource = {
      file: path.resolve(file),
      name: chosen,
      shape,
      dims,
      units: textAttr(ds, 'units'),
      longName: textAttr(ds, 'long_name') ?? textAttr(ds, 'standard_name'),
      y: coordinate(lib, h, dims[1], shape[1]),
      x: coordinate(lib, h, dims[2], shape[2]),
      async readSteps(t0, count) {
        checkStepRange(src, t0, count);
        const time: [number, number][] = flat ? [] : [[t0, t0 + count]];
        const ranges = [...time, ...(level === undefined ? [] : [[level, level + 1]]), [], []] as never;
        const raw = ds.slice(ranges) as unknown;
        if (!ArrayBuffer.isView(raw)) throw new SampleDataError(file, `variable '${chosen}': could not read steps ${t0}..${t0 + count - 1}`);
        return decodeSteps(raw as unknown as ArrayLike<number>, enc);
      },
      close: () => void h.close(),
    };
    return src;
  } catch (error) {
    h.close();
    throw error;
  }
}
