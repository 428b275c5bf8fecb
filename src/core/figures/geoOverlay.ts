/**
 * Coastlines and a latitude / longitude graticule over a map on a regular
 * lat/lon grid: Natural Earth 1:110m land (world-atlas, bundled: no network)
 * turned into its coastline mesh (topojson-client), projected equirectangular
 * and clipped to the grid's extent (d3-geo), then mapped onto the grid's
 * pixels. Paths are SVG path strings in grid pixel units: x from 0 (west edge
 * of column 0) to W, y from 0 (top edge of the last row) to H, the layout the
 * shared raster renderer draws (row 0 at the bottom). The Masks panel draws
 * them in an SVG over the canvas, the report as Plotly layout shapes.
 */
import { geoEquirectangular, geoGraticule, geoPath, geoTransform, type GeoStream } from 'd3-geo';
import { mesh } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import land110 from 'world-atlas/land-110m.json';
import type { GridCoordinates } from '../schema/results';
import { formatLatitude, formatLongitude } from './geoReadout';

/** A graticule label: the line's value at the map's edge, in grid pixel units. */
export interface GraticuleLabel {
  text: string;
  x: number;
  y: number;
  /** `lat` labels sit on the left edge, `lon` labels on the bottom edge. */
  axis: 'lat' | 'lon';
}

/** What is drawn over a geographic map. */
export interface GeoOverlay {
  /** Grid size [H, W] the paths are in. */
  grid: [number, number];
  coastline: string;
  graticule: string;
  labels: GraticuleLabel[];
  /** Degrees between graticule lines. */
  step: number;
}

const DEG = 180 / Math.PI;
const STEPS = [1, 2, 5, 10, 15, 20, 30, 45, 60];

/** Graticule spacing giving about four lines across the shorter side. */
export function graticuleStep(spanLat: number, spanLon: number): number {
  const target = Math.min(spanLat, spanLon) / 4;
  return STEPS.find((s) => s >= target) ?? 90;
}

/** Multiples of `step` inside [lo, hi]. */
function multiples(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

/**
 * The coastline, graticule and labels of a geographic grid (null when the
 * coordinates are not a regular lat/lon grid). Longitudes may run -180..180
 * or 0..360: the projection is centred on the grid.
 */
export function geoOverlay(co: GridCoordinates): GeoOverlay | null {
  if (!co.geographic) return null;
  const H = co.y.length;
  const W = co.x.length;
  const dy = (co.y[H - 1] - co.y[0]) / (H - 1);
  const dx = (co.x[W - 1] - co.x[0]) / (W - 1);
  const centre = (co.x[0] + co.x[W - 1]) / 2;
  const [west, east] = [Math.min(co.x[0], co.x[W - 1]) - Math.abs(dx) / 2, Math.max(co.x[0], co.x[W - 1]) + Math.abs(dx) / 2];
  const [south, north] = [Math.max(-90, Math.min(co.y[0], co.y[H - 1]) - Math.abs(dy) / 2), Math.min(90, Math.max(co.y[0], co.y[H - 1]) + Math.abs(dy) / 2)];
  // Projected units are degrees: x = lon - centre, y = -lat.
  const projection = geoEquirectangular().scale(DEG).translate([0, 0]).rotate([-centre, 0]).clipExtent([[west - centre, -north], [east - centre, -south]]).precision(0.1);
  const col = (x: number) => (x + centre - co.x[0]) / dx + 0.5;
  const row = (y: number) => H - ((-y - co.y[0]) / dy + 0.5);
  const toGrid = geoTransform({
    point(this: { stream: GeoStream }, x: number, y: number) {
      this.stream.point(col(x), row(y));
    },
  });
  const composed = { stream: (s: GeoStream) => projection.stream(toGrid.stream(s)) };
  const path = geoPath(composed).digits(2);
  const topo = land110 as unknown as Topology<{ land: GeometryCollection }>;
  const coastline = path(mesh(topo, topo.objects.land)) ?? '';
  const step = graticuleStep(north - south, east - west);
  const graticule = path(geoGraticule().extent([[west, south], [east, north]]).step([step, step])()) ?? '';
  const labels: GraticuleLabel[] = [
    ...multiples(south, north, step).map((lat) => ({ text: formatLatitude(lat), x: 0, y: row(-lat), axis: 'lat' as const })),
    ...multiples(west, east, step).map((lon) => ({ text: formatLongitude(lon), x: col(lon - centre), y: H, axis: 'lon' as const })),
  ];
  return { grid: [H, W], coastline, graticule, labels, step };
}
