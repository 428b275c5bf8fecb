/**
 * A map figure of the Masks panel: one {@link MapLayer} from the engine's
 * builders painted on a canvas with the shared renderer (src/core/figures/raster.ts,
 * the same pixels the HTML report embeds), a colour bar with the layer's
 * range (ticks in physical units where the layer has them), optional
 * coastlines and a lat/lon graticule in an SVG over the canvas (zoomed and
 * panned with it), and PNG / SVG export. Repainting is a `putImageData` of
 * `H x W` pixels, so scrubbing the sample slider stays well inside a frame;
 * the hover read-out only looks values up.
 */
import * as l10n from '@vscode/l10n';
import { bytesToBase64 } from '../../src/core/schema/encoding';
import { mapPixels, type MapLayer } from '../../src/core/figures/maps';
import { layerReadout, layerTickValue } from '../../src/core/figures/mapReadout';
import type { GeoOverlay } from '../../src/core/figures/geoOverlay';
import { colorLut, encodePng } from '../../src/core/figures/raster';
import { post, reportError } from './api';
import { h } from './dom';
import { exportButtons } from './figure';
import { geoLayer } from './geoLayer';
import { zoomPan, type ZoomState } from './zoomPan';

/** Scale of exported PNGs (nearest neighbour: one map cell becomes 8 x 8 pixels). */
const EXPORT_SCALE = 8;

function formatTick(v: number): string {
  return Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}


/** Fractions of the colour bar that get a tick (top to bottom). */
const TICKS = [1, 0.75, 0.5, 0.25, 0];

/** A pixel of the map grid: row 0 is the first row of the field (drawn at the bottom). */
export interface MapPixel {
  row: number;
  col: number;
}

/** One canvas-rendered map. */
export class MapFigure {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly title: HTMLElement;
  private readonly bar: HTMLCanvasElement;
  private readonly ticks: HTMLElement[];
  private readonly empty: HTMLElement;
  private layer: MapLayer | null = null;
  private image: ImageData | null = null;
  private lut: { key: unknown; table: Uint8Array } | null = null;
  private barKey: unknown = null;
  private readonly geo: ReturnType<typeof geoLayer>;
  /** Told of the pixel under the pointer (null when it leaves the map): the panel's read-out. */
  onHover: ((pixel: MapPixel | null) => void) | null = null;
  /** Zoom and pan state of the map (tests read it). */
  readonly zoom: () => ZoomState;

  constructor(
    /** Export file-name stem and `data-figure` attribute. */
    readonly name: string,
    label: string,
  ) {
    this.title = h('div', { class: 'fig-title' }, label);
    this.canvas = h('canvas', { class: 'map', 'data-plot': name, role: 'img', 'aria-label': label });
    this.bar = h('canvas', { class: 'colorbar', width: 1, height: 256, 'aria-hidden': 'true' });
    this.ticks = TICKS.map((f) => h('span', { class: 'tick', style: `top: calc(8px + (100% - 32px) * ${1 - f})` }));
    this.empty = h('div', { class: 'empty', hidden: true });
    // Read by the tests and the benchmark: what the canvas shows.
    Object.assign(this.canvas, { mapState: () => (this.layer ? { zmin: this.layer.zmin, zmax: this.layer.zmax, colorscale: this.layer.colorscale, title: this.layer.title, values: this.values() } : null) });
    this.geo = geoLayer();
    const view = h('div', { class: 'map-view', title: l10n.t('Wheel: zoom · drag: pan · double-click: reset') }, this.canvas, this.geo.element);
    // The overlay zooms and pans with the canvas.
    this.zoom = zoomPan(view, this.canvas, [this.geo.element]);
    this.canvas.addEventListener('mousemove', (e) => this.onHover?.(this.pixelAt(e.clientX, e.clientY)));
    this.canvas.addEventListener('mouseleave', () => this.onHover?.(null));
    this.element = h('section', { class: 'figure map-figure', 'data-figure': name, 'data-rendered': 'false' },
      this.title, exportButtons(label, (f) => this.export(f)),
      h('div', { class: 'map-body' }, view, h('div', { class: 'scale', 'data-scale': name }, ...this.ticks, this.bar)), this.empty);
  }

  /** The grid pixel under a screen point (zoom and pan included), null outside the map. */
  pixelAt(clientX: number, clientY: number): MapPixel | null {
    const l = this.layer;
    if (!l) return null;
    const r = this.canvas.getBoundingClientRect();
    const col = Math.floor(((clientX - r.left) / r.width) * l.w);
    const fromTop = Math.floor(((clientY - r.top) / r.height) * l.h);
    if (col < 0 || col >= l.w || fromTop < 0 || fromTop >= l.h) return null;
    return { row: l.h - 1 - fromTop, col };
  }

