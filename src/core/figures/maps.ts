/**
 * Map figures of one sample: input, S, data mask, |Delta|, prediction,
 * target, error (Masks panel and report). {@link sampleMapLayers} picks the
 * fields and their shared colour scales; the pixels come from the shared
 * renderer in ./raster.ts: the Masks panel paints them on canvases, the
 * report shows them as images inside Plotly frames ({@link sampleMapFigures}).
 */
import { bytesToBase64, decodeF32, toRows } from '../schema/encoding';
import type { Analysis, ChannelPhysics, DataRef, EncodedArray, SampleAnalysis } from '../schema/results';
import type { GeoOverlay } from './geoOverlay';
import { layerTickValue } from './mapReadout';
import { colorLut, encodePng, rasterizeMap, type Colorscale } from './raster';
import { formatSig } from './format';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** Which frame of a sample to show. */
export interface MapSelection {
  sample: number;
  /** Output time step for prediction / target. */
  t: number;
  channel: number;
}

/** What the map builders read of an analysis (a streaming panel has no aggregates yet; `data` carries the geography). */
export type MapSource = Pick<Analysis, 'model' | 'samples'> & { data?: DataRef | null };

/** How a layer's values read in physical units: a channel's values, or absolute differences of them. */
export interface LayerPhysics {
  channel: ChannelPhysics;
  kind: 'value' | 'difference';
}

/** Options of the map builders. */
export interface MapOptions {
  /** Decoder of encoded arrays (the Masks panel passes a cached one so scrubbing decodes each map once). */
  decode?: (a: EncodedArray) => Float32Array;
  /** Blend the pixels the data mask skips towards grey on every map but the mask itself (overlay toggle). */
  overlay?: boolean;
}

/** One map of a sample: an `[H, W]` field with its colour scale, ready for {@link rasterizeMap}. */
export interface MapLayer {
  key: 'input' | 'importance' | 'dataMask' | 'absDelta' | 'prediction' | 'target' | 'error';
  title: string;
  /** Name of the value (hover / colour-bar title). */
  label: string;
  h: number;
  w: number;
  values: ArrayLike<number>;
  offset: number;
  zmin: number;
  zmax: number;
  colorscale: Colorscale;
  /** The data mask `[H, W]` when the overlay is on (null otherwise). */
  overlay: ArrayLike<number> | null;
  /** Physical reading of the values (absent: normalised units, e.g. results without geography, S, the mask, |Delta|). */
  physics?: LayerPhysics;
}

/** A heatmap of an `[H, W]` map (row 0 = first latitude of the file, drawn at the bottom). */
export function heatmap(title: string, values: ArrayLike<number>, h: number, w: number, theme: FigureTheme, opts: { colorscale?: Colorscale; zmin?: number; zmax?: number; offset?: number } = {}): FigureSpec {
  return {
    data: [{ type: 'heatmap', z: toRows(values, h, w, opts.offset ?? 0), colorscale: opts.colorscale ?? theme.sequential, zmin: opts.zmin, zmax: opts.zmax, showscale: true, colorbar: { thickness: 10 } }],
    layout: baseLayout(theme, title, { xaxis: { visible: false }, yaxis: { visible: false, scaleanchor: 'x' }, margin: { l: 8, r: 8, t: 32, b: 8 } }),
  };
}

function range(parts: { values: ArrayLike<number>; offset: number; length: number }[], symmetric: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of parts) {
    for (let i = p.offset; i < p.offset + p.length; i++) {
      const v = p.values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) return symmetric ? [-1, 1] : [0, 1];
  if (symmetric) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return [lo, hi > lo ? hi : lo + 1];
}

/**
 * The maps of one sample in display order. Input, prediction and target share
 * one symmetric scale (per channel); |Delta| and |error| share one scale from
 * zero (both are absolute changes in normalised units); S and the mask are 0..1.
 */
