/**
 * Masks panel: where the model looks and what it skips, per sample.
 * Sample and lead-time sliders, channel; input frame, importance S, data
 * mask, |Delta| (future change), prediction, target and error side by side
 * with shared colour scales (the engine's `sampleMapLayers`, drawn by the
 * shared map renderer on canvases); data-mask overlay; per-sample active
 * fraction, effective MACs, errors and the importance alignment (AUC,
 * Spearman); the engine's per-sample cost figure (click a sample to show it).
 * The map inspector: hovering a cell reads every map there, in physical units
 * with latitude / longitude when the analysis carries the data's geography
 * (`data.geography`, validated on arrival; older results read in normalised
 * units), with coastlines and a graticule over geographic grids (toggle).
 *
 * Scrubbing: slider events are coalesced to one paint per animation frame;
 * each sample's maps are decoded once (cached); a frame repaints the map
 * canvases and the stats only. The per-sample figure (Plotly) marks the
 * selected sample once scrubbing pauses, not on every frame.
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import type { MapLayer } from '../../src/core/figures/maps';
import { perSampleFigure, sampleMapLayers } from '../../src/core/figures/maps';
import { cellReadout } from '../../src/core/figures/mapReadout';
import type { SampleAnalysis } from '../../src/core/schema/results';
import type { ToWebview } from '../../src/shared/protocol';
import { post } from '../common/api';
import { AnalysisStore } from '../common/analysisStore';
import { clear, h } from '../common/dom';
import { Figure } from '../common/figure';
import { denseBackboneMacs, formatMacs, formatNumber, formatPercent } from '../common/format';
import { MapFigure, type MapPixel } from '../common/mapFigure';
import { MapGeography } from '../common/mapGeography';
import { reportButton } from '../common/reportButton';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { figureTheme } from '../common/theme';
import type { FigureTheme } from '../../src/core/figures/types';

/** How long the slider must rest before the per-sample figure moves its marker. */
const SETTLE_MS = 120;

const MAP_FIGURES: { key: MapLayer['key']; name: string; label: string; missing: string }[] = [
  { key: 'input', name: 'masks-input', label: l10n.t('Input (last frame)'), missing: '' },
  { key: 'importance', name: 'masks-importance', label: l10n.t('Importance S'), missing: l10n.t('This variant has no importance map') },
  { key: 'dataMask', name: 'masks-data-mask', label: l10n.t('Data mask'), missing: l10n.t('This variant has no data mask') },
  { key: 'absDelta', name: 'masks-abs-delta', label: l10n.t('|Δ| future change'), missing: l10n.t('No targets in the data') },
  { key: 'prediction', name: 'masks-prediction', label: l10n.t('Prediction'), missing: '' },
  { key: 'target', name: 'masks-target', label: l10n.t('Target'), missing: l10n.t('No targets in the data') },
  { key: 'error', name: 'masks-error', label: l10n.t('|Error|'), missing: l10n.t('No targets in the data') },
];

