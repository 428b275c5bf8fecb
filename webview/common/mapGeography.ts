/**
 * The geography of a panel's maps (Masks, A/B): each analysis's
 * `data.geography` validated on arrival (malformed: dropped with a log line,
 * its maps then read in normalised units), the grid coordinates the hover
 * read-out turns into latitude / longitude, coastlines and a graticule over
 * every map of a geographic grid, and the toggle that shows or hides them
 * (persisted as `geo`; hidden when there is nothing to draw).
 */
import * as l10n from '@vscode/l10n';
import { geoOverlay, type GeoOverlay } from '../../src/core/figures/geoOverlay';
import type { MapSource } from '../../src/core/figures/maps';
import type { GridCoordinates } from '../../src/core/schema/results';
import { parseGeography } from '../../src/shared/validate';
import { post } from './api';
import { h } from './dom';
import type { MapFigure } from './mapFigure';
import type { PanelContext } from './shell';

function sameCoordinates(a: GridCoordinates, b: GridCoordinates): boolean {
  return a.geographic === b.geographic && a.y.length === b.y.length && a.x.length === b.x.length && a.y.every((v, i) => v === b.y[i]) && a.x.every((v, i) => v === b.x[i]);
}

/** Geography of the maps of one panel. */
export class MapGeography {
  /** The "Coastlines and lat/lon" toggle (a label with its checkbox) for the panel's toolbar. */
  readonly toggle: HTMLElement;
  private readonly box: HTMLInputElement;
  private shown: boolean;
  private overlay: GeoOverlay | null = null;
  private coords: GridCoordinates | null = null;

  constructor(
    /** Names the panel in log lines ("Masks panel"). */
    private readonly panel: string,
    ctx: PanelContext,
    /** The maps the coastlines go over. */
    private readonly maps: readonly MapFigure[],
  ) {
    this.shown = ctx.ui.geo !== false;
    this.box = h('input', { type: 'checkbox', 'data-control': 'geo', 'aria-label': l10n.t('Show coastlines and the latitude / longitude grid') });
    this.box.checked = this.shown;
    this.box.addEventListener('change', () => {
      this.shown = this.box.checked;
      ctx.persist('geo', this.shown);
      this.draw();
    });
    this.toggle = h('label', { hidden: true }, this.box, l10n.t('Coastlines and lat/lon'));
  }

  /** Coordinates of the grid (null: no geography; the read-out then names rows and columns only). */
  coordinates(): GridCoordinates | null {
    return this.coords;
  }

  /**
   * Reads the geography of the analyses whose maps the panel draws (all on
   * one grid). A malformed one is removed from its source (with a log line),
   * so the map builders read that source in normalised units. Coordinates
   * are used when every source that has them agrees.
   */
  set(sources: readonly MapSource[]): void {
    const found: GridCoordinates[] = [];
    for (const s of sources) {
      const parsed = parseGeography(s.data?.geography, s.model.grid, s.model.channels);
      if (!parsed.ok) {
        post({ type: 'log', level: 'warning', text: `${this.panel}: ${parsed.error}; maps read in normalised units` });
        if (s.data) s.data = { ...s.data, geography: null };
      } else if (parsed.message?.coordinates) found.push(parsed.message.coordinates);
    }
    const agreed = found.length > 0 && found.every((c) => sameCoordinates(c, found[0]));
    if (found.length > 1 && !agreed) post({ type: 'log', level: 'warning', text: `${this.panel}: the analyses' grid coordinates differ; maps shown without latitude / longitude` });
    this.coords = agreed ? found[0] : null;
    this.overlay = this.coords?.geographic ? geoOverlay(this.coords) : null;
    this.toggle.hidden = !this.overlay;
    this.draw();
  }

  private draw(): void {
    for (const map of this.maps) map.setGeoOverlay(this.overlay, this.shown);
  }
}
