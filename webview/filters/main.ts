/**
 * Filter activity: units x filters heatmap of activation frequency over the
 * samples (optionally sorted by frequency), and for a chosen unit the
 * per-sample raster of active filters.
 */
import type { ToWebview } from '../../src/shared/protocol';
import { AnalysisStore } from '../common/analysisStore';
import { clear, h } from '../common/dom';
import { Figure } from '../common/figure';
import { formatPercent } from '../common/format';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { baseLayout, themeColors } from '../common/theme';

class FiltersPanel implements PanelApp {
  private ctx!: PanelContext;
  private readonly store = new AnalysisStore();
  private sorted = false;
  private unit = 0;
  private readonly frequency = new Figure('filters-frequency', 'Activation frequency (units × filters)', 320);
  private readonly raster = new Figure('filters-raster', 'Active filters per sample', 300);
  private unitSelect!: HTMLSelectElement;
  private body!: HTMLElement;
  private empty!: HTMLElement;

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.sorted = ctx.ui.sorted === true;
    this.unit = Number(ctx.ui.unit ?? 0);
    const sortBox = h('input', { type: 'checkbox', 'data-control': 'sort' });
    sortBox.checked = this.sorted;
    sortBox.addEventListener('change', () => {
      this.sorted = sortBox.checked;
      ctx.persist('sorted', this.sorted);
      this.render();
    });
    this.unitSelect = h('select', { 'data-control': 'unit', 'aria-label': 'Unit' });
    this.unitSelect.addEventListener('change', () => {
      this.unit = Number(this.unitSelect.value);
      ctx.persist('unit', this.unit);
      this.render();
    });
    this.empty = h('div', { class: 'empty' }, 'Waiting for the analysis…');
    this.body = h('div', { hidden: true }, h('div', { class: 'toolbar' }, h('label', {}, sortBox, 'Sort filters by frequency'), h('label', {}, 'Unit', this.unitSelect)), this.frequency.element, this.raster.element);
    ctx.root.append(this.empty, this.body);
  }

  onMessage(m: ToWebview): void {
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
      this.ctx.notice('info', 'This checkpoint has no gated units (no filter gates to show).');
      return;
    }
    const c = themeColors();
    const freqs = this.frequencies();
    const width = Math.max(...freqs.map((f) => f.frequency.length));
    const z = freqs.map((f) => {
      const row = this.sorted ? [...f.frequency].sort((a, b) => b - a) : [...f.frequency];
      while (row.length < width) row.push(NaN);
      return row;
    });
    const names = freqs.map((f) => v.units.find((u) => u.id === f.unit)?.name ?? String(f.unit));
    void this.frequency.update({
      data: [{ type: 'heatmap', z, y: names, zmin: 0, zmax: 1, colorscale: c.sequential, colorbar: { thickness: 8, title: { text: 'freq' } }, hovertemplate: '%{y} filter %{x}: active in %{z:.0%} of samples<extra></extra>' }],
      layout: baseLayout(c, { xaxis: { title: { text: this.sorted ? 'filters (sorted by frequency)' : 'filter index' }, color: c.foreground }, yaxis: { automargin: true, color: c.foreground }, margin: { l: 90, r: 16, t: 10, b: 40 } }),
    });
    const unit = v.units.find((u) => u.id === this.unit) ?? v.units[0];
    const f = freqs.find((x) => x.unit === unit.id)?.frequency ?? [];
    const order = this.sorted ? f.map((_, i) => i).sort((a, b) => f[b] - f[a]) : f.map((_, i) => i);
    const raster = v.samples.map((s) => {
      const mask = s.gates.find((g) => g.unit === unit.id)?.mask ?? [];
      return order.map((i) => mask[i] ?? NaN);
    });
    const meanActive = v.samples.reduce((a, s) => a + (s.gates.find((g) => g.unit === unit.id)?.active ?? 0), 0) / v.samples.length;
    void this.raster.update({
      data: [{ type: 'heatmap', z: raster, y: v.samples.map((s) => s.index), zmin: 0, zmax: 1, showscale: false, colorscale: [[0, c.background], [1, c.series[0]]], hovertemplate: 'sample %{y}, filter %{x}: %{z}<extra></extra>', xgap: 1, ygap: 1 }],
      layout: baseLayout(c, {
        title: { text: `${unit.name}: ${meanActive.toFixed(1)} of ${unit.channels} filters active on average (${formatPercent(meanActive / unit.channels)})`, font: { size: 11 } },
        xaxis: { title: { text: this.sorted ? 'filters (sorted by frequency)' : 'filter index' }, color: c.foreground },
        yaxis: { title: { text: 'sample' }, color: c.foreground },
        margin: { l: 52, r: 16, t: 30, b: 40 },
      }),
    });
  }
}

startPanel('filters', new FiltersPanel());