class MasksPanel implements PanelApp {
  private ctx!: PanelContext;
  private readonly store = new AnalysisStore();
  private sample = 0;
  private step = 0;
  private channel = 0;
  private overlay = false;
  /** Coordinates, coastlines and graticule of the maps, with their toggle. */
  private geo!: MapGeography;
  private theme: FigureTheme | null = null;
  private readonly maps = new Map<MapLayer['key'], MapFigure>(MAP_FIGURES.map((f) => [f.key, new MapFigure(f.name, f.label)]));
  private readonly perSample = new Figure('masks-flops', l10n.t('Effective MACs, active pixels and alignment AUC per sample'), 280);
  private sampleSlider!: HTMLInputElement;
  private stepSlider!: HTMLInputElement;
  private channelSelect!: HTMLSelectElement;
  private sampleLabel!: HTMLElement;
  private stepLabel!: HTMLElement;
  private readout!: HTMLElement;
  private overlayLegend!: HTMLElement;
  /** The pixel under the pointer (kept across repaints: scrubbing updates the read-out). */
  private hovered: MapPixel | null = null;
  private stats!: HTMLElement;
  private body!: HTMLElement;
  private empty!: HTMLElement;
  private pending = false;
  /** The per-sample figure needs redrawing (new samples, theme, or a new selection once settled). */
  private chartDirty = true;
  private settle: ReturnType<typeof setTimeout> | null = null;

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.sample = Number(ctx.ui.sample ?? 0);
    this.step = Number(ctx.ui.step ?? 0);
    this.channel = Number(ctx.ui.channel ?? 0);
    this.overlay = ctx.ui.overlay === true;
    this.geo = new MapGeography('Masks panel', ctx, [...this.maps.values()]);
    this.sampleSlider = h('input', { type: 'range', min: 0, max: 0, value: 0, 'aria-label': l10n.t('Sample'), 'data-control': 'sample' });
    this.stepSlider = h('input', { type: 'range', min: 0, max: 0, value: 0, 'aria-label': l10n.t('Lead time'), 'data-control': 'step' });
    this.channelSelect = h('select', { 'aria-label': l10n.t('Channel'), 'data-control': 'channel' });
    this.sampleLabel = h('span', { class: 'muted', 'data-label': 'sample' });
    this.stepLabel = h('span', { class: 'muted', 'data-label': 'step' });
    this.readout = h('div', { class: 'readout', 'data-readout': 'maps', 'aria-live': 'polite' }, l10n.t('Point at a map to read its values; wheel to zoom, drag to pan, double-click to reset.'));
    this.overlayLegend = h('div', { class: 'muted', 'data-legend': 'overlay', hidden: true }, l10n.t('Greyed pixels: skipped by the data mask. Empty (transparent) pixels: no data, outside the valid area.'));
    for (const map of this.maps.values()) {
      map.onHover = (p) => {
        this.hovered = p;
        this.renderReadout();
      };
    }
    const overlayBox = h('input', { type: 'checkbox', 'data-control': 'overlay', 'aria-label': l10n.t('Overlay the data mask (skipped pixels greyed)') });
    overlayBox.checked = this.overlay;
    this.sampleSlider.addEventListener('input', () => this.setSample(Number(this.sampleSlider.value)));
    this.stepSlider.addEventListener('input', () => {
      this.step = Number(this.stepSlider.value);
      this.ctx.persist('step', this.step);
      this.schedule();
    });
    this.channelSelect.addEventListener('change', () => {
      this.channel = Number(this.channelSelect.value);
      this.ctx.persist('channel', this.channel);
      this.schedule();
    });
    overlayBox.addEventListener('change', () => {
      this.overlay = overlayBox.checked;
      this.ctx.persist('overlay', this.overlay);
      this.schedule();
    });
    const toolbar = h('div', { class: 'toolbar' },
      h('label', {}, l10n.t('Sample'), this.sampleSlider, this.sampleLabel),
      h('label', {}, l10n.t('Lead time'), this.stepSlider, this.stepLabel),
      h('label', {}, l10n.t('Channel'), this.channelSelect),
      h('label', {}, overlayBox, l10n.t('Overlay data mask (grey: skipped)')),
      this.geo.toggle,
      h('vscode-button', { secondary: true, icon: 'split-horizontal', 'data-action': 'open-ab', 'aria-label': l10n.t('Open A/B: compare this sample with another sample or checkpoint'), onclick: () => post({ type: 'openAb', sample: this.sample }) }, l10n.t('Open A/B')),
      reportButton(),
    );
    this.stats = h('div', { class: 'stats', 'data-stats': 'sample' });
    const grid = h('div', { class: 'grid maps' }, ...[...this.maps.values()].map((f) => f.element));
    this.body = h('div', { hidden: true }, toolbar, this.stats, this.readout, this.overlayLegend, grid, h('h2', {}, l10n.t('Cost')),
      h('div', { class: 'muted' }, l10n.t('Click a sample in the chart to show its maps.')), this.perSample.element);
    this.empty = h('div', { class: 'empty' }, l10n.t('Waiting for the analysis…'));
    ctx.root.append(this.empty, this.body);
  }

  onMessage(m: ToWebview): void {
    if (!this.store.apply(m)) return;
    const v = this.store.view;
    if (!v) return;
    if (m.type === 'analysisStart' || m.type === 'analysis') {
      clear(this.channelSelect);
      v.model.channels.forEach((c, i) => this.channelSelect.append(h('option', { value: i }, c)));
      this.channel = Math.min(this.channel, v.model.channels.length - 1);
      this.channelSelect.value = String(this.channel);
      this.stepSlider.max = String(v.model.tOut - 1);
      this.step = Math.min(this.step, v.model.tOut - 1);
      this.stepSlider.value = String(this.step);
      this.geo.set([v]);
    }
    if (v.samples.length > 0) {
      this.empty.hidden = true;
      this.body.hidden = false;
    }
    this.sampleSlider.max = String(Math.max(0, v.samples.length - 1));
    this.sample = Math.min(this.sample, Math.max(0, v.samples.length - 1));
    this.sampleSlider.value = String(this.sample);
    this.chartDirty = true;
    this.schedule();
  }

  onThemeChange(): void {
    this.theme = null;
    this.chartDirty = true;
    this.schedule();
  }

  /** Moves the sample slider (also used by the scrub benchmark and the cost chart's clicks). */
  setSample(i: number): void {
    this.sample = i;
    this.sampleSlider.value = String(i);
    this.ctx.persist('sample', i);
    if (this.settle) clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = null;
      this.chartDirty = true;
      this.schedule();
    }, SETTLE_MS);
    this.schedule();
  }

  /** Coalesces updates into one paint per animation frame. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  private render(): void {
    const v = this.store.view;
    const s = v?.samples[this.sample];
    if (!v || !s) return;
    this.theme ??= figureTheme();
    this.sampleLabel.textContent = l10n.t('{0} / {1}', this.sample + 1, v.samples.length) + (v.total > v.samples.length ? l10n.t(' (of {0})', v.total) : '') + (s.windowStart !== null ? l10n.t(' · t₀ = {0}', s.windowStart) : '');
    this.renderStats(s, denseBackboneMacs(v));
    const layers = sampleMapLayers(v, { sample: this.sample, t: this.step, channel: this.channel }, this.theme, { decode: (a) => this.store.values(a), overlay: this.overlay });
    for (const f of MAP_FIGURES) this.maps.get(f.key)!.update(layers.find((l) => l.key === f.key) ?? null, f.missing);
    this.stepLabel.textContent = l10n.t('t+{0} of {1}', this.step + 1, v.model.tOut);
    this.overlayLegend.hidden = !this.overlay;
    if (this.hovered) this.renderReadout();
    document.body.dataset.renderedSample = String(this.sample);
    if (this.chartDirty && !this.settle) {
      this.chartDirty = false;
      void this.perSample.update(perSampleFigure(v, this.theme, { selected: this.sample })).then(() => this.listenForClicks());
    }
  }

  private clicksBound = false;

  /** A click on a sample of the cost chart (any of its traces) shows that sample's maps. */
  private listenForClicks(): void {
    const plot = this.perSample.plot as HTMLElement & { on?: (event: string, fn: (e: { points?: { pointIndex?: number }[] }) => void) => void };
    if (this.clicksBound || !plot.on) return;
    this.clicksBound = true;
    plot.on('plotly_click', (e) => {
      const i = e.points?.[0]?.pointIndex;
      const n = this.store.view?.samples.length ?? 0;
      if (typeof i === 'number' && i >= 0 && i < n) this.setSample(i);
    });
  }

  /** Every map's value at the hovered cell, one line ("row 18, col 17: 42.5°N 97.5°W · input p 101,594 Pa · S 0.830 · ..."). */
  private renderReadout(): void {
    const p = this.hovered;
    if (!p) return;
    const parts = [...this.maps.values()].map((m) => m.readout(p)).filter((t): t is string => t !== null);
    this.readout.textContent = cellReadout(p, this.geo.coordinates(), parts);
  }

  private renderStats(s: SampleAnalysis, backbone: number): void {
    const stat = (k: string, v: string, key: string) => h('div', { class: 'stat', 'data-stat': key }, h('div', { class: 'v' }, v), h('div', { class: 'k' }, k));
    this.stats.replaceChildren(
      stat(l10n.t('active pixels'), formatPercent(s.activeFraction), 'active-fraction'),
      stat(l10n.t('effective MACs ({0} of the dense backbone)', formatPercent(s.macs.total / backbone)), formatMacs(s.macs.total), 'effective-macs'),
      stat(l10n.t('overhead MACs'), formatMacs(s.macs.overhead), 'overhead-macs'),
      stat(l10n.t('active filters'), s.gates.length ? formatPercent(s.gates.reduce((a, g) => a + g.active, 0) / s.gates.reduce((a, g) => a + g.mask.length, 0)) : '–', 'active-filters'),
      stat(l10n.t('MSE (clean dense: same weights, masks off)'), `${formatNumber(s.vsTarget?.mse)} (${formatNumber(s.denseVsTarget?.mse)})`, 'mse'),
      stat(l10n.t('alignment AUC'), formatNumber(s.alignment?.auc, 3), 'auc'),
      stat(l10n.t('Spearman ρ'), formatNumber(s.alignment?.spearman, 3), 'spearman'),
    );
  }
}

const panel = new MasksPanel();
/** Exposed for the UI benchmark (scrubbing the sample slider). */
(globalThis as unknown as { dynaprunerMasks: MasksPanel }).dynaprunerMasks = panel;
startPanel('masks', panel);
