/**
 * FLOPs breakdown: per-layer dense vs effective MACs (stacked: effective +
 * skipped; mask-generator and gate-head overhead shown apart), the
 * distribution of effective MACs over samples, MAC / FLOP toggle (FLOPs =
 * 2 x MACs), a sortable table with CSV export, and the Latency view
 * (measured per-layer time and the latency model; ./latencyView.ts).
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import type { LayerInfo } from '../../src/core/schema/results';
import { costDistributionFigure, denseLayersFigure, layerBreakdownFigure } from '../../src/core/figures/flops';
import type { OverviewModel } from '../../src/shared/models';
import type { ToWebview } from '../../src/shared/protocol';
import { AnalysisStore } from '../common/analysisStore';
import { h } from '../common/dom';
import { reportButton } from '../common/reportButton';
import { Figure } from '../common/figure';
import { changeVsBackbone, denseBackboneMacs, formatMacs, formatPercent, formatSi } from '../common/format';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { SortableTable } from '../common/table';
import { figureTheme } from '../common/theme';
import { LatencyView } from './latencyView';

interface Row {
  layer: LayerInfo;
  effective: number;
  p5: number;
  p95: number;
}

class FlopsPanel implements PanelApp {
  private ctx!: PanelContext;
  private readonly store = new AnalysisStore();
  private unit: 'MACs' | 'FLOPs' = 'MACs';
  private readonly perLayer = new Figure('flops-per-layer', l10n.t('Dense vs effective per layer (mean over samples)'), 380);
  private readonly distribution = new Figure('flops-distribution', l10n.t('Effective cost over samples'), 300);
  private readonly table: SortableTable<Row>;
  private readonly latency = new LatencyView();
  private body!: HTMLElement;
  private empty!: HTMLElement;
  private summary!: HTMLElement;
  private toolbar!: HTMLElement;
  /** A plain ONNX model's inspection: dense per-layer numbers only (no masks, no samples). */
  private plain: OverviewModel | null = null;
  /** The layer the Graph panel asked to show (highlighted row), and whether it still has to be scrolled into view. */
  private focused: string | null = null;
  private scrollToFocused = false;

  constructor() {
    const k = () => (this.unit === 'FLOPs' ? 2 : 1);
    // SI prefixes by magnitude (11.3 MMACs, 256 MACs), not raw integers.
    const cost = (v: number) => formatSi(v * k(), this.unit);
    this.table = new SortableTable<Row>(
      'flops-layers',
      [
        { title: l10n.t('layer'), text: (r) => r.layer.node },
        { title: l10n.t('op'), text: (r) => r.layer.op },
        { title: l10n.t('role'), text: (r) => (r.layer.overhead ? l10n.t('overhead') : r.layer.outUnit !== null ? l10n.t('unit {0}', r.layer.outUnit) : r.layer.spatialMask ? l10n.t('masked') : l10n.t('dense')) },
        { title: l10n.t('dense'), text: (r) => cost(r.layer.denseMacs), sort: (r) => r.layer.denseMacs },
        { title: l10n.t('effective (mean)'), text: (r) => cost(r.effective), sort: (r) => r.effective },
        { title: 'p5', text: (r) => cost(r.p5), sort: (r) => r.p5 },
        { title: 'p95', text: (r) => cost(r.p95), sort: (r) => r.p95 },
        { title: l10n.t('kept'), text: (r) => formatPercent(r.layer.denseMacs ? r.effective / r.layer.denseMacs : 1), sort: (r) => (r.layer.denseMacs ? r.effective / r.layer.denseMacs : 1) },
      ],
      (r) => [r.layer.overhead ? 'overhead' : '', r.layer.node === this.focused ? 'focused' : ''].filter(Boolean).join(' '),
    );
  }

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.unit = ctx.ui.unit === 'FLOPs' ? 'FLOPs' : 'MACs';
    const toggle = h('select', { 'data-control': 'unit', 'aria-label': l10n.t('Unit') }, h('option', { value: 'MACs' }, l10n.t('MACs')), h('option', { value: 'FLOPs' }, l10n.t('FLOPs (2 × MACs)')));
    toggle.value = this.unit;
    toggle.addEventListener('change', () => {
      this.unit = toggle.value === 'FLOPs' ? 'FLOPs' : 'MACs';
      ctx.persist('unit', this.unit);
      this.render();
    });
    this.summary = h('div', { class: 'stats', 'data-stats': 'flops' });
    this.empty = h('div', { class: 'empty' }, l10n.t('Waiting for the analysis…'));
    this.toolbar = h('div', { class: 'toolbar' }, h('label', {}, l10n.t('Count'), toggle), reportButton());
    this.body = h('div', { hidden: true }, this.toolbar, this.summary, h('div', { class: 'grid wide' }, this.perLayer.element, this.distribution.element), h('h2', {}, l10n.t('Layers')), this.table.element);
    ctx.root.append(this.empty, this.body, this.latency.element);
  }

  onMessage(m: ToWebview): void {
    this.latency.setTrusted(this.ctx.trusted());
    if (m.type === 'latency') {
      this.latency.show(m.latency);
    } else if (m.type === 'focusLayer') {
      this.focused = m.node;
      this.scrollToFocused = true;
      if (this.plain || this.store.view) this.render();
    } else if (m.type === 'overview') {
      this.plain = m.overview;
      this.render();
    } else if (this.store.apply(m)) this.render();
  }

  /** Dense per-layer numbers of a plain model from its inspection. */
  private renderPlain(o: OverviewModel): void {
    this.empty.hidden = true;
    this.body.hidden = false;
    this.distribution.element.hidden = true;
    // A plain model has no masks and no variants to measure.
    this.latency.element.hidden = true;
    this.toolbar.querySelector('[data-action="export-report"]')?.remove();
    const layers = o.layers.filter((l) => l.macs > 0);
    const stat = (key: string, value: string, label: string) => h('div', { class: 'stat', 'data-stat': key }, h('div', { class: 'v' }, value), h('div', { class: 'k' }, label));
    this.summary.replaceChildren(
      stat('dense', formatMacs(o.totals.macs, this.unit), l10n.t('dense (plain ONNX model: no masks, nothing skipped)')),
      stat('layers', String(layers.length), l10n.t('compute layers')),
    );
    const info = layers.map((l) => ({ node: l.name, op: l.op, denseMacs: l.macs, overhead: false, outUnit: null, inUnit: null, spatialMask: false }));
    void this.perLayer.update(denseLayersFigure(info, figureTheme(), this.unit));
    this.table.update(info.map((layer) => ({ layer, effective: layer.denseMacs, p5: layer.denseMacs, p95: layer.denseMacs })));
  }

  onThemeChange(): void {
    this.render();
    this.latency.render();
  }

  private rows(): Row[] {
    const v = this.store.view!;
    return v.layers.map((layer, i) => {
      const agg = v.aggregates?.perLayer[i];
      if (agg) return { layer, effective: agg.mean, p5: agg.p5, p95: agg.p95 };
      const xs = v.samples.map((s) => s.macs.perLayer[i]).sort((a, b) => a - b);
      const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      return { layer, effective: mean, p5: xs[Math.floor(0.05 * (xs.length - 1))] ?? mean, p95: xs[Math.ceil(0.95 * (xs.length - 1))] ?? mean };
    });
  }

  private render(): void {
    if (this.plain && !this.store.view) {
      this.renderPlain(this.plain);
      return;
    }
    const v = this.store.view;
    if (!v || v.samples.length === 0) return;
    this.empty.hidden = true;
    this.body.hidden = false;
    const rows = this.rows();
    const totals = v.samples.map((s) => s.macs.total);
    const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
    const meanOverhead = v.samples.reduce((a, s) => a + s.macs.overhead, 0) / v.samples.length;
    const backbone = denseBackboneMacs(v);
    const stat = (key: string, value: string, label: string) => h('div', { class: 'stat', 'data-stat': key }, h('div', { class: 'v' }, value), h('div', { class: 'k' }, label));
    this.summary.replaceChildren(
      stat('dense', formatMacs(backbone, this.unit), l10n.t('dense backbone (whole graph {0} with the mask generator and gate heads)', formatMacs(v.denseMacs, this.unit))),
      stat('effective', formatMacs(mean, this.unit), l10n.t('effective (mean, overhead included)')),
      stat('reduction', formatPercent(changeVsBackbone(mean, backbone), 1, true), 'MACs vs dense backbone'),
      stat('overhead', formatMacs(meanOverhead, this.unit), l10n.t('overhead (counted)')),
    );
    // The engine's figures; while samples stream, per-layer means are over the samples so far.
    const source = { layers: v.layers, samples: v.samples, denseMacs: v.denseMacs, aggregates: { perLayer: rows.map((r) => ({ mean: r.effective })) } };
    const theme = figureTheme();
    void this.perLayer.update(layerBreakdownFigure(source, theme, this.unit));
    void this.distribution.update(costDistributionFigure(source, theme, this.unit));
    this.table.update(rows);
    this.revealFocused();
  }

  /** Scrolls the focused layer's row into view once, after the table shows it. */
  private revealFocused(): void {
    const row = this.scrollToFocused ? this.table.element.querySelector('tr.focused') : null;
    if (!row) return;
    this.scrollToFocused = false;
    row.scrollIntoView({ block: 'center' });
  }
}

startPanel('flops', new FlopsPanel());
