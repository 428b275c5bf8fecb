/**
 * Filter activity: units x filters heatmap of activation frequency over the
 * samples (optionally sorted by frequency), and for a chosen unit the
 * per-sample raster of active filters.
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import { filterFrequencyFigure, unitRasterFigure } from '../../src/core/figures/filters';
import type { ToWebview } from '../../src/shared/protocol';
import { AnalysisStore } from '../common/analysisStore';
import { clear, h } from '../common/dom';
import { reportButton } from '../common/reportButton';
import { Figure } from '../common/figure';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { figureTheme } from '../common/theme';

class FiltersPanel implements PanelApp {
  private ctx!: PanelContext;
  private readonly store = new AnalysisStore();
  private sorted = false;
  private unit = 0;
  private readonly frequency = new Figure('filters-frequency', l10n.t('Activation frequency (units × filters)'), 340);
  private readonly raster = new Figure('filters-raster', l10n.t('Active filters per sample'), 340);
  private unitSelect!: HTMLSelectElement;
  private body!: HTMLElement;
  private empty!: HTMLElement;

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.sorted = ctx.ui.sorted === true;
    this.unit = Number(ctx.ui.unit ?? 0);
    const sortBox = h('input', { type: 'checkbox', 'data-control': 'sort', 'aria-label': l10n.t('Sort filters by activation frequency') });
    sortBox.checked = this.sorted;
    sortBox.addEventListener('change', () => {
      this.sorted = sortBox.checked;
      ctx.persist('sorted', this.sorted);
      this.render();
    });
    this.unitSelect = h('select', { 'data-control': 'unit', 'aria-label': l10n.t('Unit') });
    this.unitSelect.addEventListener('change', () => {
      this.unit = Number(this.unitSelect.value);
      ctx.persist('unit', this.unit);
      this.render();
    });
    this.empty = h('div', { class: 'empty' }, l10n.t('Waiting for the analysis…'));
    this.body = h('div', { hidden: true }, h('div', { class: 'toolbar' }, h('label', {}, sortBox, l10n.t('Sort filters by frequency')), h('label', {}, l10n.t('Unit'), this.unitSelect), reportButton()), this.frequency.element, this.raster.element);
    ctx.root.append(this.empty, this.body);
  }

  onMessage(m: ToWebview): void {
    if (m.type === 'focusLayer') {
      if (m.unit === null) return;
      this.unit = m.unit;
      this.ctx.persist('unit', this.unit);
      if (this.store.view) {
        this.unitSelect.value = String(this.unit);
        this.render();
      }
      return;
    }
    if (!this.store.apply(m)) return;
    const v = this.store.view!;
    if (m.type === 'analysisStart' || m.type === 'analysis') {
      clear(this.unitSelect);
      v.units.forEach((u) => this.unitSelect.append(h('option', { value: u.id }, `${u.id}: ${u.name} (${u.channels})`)));
      if (!v.units.some((u) => u.id === this.unit)) this.unit = v.units[0]?.id ?? 0;
      this.unitSelect.value = String(this.unit);
    }
    this.render();
  }

  onThemeChange(): void {
    this.render();
  }

  /** Frequency per unit: from the aggregates, or counted from the samples while streaming. */
  private frequencies(): { unit: number; frequency: number[] }[] {
    const v = this.store.view!;
    if (v.aggregates) return v.aggregates.filterFrequency;
    return v.units.map((u) => {
      const f = new Array<number>(u.channels).fill(0);
      for (const s of v.samples) s.gates.find((g) => g.unit === u.id)?.mask.forEach((m, i) => (f[i] += m / v.samples.length));
      return { unit: u.id, frequency: f };
    });
  }

  private render(): void {
    const v = this.store.view;
    if (!v || v.samples.length === 0) return;
    this.empty.hidden = true;
    this.body.hidden = false;
    if (v.units.length === 0) {
      this.ctx.notice('info', l10n.t('This checkpoint has no gated units (no filter gates to show).'));
      return;
    }
    // The engine's figures; while samples stream, frequencies are over the samples so far.
    const source = { units: v.units, samples: v.samples, aggregates: { filterFrequency: this.frequencies() } };
    const theme = figureTheme();
    const unitIndex = Math.max(0, v.units.findIndex((u) => u.id === this.unit));
    void this.frequency.update(filterFrequencyFigure(source, theme, this.sorted));
    void this.raster.update(unitRasterFigure(source, unitIndex, theme, { sortByFrequency: this.sorted }));
  }
}

startPanel('filters', new FiltersPanel());