  /** The shown value at a pixel (null without a layer). */
  valueAt(p: MapPixel): number | null {
    const l = this.layer;
    return l ? l.values[l.offset + p.row * l.w + p.col] : null;
  }

  /** The layer's value name and the formatted value at a pixel, for the read-out ("S 0.830", "input p 101,594 Pa"). */
  readout(p: MapPixel): string | null {
    return this.layer ? layerReadout(this.layer, p) : null;
  }

  /** Coastlines and graticule over the map (null: none, e.g. data without geographic coordinates). */
  setGeoOverlay(overlay: GeoOverlay | null, visible = true): void {
    this.geo.set(overlay, visible);
  }

  /** The values shown, row by row as the field stores them (tests and the hover readout). */
  values(): number[][] {
    const l = this.layer;
    if (!l) return [];
    return Array.from({ length: l.h }, (_, y) => Array.from({ length: l.w }, (_, x) => l.values[l.offset + y * l.w + x]));
  }

  /** The layer's colour range. */
  range(): [number, number] | null {
    return this.layer ? [this.layer.zmin, this.layer.zmax] : null;
  }

  /** Paints a layer (or shows `placeholder` when the sample has no such map). */
  update(layer: MapLayer | null, placeholder = ''): void {
    this.layer = layer;
    if (!layer) {
      this.empty.textContent = placeholder;
      this.empty.hidden = false;
      this.canvas.hidden = true;
      this.element.dataset.rendered = 'true';
      return;
    }
    this.empty.hidden = true;
    this.canvas.hidden = false;
    if (this.canvas.width !== layer.w || this.canvas.height !== layer.h) {
      this.canvas.width = layer.w;
      this.canvas.height = layer.h;
      this.canvas.style.aspectRatio = `${layer.w} / ${layer.h}`;
      this.image = null;
    }
    const ctx = this.canvas.getContext('2d')!;
    this.image ??= ctx.createImageData(layer.w, layer.h);
    // The layer's colour scale object is stable for a theme: reuse its lookup table.
    if (!this.lut || this.lut.key !== layer.colorscale) this.lut = { key: layer.colorscale, table: colorLut(layer.colorscale) };
    mapPixels(layer, this.lut.table, this.image.data);
    ctx.putImageData(this.image, 0, 0);
    if (this.barKey !== layer.colorscale) this.paintBar(this.lut.table, layer.colorscale);
    if (this.title.textContent !== layer.title) this.title.textContent = layer.title;
    TICKS.forEach((f, i) => (this.ticks[i].textContent = formatTick(layerTickValue(layer, layer.zmin + f * (layer.zmax - layer.zmin)))));
    this.element.dataset.rendered = 'true';
  }

  private paintBar(lut: Uint8Array, key: unknown): void {
    const ctx = this.bar.getContext('2d')!;
    const img = ctx.createImageData(1, 256);
    for (let i = 0; i < 256; i++) {
      const src = (255 - i) * 3;
      img.data.set([lut[src], lut[src + 1], lut[src + 2], 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
    this.barKey = key;
  }

  /** PNG (map scaled up, nearest neighbour) or SVG (the PNG inside an SVG with the title) to the host. */
  export(format: 'png' | 'svg'): void {
    try {
      const l = this.layer;
      if (!l) return;
      const W = l.w * EXPORT_SCALE;
      const H = l.h * EXPORT_SCALE;
      const small = mapPixels(l, this.lut?.table);
      const big = new Uint8ClampedArray(W * H * 4);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) big.set(small.subarray(((y / EXPORT_SCALE | 0) * l.w + (x / EXPORT_SCALE | 0)) * 4, ((y / EXPORT_SCALE | 0) * l.w + (x / EXPORT_SCALE | 0)) * 4 + 4), (y * W + x) * 4);
      const png = `data:image/png;base64,${bytesToBase64(encodePng(big, W, H))}`;
      if (format === 'png') {
        post({ type: 'exportFigure', name: this.name, format, dataUrl: png });
        return;
      }
      const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 28}" viewBox="0 0 ${W} ${H + 28}"><text x="4" y="18" font-family="sans-serif" font-size="14">${esc(l.title)} [${formatTick(l.zmin)}, ${formatTick(l.zmax)}]</text><image x="0" y="28" width="${W}" height="${H}" href="${png}"/></svg>`;
      post({ type: 'exportFigure', name: this.name, format, dataUrl: `data:image/svg+xml,${encodeURIComponent(svg)}` });
    } catch (e) {
      reportError(e);
    }
  }
}
