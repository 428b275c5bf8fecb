/**
 * The map renderer shared by the webviews and the HTML report: an `[H, W]`
 * field and a colour scale become RGBA pixels (row 0 of the field, the first
 * latitude of the file, at the bottom, as Plotly heatmaps draw it). The Masks
 * panel paints these pixels onto a canvas (cheap enough to scrub 64 samples
 * at display rate); the report embeds the same pixels as PNG images. Pure: no
 * DOM, no Node API.
 */
import { zlibSync } from 'fflate';

/** A Plotly colour scale: a named scale or `[fraction, colour]` stops. */
export type Colorscale = string | [number, string][];

/** Plotly's stops for the named scales the figures use. */
const NAMED: Record<string, [number, string][]> = {
  Viridis: [[0, '#440154'], [0.06274509803921569, '#48186a'], [0.12549019607843137, '#472d7b'], [0.18823529411764706, '#424086'], [0.25098039215686274, '#3b528b'], [0.3137254901960784, '#33638d'], [0.3764705882352941, '#2c728e'], [0.4392156862745098, '#26828e'], [0.5019607843137255, '#21918c'], [0.5647058823529412, '#1fa088'], [0.6274509803921569, '#28ae80'], [0.6901960784313725, '#3fbc73'], [0.7529411764705882, '#5ec962'], [0.8156862745098039, '#84d44b'], [0.8784313725490196, '#addc30'], [0.9411764705882353, '#d8e219'], [1, '#fde725']],
  RdBu: [[0, 'rgb(5,10,172)'], [0.35, 'rgb(106,137,247)'], [0.5, 'rgb(190,190,190)'], [0.6, 'rgb(220,170,132)'], [0.7, 'rgb(230,145,90)'], [1, 'rgb(178,10,28)']],
  Greys: [[0, 'rgb(0,0,0)'], [1, 'rgb(255,255,255)']],
};

/** The stops of a colour scale (named scales resolved; unknown names fall back to Viridis). */
export function colorscaleStops(scale: Colorscale): [number, string][] {
  return typeof scale === 'string' ? (NAMED[scale] ?? NAMED.Viridis) : scale;
}

/** `#rgb`, `#rrggbb`, `rgb(r,g,b)` or `rgba(r,g,b,a)` as [r, g, b] (unparseable: mid grey). */
export function parseColor(color: string): [number, number, number] {
  const c = color.trim();
  let m = /^#([0-9a-f]{6})$/i.exec(c);
  if (m) {
    const n = parseInt(m[1], 16);
    return [n >> 16, (n >> 8) & 255, n & 255];
  }
  m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
  if (m) return [parseInt(m[1] + m[1], 16), parseInt(m[2] + m[2], 16), parseInt(m[3] + m[3], 16)];
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(c);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return [128, 128, 128];
}

/** 256-entry RGB lookup table of a colour scale (linear interpolation between stops). */
export function colorLut(scale: Colorscale, reverse = false): Uint8Array {
  const stops = colorscaleStops(scale).map(([f, c]) => [f, ...parseColor(c)] as [number, number, number, number]);
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const f = reverse ? 1 - i / 255 : i / 255;
    let k = 0;
    while (k < stops.length - 2 && f > stops[k + 1][0]) k++;
    const [f0, r0, g0, b0] = stops[k];
    const [f1, r1, g1, b1] = stops[Math.min(k + 1, stops.length - 1)];
    const t = f1 > f0 ? Math.max(0, Math.min(1, (f - f0) / (f1 - f0))) : 0;
    lut[i * 3] = Math.round(r0 + (r1 - r0) * t);
    lut[i * 3 + 1] = Math.round(g0 + (g1 - g0) * t);
    lut[i * 3 + 2] = Math.round(b0 + (b1 - b0) * t);
  }
  return lut;
}

/** What {@link rasterizeMap} draws. */
export interface RasterOptions {
  zmin: number;
  zmax: number;
  colorscale: Colorscale;
  /** Colour of missing values (NaN); default transparent. */
  missing?: [number, number, number, number];
  /**
   * Data-mask overlay: pixels where this `[H, W]` 0/1 mask is 0 (skipped by
   * the model) are blended halfway towards `overlayColor`.
   */
  overlay?: ArrayLike<number> | null;
  /** Colour the skipped pixels are blended towards (default mid grey). */
  overlayColor?: string;
}

/** RGBA pixels (`w * h * 4`, top row first) of `values[offset .. offset + h*w)` as an `[H, W]` map. */
export function rasterizeMap(values: ArrayLike<number>, h: number, w: number, offset: number, o: RasterOptions, lut: Uint8Array = colorLut(o.colorscale), out?: Uint8ClampedArray): Uint8ClampedArray {
  const px = out ?? new Uint8ClampedArray(w * h * 4);
  const span = o.zmax > o.zmin ? o.zmax - o.zmin : 1;
  const miss = o.missing ?? [0, 0, 0, 0];
  const blend = o.overlay ? parseColor(o.overlayColor ?? '#808080') : null;
  for (let y = 0; y < h; y++) {
    // Row 0 of the field is drawn at the bottom.
    const dst = (h - 1 - y) * w * 4;
    for (let x = 0; x < w; x++) {
      const v = values[offset + y * w + x];
      const p = dst + x * 4;
      if (!Number.isFinite(v)) {
        px[p] = miss[0];
        px[p + 1] = miss[1];
        px[p + 2] = miss[2];
        px[p + 3] = miss[3];
        continue;
      }
      const i = Math.max(0, Math.min(255, Math.round(((v - o.zmin) / span) * 255))) * 3;
      let r = lut[i];
      let g = lut[i + 1];
      let b = lut[i + 2];
      if (blend && o.overlay![y * w + x] === 0) {
        r = (r + blend[0]) >> 1;
        g = (g + blend[1]) >> 1;
        b = (b + blend[2]) >> 1;
      }
      px[p] = r;
      px[p + 1] = g;
      px[p + 2] = b;
      px[p + 3] = 255;
    }
  }
  return px;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG file of RGBA pixels (8-bit, no interlace), deflated with fflate. */
export function encodePng(rgba: Uint8ClampedArray | Uint8Array, w: number, h: number): Uint8Array {
  const raw = new Uint8Array(h * (w * 4 + 1));
  for (let y = 0; y < h; y++) {
    raw[y * (w * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * w * 4, (y + 1) * w * 4), y * (w * 4 + 1) + 1);
  }
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))];
  const png = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    png.set(p, o);
    o += p.length;
  }
  return png;
}
