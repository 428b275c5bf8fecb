/**
 * A/B panel: one field of two samples (of one checkpoint, or of two) side
 * by side with their difference A - B, drawn by the Masks panel's map
 * renderer. A and B share one colour scale, the difference has a diverging
 * one; each pane has its own sample, lead time and channel; hover and zoom
 * are synchronised, and the read-out shows A, B and A - B at the cell with
 * its latitude / longitude. Over a geographic grid all three maps, the
 * difference too, get the Masks panel's coastlines and graticule (toggle).
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import { AB_FIELD_LABELS, AB_FIELDS, abCell, abLayers, type AbField, type AbLayers } from '../../src/core/figures/abMaps';
import type { MapLayer } from '../../src/core/figures/maps';
import { formatPhysical } from '../../src/core/figures/geoReadout';
import { cellReadout, layerReadout } from '../../src/core/figures/mapReadout';
import { decodeF32 } from '../../src/core/schema/encoding';
import type { EncodedArray } from '../../src/core/schema/results';
import type { AbSideData, ToWebview } from '../../src/shared/protocol';
import { h } from '../common/dom';
import { MapFigure, type MapPixel } from '../common/mapFigure';
import { MapGeography } from '../common/mapGeography';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { figureTheme } from '../common/theme';
import { PaneControls } from './pane';
import { syncZoom } from './syncZoom';

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

class AbPanel implements PanelApp {
  private ctx!: PanelContext;
  private sides: [AbSideData, AbSideData] | null = null;
  private field: AbField = 'prediction';
  private panes!: [PaneControls, PaneControls];
  private readonly maps = { a: new MapFigure('ab-a', 'A'), b: new MapFigure('ab-b', 'B'), diff: new MapFigure('ab-diff', 'A - B') };
  /** Coordinates, coastlines and graticule of the three maps, with their toggle. */
  private geo!: MapGeography;
  private layers: AbLayers | null = null;
  private hovered: MapPixel | null = null;
  private readonly decoded = new WeakMap<EncodedArray, Float32Array>();
  private readout!: HTMLElement;
  private missing!: HTMLElement;
  private body!: HTMLElement;
  private empty!: HTMLElement;
  private pending = false;

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.field = (AB_FIELDS as readonly string[]).includes(String(ctx.ui.field)) ? (ctx.ui.field as AbField) : 'prediction';
    this.panes = [new PaneControls('A', ctx, () => this.schedule()), new PaneControls('B', ctx, () => this.schedule())];
    this.geo = new MapGeography('A/B panel', ctx, Object.values(this.maps));
    const fieldSelect = h('select', { 'aria-label': l10n.t('Field compared'), 'data-control': 'field' }, ...AB_FIELDS.map((f) => h('option', { value: f }, AB_FIELD_LABELS[f])));
    fieldSelect.value = this.field;
    fieldSelect.addEventListener('change', () => {
      this.field = fieldSelect.value as AbField;
      ctx.persist('field', this.field);
      this.schedule();
    });
    this.readout = h('div', { class: 'readout', 'data-readout': 'ab', 'aria-live': 'polite' }, l10n.t('Point at a map to read A, B and A - B at the cell; wheel to zoom, drag to pan (all three maps follow), double-click to reset.'));
    this.missing = h('div', { class: 'muted', 'data-missing': 'ab', hidden: true });
    for (const map of Object.values(this.maps)) {
      map.onHover = (p) => {
        this.hovered = p;
        this.renderReadout();
      };
    }
    const column = (...children: HTMLElement[]) => h('div', { class: 'ab-column' }, ...children);
    const grid = h('div', { class: 'grid maps' },
      column(this.panes[0].heading, this.panes[0].element, this.maps.a.element),
      column(this.panes[1].heading, this.panes[1].element, this.maps.b.element),
      column(h('h2', { class: 'ab-heading' }, 'A - B'), h('div', { class: 'toolbar muted' }, l10n.t('Diverging scale, symmetric about 0')), this.maps.diff.element));
    syncZoom(Object.values(this.maps).map((m) => m.canvas.parentElement as HTMLElement));
    this.body = h('div', { hidden: true }, h('div', { class: 'toolbar' }, h('label', {}, l10n.t('Field'), fieldSelect), this.geo.toggle), this.readout, this.missing, grid);
    this.empty = h('div', { class: 'empty' }, l10n.t('Waiting for the two analyses…'));
    ctx.root.append(this.empty, this.body);
  }

  onMessage(m: ToWebview): void {
    if (m.type !== 'ab') return;
    this.sides = m.sides;
    this.geo.set(m.sides.map((s) => s.analysis));
    m.sides.forEach((s, i) => this.panes[i].show(s.analysis, `${baseName(s.checkpoint)}`, s.sample));
    this.empty.hidden = true;
    this.body.hidden = false;
    this.schedule();
  }

  onThemeChange(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  private decode = (a: EncodedArray): Float32Array => {
    let v = this.decoded.get(a);
    if (!v) this.decoded.set(a, (v = decodeF32(a)));
    return v;
  };

  private render(): void {
    if (!this.sides) return;
    const [a, b] = this.sides.map((s, i) => {
      const sel = this.panes[i].selection();
      return { source: s.analysis, sel, label: l10n.t('{0}, sample {1}', baseName(s.checkpoint), sel.sample + 1) };
    });
    try {
      this.layers = abLayers(a, b, this.field, figureTheme(), this.decode);
    } catch (e) {
      this.layers = null;
      this.ctx.notice('error', (e as Error).message);
      return;
    }
    const l = this.layers;
    this.maps.a.update(l.a, l.missing ?? '');
    this.maps.b.update(l.b, l.missing ?? '');
    this.maps.diff.update(l.diff, l.missing ?? '');
    this.missing.hidden = l.missing === null;
    this.missing.textContent = l.missing ?? '';
    if (this.hovered) this.renderReadout();
    document.body.dataset.renderedAb = `${a.sel.sample}/${a.sel.t}/${a.sel.channel}|${b.sel.sample}/${b.sel.t}/${b.sel.channel}|${this.field}`;
  }

  /** "row 12, col 30: 42.5°N 97.5°W · A prediction p 101,594 Pa · B prediction p 101,210 Pa · A - B 384 Pa" (physical units and lat/lon where the data has them). */
  private renderReadout(): void {
    const p = this.hovered;
    const l = this.layers;
    if (!p || !l) return;
    const c = abCell(l, p.row, p.col);
    const pane = (layer: MapLayer | null) => (layer ? (layerReadout(layer, p) ?? '–') : '–');
    const diff = c.diff === null ? '–' : Number.isFinite(c.diff) ? formatPhysical(c.diff, l.diffUnits) : l10n.t('no data');
    this.readout.textContent = cellReadout(p, this.geo.coordinates(), [`A ${pane(l.a)}`, `B ${pane(l.b)}`, `A - B ${diff}`]);
    // Full-precision values for the tests: the arrays' own numbers.
    Object.assign(this.readout.dataset, { row: String(p.row), col: String(p.col), a: String(c.a), b: String(c.b), diff: String(c.diff) });
  }

  /** Pane controls (tests). */
  pane(i: 0 | 1): PaneControls {
    return this.panes[i];
  }
}

const panel = new AbPanel();
(globalThis as unknown as { dynaprunerAb: AbPanel }).dynaprunerAb = panel;
startPanel('ab', panel);
