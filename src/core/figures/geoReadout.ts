/**
 * The map inspector's numbers: normalised values back in physical units (the
 * contract's z-score, and log1p where the data set description asks for it),
 * and grid cells as latitude / longitude ("42.5°N 97.5°W"). Pure: the Masks
 * panel calls these on every pointer move (constant work per call).
 */
import type { ChannelPhysics, GridCoordinates } from '../schema/results';
import { formatSig } from './format';

/** A normalised value in the channel's physical units: f⁻¹(v * std + mean). */
export function denormalise(v: number, ch: Pick<ChannelPhysics, 'mean' | 'std' | 'transform'>): number {
  const x = v * ch.std + ch.mean;
  return ch.transform === 'log1p' ? Math.expm1(x) : x;
}

/**
 * A normalised absolute difference in physical units (|a - b| * std), or null
 * where the transform is not linear (log1p: the difference depends on the level).
 */
export function physicalDifference(d: number, ch: Pick<ChannelPhysics, 'std' | 'transform'>): number | null {
  return ch.transform === 'zscore' ? Math.abs(d) * ch.std : null;
}

/** Degrees without trailing zeros (at most 2 decimals). */
function degrees(v: number): string {
  return `${Number(Math.abs(v).toFixed(2))}°`;
}

/** A latitude as "42.5°N" / "12.25°S" / "0°". */
export function formatLatitude(lat: number): string {
  return lat === 0 ? '0°' : `${degrees(lat)}${lat > 0 ? 'N' : 'S'}`;
}

/** A longitude as "97.5°W" / "10°E" (0..360 grids folded to -180..180; 0 and 180 without a side). */
export function formatLongitude(lon: number): string {
  const l = ((((lon + 180) % 360) + 360) % 360) - 180;
  if (l === 0 || l === -180) return `${degrees(l)}`;
  return `${degrees(l)}${l > 0 ? 'E' : 'W'}`;
}

/** A cell's position: "42.5°N 97.5°W" on geographic grids, else "y 12, x 3.5" in the coordinate variables' names. */
export function formatCell(co: GridCoordinates, row: number, col: number): string {
  const y = co.y[row];
  const x = co.x[col];
  if (y === undefined || x === undefined) return '';
  return co.geographic ? `${formatLatitude(y)} ${formatLongitude(x)}` : `${co.yName} ${formatSig(y, 4)}, ${co.xName} ${formatSig(x, 4)}`;
}

/** A physical value with its units ("101,594 Pa"; no units: the bare value). */
export function formatPhysical(v: number, units: string | null): string {
  return units ? `${formatSig(v, 4)} ${units}` : formatSig(v, 4);
}

/** Each cell's position as hover text, rows from the top (the drawn order): "<br>42.5°N 97.5°W". */
export function cellTextRows(co: GridCoordinates): string[][] {
  const H = co.y.length;
  return Array.from({ length: H }, (_, r) => co.x.map((_, c) => `<br>${formatCell(co, H - 1 - r, c)}`));
}
