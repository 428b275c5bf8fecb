/**
 * The hover read-out of the map inspector: each map's value at one grid cell,
 * in physical units where the analysis carries them (input, prediction and
 * target denormalised with the contract's statistics, the error as a
 * physical difference), S, the data mask and |Delta| as they are, and the
 * cell's latitude / longitude. Constant work per call: the panel calls it on
 * every pointer move without repainting anything.
 */
import type { GridCoordinates } from '../schema/results';
import { formatSig } from './format';
import { denormalise, formatCell, formatPhysical, physicalDifference } from './geoReadout';
import type { MapLayer } from './maps';

/** A cell of the grid: row 0 is the first row of the field (drawn at the bottom). */
export interface GridCell {
  row: number;
  col: number;
}

/** The layer's name and value at a cell ("input p 101,594 Pa", "S 0.830", "data mask active"); null outside it. */
export function layerReadout(layer: MapLayer, cell: GridCell): string | null {
  if (cell.row < 0 || cell.row >= layer.h || cell.col < 0 || cell.col >= layer.w) return null;
  const v = layer.values[layer.offset + cell.row * layer.w + cell.col];
  if (!Number.isFinite(v)) return `${layer.label} no data`;
  if (layer.key === 'dataMask') return `data mask ${v > 0 ? 'active' : 'skipped'}`;
  const field = layer.key === 'input' || layer.key === 'prediction' || layer.key === 'target' ? `${layer.key} ${layer.label}` : layer.label;
  const p = layer.physics;
  if (p?.kind === 'value') return `${field} ${formatPhysical(denormalise(v, p.channel), p.channel.units)}`;
  const diff = p?.kind === 'difference' ? physicalDifference(v, p.channel) : null;
  if (diff !== null && p) return `${field} ${formatPhysical(diff, p.channel.units)}`;
  // Normalised units: standard deviations of the channel (|Delta| averages the channels).
  return layer.key === 'absDelta' || layer.key === 'error' ? `${field} ${formatSig(v, 3)} σ` : `${field} ${formatSig(v, 3)}`;
}

/** A colour-bar value of a layer in its physical units where it has them (normalised otherwise). */
export function layerTickValue(layer: MapLayer, v: number): number {
  const p = layer.physics;
  if (!p) return v;
  if (p.kind === 'value') return denormalise(v, p.channel);
  return physicalDifference(v, p.channel) ?? v;
}

/**
 * The whole read-out line of a cell: "row 18, col 17: 42.5°N 97.5°W · input p 101,594 Pa · S 0.830 · ..."
 * (no position part without coordinates).
 */
export function cellReadout(cell: GridCell, coordinates: GridCoordinates | null | undefined, parts: string[]): string {
  const where = coordinates ? formatCell(coordinates, cell.row, cell.col) : '';
  return `row ${cell.row}, col ${cell.col}: ${(where ? [where, ...parts] : parts).join(' · ')}`;
}
