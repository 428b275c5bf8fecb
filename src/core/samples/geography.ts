/**
 * Geography and physics of a loaded sample set: the grid's y / x coordinate
 * variables (cropped and coarsened like the values), each channel's variable
 * and units, and the contract's normalisation, so maps can be read in
 * physical units with latitude and longitude. Read from the files' headers
 * and coordinate variables only (never the data again).
 */
import path from 'node:path';
import type { ChannelPhysics, DataGeography, GridCoordinates } from '../schema/results';
import { describedFiles, openSource } from './describedSources';
import type { GridMetadata } from './gridSource';
import type { SampleSet, SampleSpec } from './sampleSet';

/**
 * Units of the NCL storm files (`Pstorm.cdf` ...), which carry no `units`
 * attribute: sea-level pressure in Pa, temperature in K, winds (surface and
 * 500 hPa) in m/s, as NCL's example data documents them.
 */
const NCL_STORM_UNITS: Record<string, string> = { p: 'Pa', t: 'K', u: 'm/s', v: 'm/s', u500: 'm/s', v500: 'm/s' };
const NCL_STORM_FILE = /^(p|t|u|v|u500|v500)storm\.cdf$/i;

const LAT_NAME = /^(lat|latitude|nav_lat|xlat|rlat)$/i;
const LON_NAME = /^(lon|long|longitude|nav_lon|xlong|rlon)$/i;

/** Metadata of one channel's variable: where it was read and how it was cropped / coarsened. */
interface ChannelSource {
  file: string;
  meta: GridMetadata & { name: string };
}

/** Values `[lo, hi)` of a coordinate, then block means of `k` (the loader's coarsening). */
function cropCoarsen(values: Float64Array, range: [number, number] | undefined, k: number): number[] {
  const part = range ? values.subarray(range[0], range[1]) : values;
  const out: number[] = [];
  for (let i = 0; i + k <= part.length; i += k) {
    let s = 0;
    for (let j = 0; j < k; j++) s += part[i + j];
    out.push(s / k);
  }
  return out;
}

/** True when the steps between neighbours are all equal (to 0.1% of a step): an equirectangular axis. */
function isRegular(v: number[]): boolean {
  if (v.length < 2) return false;
  const step = v[1] - v[0];
  return step !== 0 && v.every((x, i) => i === 0 || Math.abs(x - v[i - 1] - step) <= Math.abs(step) * 1e-3);
}

/** The grid coordinates of a channel's variable, when its file has both coordinate variables. */
export function gridCoordinates(meta: GridMetadata, grid: [number, number], crop: { y?: [number, number]; x?: [number, number] } = {}, coarsen = 1): GridCoordinates | null {
  if (!meta.y || !meta.x) return null;
  const y = cropCoarsen(meta.y, crop.y, coarsen);
  const x = cropCoarsen(meta.x, crop.x, coarsen);
  if (y.length !== grid[0] || x.length !== grid[1] || ![...y, ...x].every(Number.isFinite)) return null;
  const [yName, xName] = [meta.dims[1], meta.dims[2]];
  const geographic = LAT_NAME.test(yName) && LON_NAME.test(xName) && y.every((v) => v >= -90 && v <= 90) && isRegular(y) && isRegular(x);
  return { yName, xName, y, x, geographic };
}

/** Units of a variable: its `units` attribute, else the NCL storm set's documented units. */
function unitsOf(src: ChannelSource, channel: string): Pick<ChannelPhysics, 'units' | 'unitsSource'> {
  if (src.meta.units && src.meta.units.trim()) return { units: src.meta.units.trim(), unitsSource: 'file' };
  const known = NCL_STORM_FILE.test(path.basename(src.file)) ? NCL_STORM_UNITS[channel.toLowerCase()] : undefined;
  return known ? { units: known, unitsSource: 'dataset' } : { units: null, unitsSource: null };
}

/** Opens each channel's variable (header and coordinate variables only) in model order; null where it cannot. */
async function channelSources(set: SampleSet, spec: SampleSpec): Promise<(ChannelSource | null)[]> {
  const open = async (file: string, name: string | undefined, select = {}): Promise<ChannelSource | null> => {
    try {
      const src = await openSource(file, name, select);
      src.close();
      return { file, meta: src };
    } catch {
      return null;
    }
  };
  const d = spec.description;
  if (d && spec.source) {
    // The files the windows were read from (`--data` ones included), one per description path, else the description's own.
    const own = describedFiles(d, spec.source);
    const files = set.files.length === own.length ? set.files : own;
    const firstPath: string[] = [];
    let next = 0;
    for (const entry of d.files) {
      firstPath.push(files[next]);
      next += entry.path.length;
    }
    return Promise.all(spec.channels.map(async (c) => {
      const i = d.files.findIndex((e) => e.variables.some((v) => v.channel === c));
      const v = i >= 0 ? d.files[i].variables.find((x) => x.channel === c)! : null;
      return v ? open(firstPath[i], v.name, { ...d.files[i].select, ...v.select }) : null;
    }));
  }
  // NetCDF files, one per channel, already in model order.
  return Promise.all(spec.channels.map((_, c) => (set.files[c] ? open(set.files[c], undefined) : Promise.resolve(null))));
}

/** Geography and physics of a sample set (coordinates null for pre-windowed .npy / .npz data). */
export async function readGeography(set: SampleSet, spec: SampleSpec): Promise<DataGeography> {
  const d = spec.description;
  const sources = set.format === 'netcdf' ? await channelSources(set, spec) : spec.channels.map(() => null);
  const channels: ChannelPhysics[] = spec.channels.map((channel, c) => {
    const src = sources[c];
    const transform = d?.files.flatMap((e) => e.variables).find((v) => v.channel === channel)?.normalisation ?? 'zscore';
    return { channel, variable: src?.meta.name ?? null, ...(src ? unitsOf(src, channel) : { units: null, unitsSource: null }), mean: spec.mean[c], std: spec.std[c], transform };
  });
  const first = sources.find((s): s is ChannelSource => s !== null);
  const coordinates = first ? gridCoordinates(first.meta, spec.grid, d?.crop, d?.coarsen ?? 1) : null;
  return { coordinates, channels };
}