export function sampleMapLayers(source: MapSource, sel: MapSelection, theme: FigureTheme, options: MapOptions = {}): MapLayer[] {
  const decode = options.decode ?? decodeF32;
  const s: SampleAnalysis = source.samples[sel.sample];
  const [h, w] = source.model.grid;
  const plane = h * w;
  const C = source.model.channels.length;
  const ch = source.model.channels[sel.channel] ?? `c${sel.channel}`;
  const input = decode(s.inputLast);
  const inOff = sel.channel * plane;
  const pred = decode(s.prediction);
  const frame = (sel.t * C + sel.channel) * plane;
  const target = s.target ? decode(s.target) : null;
  const mask = s.dataMask ? decode(s.dataMask) : null;
  const overlay = options.overlay && mask ? mask : null;
  const [lo, hi] = range([{ values: input, offset: inOff, length: plane }, { values: pred, offset: frame, length: plane }, ...(target ? [{ values: target, offset: frame, length: plane }] : [])], true);
  const delta = s.absDelta ? decode(s.absDelta) : null;
  // The error follows the selected lead time and channel like its neighbours; the stored mean map is the fallback without targets.
  const error = target ? frameError(pred, target, frame, plane) : s.errorMap ? decode(s.errorMap) : null;
  const errorTitle = target ? `|Prediction - target| t+${sel.t + 1}, ${ch}` : '|Prediction - target| (mean over t, c)';
  const [, changeHi] = range([...(delta ? [{ values: delta, offset: 0, length: plane }] : []), ...(error ? [{ values: error, offset: 0, length: plane }] : [])], false);
  const physics = source.data?.geography?.channels[sel.channel];
  const unitsOf = (kind: LayerPhysics['kind']) => (physics?.units && (kind === 'value' || physics.transform === 'zscore') ? ` [${physics.units}]` : '');
  const layer = (key: MapLayer['key'], title: string, label: string, values: ArrayLike<number>, offset: number, zmin: number, zmax: number, colorscale: Colorscale, withOverlay = true, kind?: LayerPhysics['kind']): MapLayer => ({
    key, title: kind ? `${title}${unitsOf(kind)}` : title, label, h, w, values, offset, zmin, zmax, colorscale, overlay: withOverlay ? overlay : null,
    ...(kind && physics ? { physics: { channel: physics, kind } } : {}),
  });
  const out: MapLayer[] = [layer('input', `Input (last frame), ${ch}`, ch, input, inOff, lo, hi, theme.diverging, true, 'value')];
  if (s.importance) out.push(layer('importance', 'Importance S', 'S', decode(s.importance), 0, 0, 1, theme.sequential));
  if (mask) out.push(layer('dataMask', `Data mask (${(s.activeFraction * 100).toFixed(1)}% active)`, 'data mask', mask, 0, 0, 1, theme.mask ?? 'Greys', false));
  if (delta) out.push(layer('absDelta', '|Delta| (future change)', '|Delta|', delta, 0, 0, changeHi, theme.sequential));
  out.push(layer('prediction', `Prediction t+${sel.t + 1}, ${ch}`, ch, pred, frame, lo, hi, theme.diverging, true, 'value'));
  if (target) out.push(layer('target', `Target t+${sel.t + 1}, ${ch}`, ch, target, frame, lo, hi, theme.diverging, true, 'value'));
  // The per-frame error is one channel's difference (physical units); the stored mean map mixes channels.
  if (error) out.push(layer('error', errorTitle, '|error|', error, 0, 0, changeHi, theme.sequential, true, target ? 'difference' : undefined));
  return out;
}

/** |prediction - target| of one `[H, W]` frame (NaN where the target is missing). */
function frameError(pred: ArrayLike<number>, target: ArrayLike<number>, offset: number, plane: number): Float32Array {
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i++) out[i] = Math.abs(pred[offset + i] - target[offset + i]);
  return out;
}

/** RGBA pixels of a map layer (the shared renderer). */
export function mapPixels(layer: MapLayer, lut: Uint8Array = colorLut(layer.colorscale), out?: Uint8ClampedArray): Uint8ClampedArray {
  return rasterizeMap(layer.values, layer.h, layer.w, layer.offset, { zmin: layer.zmin, zmax: layer.zmax, colorscale: layer.colorscale, overlay: layer.overlay }, lut, out);
}

/** Colour-bar ticks of a layer: five values, labelled in physical units where the layer has them. */
function colorbarTicks(layer: MapLayer): { tickvals: number[]; ticktext: string[] } {
  const tickvals = [0, 0.25, 0.5, 0.75, 1].map((f) => layer.zmin + f * (layer.zmax - layer.zmin));
  return { tickvals, ticktext: tickvals.map((v) => formatSig(layerTickValue(layer, v), 3)) };
}

/**
 * Coastlines and graticule as Plotly path shapes over a map image (whose
 * pixels span 0..W, 0..H: {@link mapImageFigure} places them so).
 */
export function mapGeoShapes(geo: GeoOverlay, theme: FigureTheme): Record<string, unknown>[] {
  const shape = (path: string, width: number, dash: string, opacity: number) => ({ type: 'path', xref: 'x', yref: 'y', path, line: { color: theme.foreground, width, dash }, opacity, layer: 'above' });
  return [shape(geo.graticule, 0.6, 'dot', 0.5), shape(geo.coastline, 1, 'solid', 0.9)].filter((s) => s.path !== '');
}

/**
 * A transparent heatmap over a map image whose hover reads the layer's value
 * at each cell, in physical units where the layer has them (the report's
 * read-out; `meta: 'hover'` lets the page add each cell's lat/lon as `text`).
 */
