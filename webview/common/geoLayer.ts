/**
 * The coastline and graticule layer of a map: an SVG over the map's canvas in
 * grid pixel units (stretched with the canvas, strokes kept one screen pixel
 * wide), with the graticule's latitude / longitude labels at the left and
 * bottom edges. Colours come from the theme's CSS variables, so the lines
 * read in dark and light themes alike. Set once per analysis; repaints of the
 * map underneath never touch it.
 */
import type { GeoOverlay } from '../../src/core/figures/geoOverlay';
import { h } from './dom';

const SVG = 'http://www.w3.org/2000/svg';

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** A map's geographic overlay; `set` replaces what it draws. */
export function geoLayer(): { element: HTMLElement; set(overlay: GeoOverlay | null, visible: boolean): void; overlay(): GeoOverlay | null } {
  const svg = svgEl('svg', { class: 'geo-lines', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
  const graticule = svgEl('path', { class: 'graticule', 'data-geo': 'graticule', 'vector-effect': 'non-scaling-stroke' });
  const coast = svgEl('path', { class: 'coastline', 'data-geo': 'coastline', 'vector-effect': 'non-scaling-stroke' });
  svg.append(graticule, coast);
  const labels = h('div', { class: 'geo-labels', 'aria-hidden': 'true' });
  const element = h('div', { class: 'geo-overlay', hidden: true, 'data-geo-overlay': '' }, svg, labels);
  let current: GeoOverlay | null = null;
  return {
    element,
    overlay: () => current,
    set(overlay, visible) {
      if (overlay !== current) {
        current = overlay;
        const [H, W] = overlay?.grid ?? [1, 1];
        svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
        coast.setAttribute('d', overlay?.coastline ?? '');
        graticule.setAttribute('d', overlay?.graticule ?? '');
        labels.replaceChildren(...(overlay?.labels ?? []).map((l) =>
          h('span', { class: `geo-label ${l.axis}`, style: `left: ${(l.x / W) * 100}%; top: ${(l.y / H) * 100}%` }, l.text)));
      }
      element.hidden = !(overlay && visible);
    },
  };
}
