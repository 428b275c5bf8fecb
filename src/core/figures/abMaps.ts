/**
 * The A/B view's maps: one field (prediction, target, input, |error|, S) of
 * two samples, of one checkpoint or of two, side by side with their
 * difference A - B. The panes are the Masks panel's map layers
 * ({@link sampleMapLayers}) on one shared colour scale; the difference has
 * its own diverging scale, symmetric about zero, in the channel's physical
 * units where the analysis carries them. Pure: the A/B panel and the unit
 * tests call it.
 */
import { decodeF32 } from '../schema/encoding';
import { denormalise } from './geoReadout';
import type { EncodedArray } from '../schema/results';
import { sampleMapLayers, type MapLayer, type MapSelection, type MapSource } from './maps';
import type { FigureTheme } from './types';

/** The fields the A/B view compares. */
export const AB_FIELDS = ['prediction', 'target', 'input', 'error', 'importance'] as const;
export type AbField = (typeof AB_FIELDS)[number];

/** Human names of the fields (the field picker). */
export const AB_FIELD_LABELS: Record<AbField, string> = {
  prediction: 'Prediction',
  target: 'Target',
  input: 'Input (last frame)',
  error: '|Prediction - target|',
  importance: 'Importance S',
};

/** One pane: an analysis, the frame chosen in it, and its name. */
export interface AbSide {
  source: MapSource;
  sel: MapSelection;
  /** Pane heading ("A: simvp_dynapruner.onnx, sample 3"). */
  label: string;
}

/** The three maps of the view; `missing` says why a pane has no map (null when both have one). */
export interface AbLayers {
  a: MapLayer | null;
  b: MapLayer | null;
  /** A - B, already in `diffUnits` (no physics of its own: the renderer shows its values as they are). */
  diff: MapLayer | null;
  /** Physical units of A - B, null when it is in normalised units. */
  diffUnits: string | null;
  missing: string | null;
}

/** The values under one grid cell: A, B and A - B (null where the map is missing, NaN where there is no data). */
export interface AbCell {
  a: number | null;
  b: number | null;
  diff: number | null;
}

/** One side's layer of a field, or null when the sample has no such map (no targets, no importance). */
export function sideLayer(side: AbSide, field: AbField, theme: FigureTheme, decode: (a: EncodedArray) => Float32Array = decodeF32): MapLayer | null {
  return sampleMapLayers(side.source, side.sel, theme, { decode }).find((l) => l.key === field) ?? null;
}

/** Smallest and largest finite value of the `[H, W]` planes of the layers. */
export function finiteRange(layers: MapLayer[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of layers) {
    for (let i = l.offset; i < l.offset + l.h * l.w; i++) {
      const v = l.values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : null;
}

/**
 * The scale A and B share: symmetric about zero for the signed fields
 * (input, prediction, target, as in the Masks panel), from zero for |error|,
 * 0..1 for S.
 */
export function sharedScale(field: AbField, a: MapLayer, b: MapLayer): [number, number] {
  if (field === 'importance') return [0, 1];
  const r = finiteRange([a, b]);
  if (!r) return field === 'error' ? [0, 1] : [-1, 1];
  if (field === 'error') return [0, r[1] > 0 ? r[1] : 1];
  const m = Math.max(Math.abs(r[0]), Math.abs(r[1])) || 1;
  return [-m, m];
}

/**
 * How A - B reads: in the channel's physical units when both panes show the
 * same channel with physics (values: denormalised then subtracted; z-score
 * absolute differences: scaled by the std), else in normalised units.
 */
export function differenceReading(a: MapLayer, b: MapLayer): { units: string | null; cell: (x: number, y: number) => number } {
  const pa = a.physics;
  const same = pa !== undefined && b.physics !== undefined && pa.channel.channel === b.physics.channel.channel && pa.kind === b.physics.kind;
  if (same && pa.kind === 'value') return { units: pa.channel.units, cell: (x, y) => denormalise(x, pa.channel) - denormalise(y, pa.channel) };
  if (same && pa.channel.transform === 'zscore') return { units: pa.channel.units, cell: (x, y) => (x - y) * pa.channel.std };
  return { units: null, cell: (x, y) => x - y };
}

/** A - B cell by cell (NaN where either has no data), in {@link differenceReading}'s units; throws when the grids differ. */
export function differenceField(a: MapLayer, b: MapLayer): Float32Array {
  if (a.h !== b.h || a.w !== b.w) throw new Error(`A/B: the grids differ (A is ${a.h} x ${a.w}, B is ${b.h} x ${b.w}); pick checkpoints trained on the same grid`);
  const { cell } = differenceReading(a, b);
  const n = a.h * a.w;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const d = cell(a.values[a.offset + i], b.values[b.offset + i]);
    out[i] = Number.isFinite(d) ? d : NaN;
  }
  return out;
}

/** Diverging scale of a difference: symmetric about zero, [-max |d|, max |d|]. */
export function differenceScale(diff: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < diff.length; i++) if (Number.isFinite(diff[i]) && Math.abs(diff[i]) > m) m = Math.abs(diff[i]);
  return m > 0 ? [-m, m] : [-1, 1];
}

/** The A, B and A - B maps of a field; A and B on the shared scale, the difference on its diverging one. */
export function abLayers(a: AbSide, b: AbSide, field: AbField, theme: FigureTheme, decode?: (e: EncodedArray) => Float32Array): AbLayers {
  const la = sideLayer(a, field, theme, decode);
  const lb = sideLayer(b, field, theme, decode);
  if (!la || !lb) {
    const which = !la && !lb ? 'A and B have' : !la ? 'A has' : 'B has';
    return { a: la, b: lb, diff: null, diffUnits: null, missing: `${which} no ${AB_FIELD_LABELS[field]} map (${field === 'importance' ? 'the variant computes no importance' : 'the data has no targets'})` };
  }
  const [zmin, zmax] = sharedScale(field, la, lb);
  const diff = differenceField(la, lb);
  const units = differenceReading(la, lb).units;
  const [dmin, dmax] = differenceScale(diff);
  const pane = (l: MapLayer, side: AbSide, key: string): MapLayer => ({ ...l, title: `${key}: ${side.label} · ${l.title}`, zmin, zmax });
  return {
    a: pane(la, a, 'A'),
    b: pane(lb, b, 'B'),
    diff: { key: la.key, h: la.h, w: la.w, title: `A - B: ${AB_FIELD_LABELS[field]}${units ? ` [${units}]` : ''}`, label: 'A - B', values: diff, offset: 0, zmin: dmin, zmax: dmax, colorscale: theme.diverging, overlay: null },
    diffUnits: units,
    missing: null,
  };
}

/** The values of the three maps at one cell (row 0 = first row of the field). */
export function abCell(layers: AbLayers, row: number, col: number): AbCell {
  const at = (l: MapLayer | null) => (l && row >= 0 && row < l.h && col >= 0 && col < l.w ? l.values[l.offset + row * l.w + col] : null);
  return { a: at(layers.a), b: at(layers.b), diff: at(layers.diff) };
}