export function mapHoverTrace(layer: MapLayer): Record<string, unknown> {
  const z = Array.from({ length: layer.h }, (_, r) => Array.from({ length: layer.w }, (_, x) => {
    const v = layer.values[layer.offset + (layer.h - 1 - r) * layer.w + x];
    if (!Number.isFinite(v)) return null;
    // The panel's read-out digits (formatSig 4): whole numbers from 10^4, else 4 significant digits.
    const p = layerTickValue(layer, v);
    return Math.abs(p) >= 1e4 ? Math.round(p) : Number(p.toPrecision(4));
  }));
  const units = layer.physics && (layer.physics.kind === 'value' || layer.physics.channel.transform === 'zscore') ? layer.physics.channel.units : null;
  const name = layer.key === 'input' || layer.key === 'prediction' || layer.key === 'target' ? `${layer.key} ${layer.label}` : layer.label;
  return {
    type: 'heatmap', meta: 'hover', z, x: Array.from({ length: layer.w }, (_, i) => i + 0.5), y: Array.from({ length: layer.h }, (_, i) => i + 0.5),
    opacity: 0, showscale: false, hoverongaps: false, colorscale: layer.colorscale,
    hovertemplate: `${name} %{z:,}${units ? ` ${units}` : ''}%{text}<extra></extra>`,
  };
}

/** A map layer as a Plotly figure: the rendered pixels as an image trace (cell edges on whole numbers), plus the colour bar; `hover` adds {@link mapHoverTrace}. */
export function mapImageFigure(layer: MapLayer, theme: FigureTheme, options: { hover?: boolean } = {}): FigureSpec {
  const png = encodePng(mapPixels(layer), layer.w, layer.h);
  const units = layer.physics?.channel.units;
  return {
    data: [
      { type: 'image', source: `data:image/png;base64,${bytesToBase64(png)}`, x0: 0.5, y0: 0.5, hoverinfo: 'skip' },
      // Colour bar only: a transparent two-cell heatmap with the layer's scale.
      { type: 'heatmap', z: [[layer.zmin, layer.zmax]], x: [0, 1], y: [0], zmin: layer.zmin, zmax: layer.zmax, colorscale: layer.colorscale, opacity: 0, hoverinfo: 'skip', showscale: true, colorbar: { thickness: 10, ...colorbarTicks(layer), title: { text: units && layer.physics ? `${layer.label} [${units}]` : layer.label } } },
      ...(options.hover ? [mapHoverTrace(layer)] : []),
    ],
    layout: baseLayout(theme, layer.title, { xaxis: { visible: false }, yaxis: { visible: false, scaleanchor: 'x' }, margin: { l: 8, r: 8, t: 32, b: 8 } }),
  };
}

/** The map figures of one sample, in display order (the report's Masks section). */
export function sampleMapFigures(analysis: MapSource, sel: MapSelection, theme: FigureTheme, options: MapOptions & { hover?: boolean } = {}): { key: string; figure: FigureSpec }[] {
  return sampleMapLayers(analysis, sel, theme, options).map((layer) => ({ key: layer.key, figure: mapImageFigure(layer, theme, { hover: options.hover }) }));
}

/** Per-sample effective MACs, active pixels and alignment AUC; `selected` marks one sample (the Masks panel's slider). */
export function perSampleFigure(analysis: Pick<Analysis, 'samples'>, theme: FigureTheme, options: { selected?: number } = {}): FigureSpec {
  const x = analysis.samples.map((s) => s.windowStart ?? s.index);
  const sel = options.selected !== undefined ? x[options.selected] : undefined;
  return {
    data: [
      { type: 'bar', name: 'effective GMACs', x, y: analysis.samples.map((s) => s.macs.total / 1e9), marker: { color: theme.series[0] } },
      { type: 'scatter', mode: 'lines+markers', name: 'active pixels', x, y: analysis.samples.map((s) => s.activeFraction), yaxis: 'y2', line: { color: theme.series[4] } },
      { type: 'scatter', mode: 'lines+markers', name: 'alignment AUC', x, y: analysis.samples.map((s) => s.alignment?.auc ?? null), yaxis: 'y2', line: { color: theme.series[5], dash: 'dot' } },
    ],
    layout: baseLayout(theme, 'Per sample: effective MACs, active pixels, alignment AUC', {
      xaxis: { title: { text: analysis.samples[0]?.windowStart !== null ? 'window start (time step)' : 'sample' }, gridcolor: theme.grid },
      yaxis: { title: { text: 'effective GMACs' }, gridcolor: theme.grid, rangemode: 'tozero' },
      // Nice ticks on the right axis (0, 0.2, ... 1) and its title clear of them.
      yaxis2: { overlaying: 'y', side: 'right', range: [0, 1.02], dtick: 0.2, tickformat: '.1f', showgrid: false, automargin: true, title: { text: 'fraction / AUC', standoff: 6 } },
      margin: { l: 56, r: 56, t: 36, b: 44 },
      shapes: sel === undefined ? [] : [{ type: 'line', x0: sel, x1: sel, yref: 'paper', y0: 0, y1: 1, line: { color: theme.foreground, width: 1, dash: 'dot' } }],
    }),
  };
}
