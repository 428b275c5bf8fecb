/**
 * Zarr v2 and v3 directory stores read lazily with zarrita: only the chunks
 * of the requested time steps are read and decoded. Dimension names come from
 * xarray's `_ARRAY_DIMENSIONS` attribute (v2) or `dimension_names` (v3);
 * coordinates from the arrays of those names.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SampleDataError } from './errors';
import { importEsm } from './esmPackage';
import { cfEncoding, checkStepRange, decodeSteps, extraIndex, numberOf, pickVariable, type GridSource, type OpenOptions } from './gridSource';

type ZArray = { shape: number[]; dtype: string; attrs: Record<string, unknown>; fillValue: unknown };

/** True when `dir` is a Zarr store (a folder with `.zgroup`, `.zarray`, `.zmetadata` or `zarr.json`). */
export function isZarrStore(dir: string): boolean {
  return ['.zgroup', '.zarray', '.zmetadata', 'zarr.json'].some((f) => existsSync(path.join(dir, f))) && statSync(dir).isDirectory();
}

/** Array names directly below the store's root. */
function arrayNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && (existsSync(path.join(dir, d.name, '.zarray')) || isV3Array(path.join(dir, d.name))))
    .map((d) => d.name);
}

function isV3Array(dir: string): boolean {
  const meta = path.join(dir, 'zarr.json');
  if (!existsSync(meta)) return false;
  return /"node_type"\s*:\s*"array"/.test(readFileSync(meta, 'utf8'));
}

/**
 * Opens the (time, y, x) array `name` (or the only one) of a Zarr store; a
 * named (time, level, y, x) one reads the level `options.select` picks, a
 * named (y, x) one (a land-sea mask) reads as one step.
 */
export async function openZarr(dir: string, name?: string, options: OpenOptions = {}): Promise<GridSource> {
  const zarr = await importEsm(() => import('zarrita'), 'zarrita', 'dist/src/index.js');
  const { FileSystemStore } = await importEsm(() => import('@zarrita/storage'), '@zarrita/storage', 'dist/src/index.js');
  const root = zarr.root(new FileSystemStore(path.resolve(dir)));
  const open = async (n: string) => (await zarr.open(root.resolve(n), { kind: 'array' })) as unknown as ZArray;
  const names = arrayNames(dir);
  const grids: string[] = [];
  const arrays = new Map<string, ZArray>();
  for (const n of names) {
    const a = await open(n).catch(() => undefined);
    if (!a) continue;
    arrays.set(n, a);
    const rank = name === undefined ? [3] : [2, 3, 4];
    if (rank.includes(a.shape.length) && a.dtype !== 'bool' && !String(a.dtype).startsWith('v')) grids.push(n);
  }
  const chosen = pickVariable(dir, grids, name);
  const arr = arrays.get(chosen)!;
  const attrs = arr.attrs as Record<string, unknown>;
  const all = dimensionNames(attrs, arr as unknown as Record<string, unknown>, arr.shape.length);
  const full = arr.shape;
  const flat = full.length === 2;
  const shape = [flat ? 1 : full[0], full[full.length - 2], full[full.length - 1]] as [number, number, number];
  const dims = [flat ? 'none' : all[0], all[all.length - 2], all[all.length - 1]] as [string, string, string];
  const fill = numberOf((arr as unknown as { fillValue: unknown }).fillValue);
  const enc = cfEncoding(dir, chosen, (a) => attrs[a], fill === undefined ? [] : [fill]);
  const coordinate = async (n: string, length: number) => {
    const c = arrays.get(n);
    if (!c || c.shape.length !== 1 || c.shape[0] !== length) return undefined;
    const chunk = await zarr.get(c as never);
    return Float64Array.from(chunk.data as ArrayLike<number>);
  };
  const level = full.length === 4 ? extraIndex(dir, chosen, all, full, options.select ?? {}, await coordinate(all[1], full[1])) : undefined;
  const selection = level === undefined ? [null, null] : [level, null, null];
  const time = (t0: number, count: number) => (flat ? [] : [zarr.slice(t0, t0 + count)]);
  const src: GridSource = {
    file: path.resolve(dir),
    name: chosen,
    shape,
    dims,
    units: typeof attrs.units === 'string' ? attrs.units : undefined,
    longName: typeof attrs.long_name === 'string' ? attrs.long_name : typeof attrs.standard_name === 'string' ? attrs.standard_name : undefined,
    y: await coordinate(dims[1], shape[1]),
    x: await coordinate(dims[2], shape[2]),
    async readSteps(t0, count) {
      checkStepRange(src, t0, count);
      const chunk = await zarr.get(arr as never, [...time(t0, count), ...selection]).catch((e: Error) => {
        throw new SampleDataError(dir, `array '${chosen}': cannot read steps ${t0}..${t0 + count - 1}: ${e.message}`);
      });
      return decodeSteps(chunk.data as ArrayLike<number>, enc);
    },
    close: () => undefined,
  };
  return src;
}

/** `_ARRAY_DIMENSIONS` (xarray, Zarr v2) or `dimension_names` (v3); `dim_<i>` otherwise. */
function dimensionNames(attrs: Record<string, unknown>, arr: Record<string, unknown>, rank: number): string[] {
  const listed = (attrs._ARRAY_DIMENSIONS ?? arr.dimensionNames ?? arr.dimension_names) as unknown;
  return Array.from({ length: rank }, (_, i) => (Array.isArray(listed) && typeof listed[i] === 'string' ? (listed[i] as string) : `dim_${i}`));
}

/** Throws when `dir` is not a Zarr store (for callers that dispatch by path). */
export function requireZarrStore(dir: string): void {
  if (!isZarrStore(dir)) throw new SampleDataError(dir, 'not a Zarr store (no .zgroup, .zarray, .zmetadata or zarr.json)');
}
