/**
 * Masks panel: where the model looks and what it skips, per sample.
 * Sample and time-step sliders; input frame, importance S, data mask,
 * |Delta| (future change), prediction and error side by side with shared
 * colour scales; data-mask overlay; per-sample active fraction, effective
 * MACs, errors and the importance alignment (AUC, Spearman); per-sample MACs chart.
 */
import type { SampleAnalysis } from '../../src/core/engine/results';
import type { ToWebview } from '../../src/shared/protocol';
import { post } from '../common/api';
import { AnalysisStore } from '../common/analysisStore';
import { clear, h } from '../common/dom';
import { Figure } from '../common/figure';
import { formatMacs, formatNumber, formatPercent } from '../common/format';
import { extent, mapSpec } from '../common/heatmap';
import type { FigureSpec } from '../common/plotly';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { baseLayout, themeColors } from '../common/theme';

class MasksPanel implements PanelApp {
  private ctx!: PanelContext;
  private readonly store = new AnalysisStore();
  private sample = 0;
  private step = 0;
  private channel = 0;
  private overlay = false;
  private readonly maps = {
    input: new Figure('masks-input', 'Input (last frame)', 230),
    importance: new Figure('masks-importance', 'Importance S', 230),
    dataMask: new Figure('masks-data-mask', 'Data mask', 230),
    delta: new Figure('masks-abs-delta', '|Δ| future change', 230),
    prediction: new Figure('masks-prediction', 'Prediction', 230),
    error: new Figure('masks-error', '|Error|', 230),
  };
  private readonly macsChart = new Figure('masks-flops', 'Effective MACs per sample', 240);
  private sampleSlider!: HTMLInputElement;
  private stepSlider!: HTMLInputElement;
  private channelSelect!: HTMLSelectElement;
  private sampleLabel!: HTMLElement;
  private stats!: HTMLElement;
  private body!: HTMLElement;
  private empty!: HTMLElement;
  private pending = false;

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.sample = Number(ctx.ui.sample ?? 0);
    this.step = Number(ctx.ui.step ?? 0);
    this.channel = Number(ctx.ui.channel ?? 0);
    this.overlay = ctx.ui.overlay === true;
    this.sampleSlider = h('input', { type: 'range', min: 0, max: 0, value: 0, 'aria-label': 'Sample', 'data-control': 'sample' });
    this.stepSlider = h('input', { type: 'range', min: 0, max: 0, value: 0, 'aria-label': 'Time step', 'data-control': 'step' });
    this.channelSelect = h('select', { 'aria-label': 'Channel', 'data-control': 'channel' });
    this.sampleLabel = h('span', { class: 'muted', 'data-label': 'sample' });
    const overlayBox = h('input', { type: 'checkbox', 'data-control': 'overlay' });
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
      h('label', {}, 'Sample', this.sampleSlider, this.sampleLabel),
      h('label', {}, 'Lead time', this.stepSlider),
      h('label', {}, 'Channel', this.channelSelect),
      h('label', {}, overlayBox, 'Overlay data mask'),
      h('vscode-button', { secondary: true, icon: 'export', onclick: () => this.exportReport() }, 'Export HTML report'),
    );
    this.stats = h('div', { class: 'stats', 'data-stats': 'sample' });
    const grid = h('div', { class: 'grid' }, ...Object.values(this.maps).map((f) => f.element));
    this.body = h('div', { hidden: true }, toolbar, this.stats, grid, h('h2', {}, 'Cost'), this.macsChart.element);
    this.empty = h('div', { class: 'empty' }, 'Waiting for the analysis…');
    ctx.root.append(this.empty, this.body);
  }

  private exportReport(): void {
    post({ type: 'exportReport' });
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
    }
    if (v.samples.length > 0) {
      this.empty.hidden = true;
      this.body.hidden = false;
    }
    this.sampleSlider.max = String(Math.max(0, v.samples.length - 1));
    this.sample = Math.min(this.sample, Math.max(0, v.samples.length - 1));
    this.sampleSlider.value = String(this.sample);
    this.schedule();
  }

  onThemeChange(): void {
    this.schedule();
  }

  /** Moves the sample slider (also used by the scrub benchmark). */
  setSample(i: number): void {
    this.sample = i;
    this.ctx.persist('sample', i);
    this.schedule();
  }

  /** Coalesces updates into one render per animation frame. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      void this.render();
    });
  }

  private async render(): Promise<void> {
    const v = this.store.view;
    const s = v?.samples[this.sample];
    if (!v || !s) return;
    const c = themeColors();
    const [H, W] = v.model.grid;
    const n = H * W;
    const C = v.model.channels.length;
    this.sampleLabel.textContent = `${this.sample + 1} / ${v.samples.length}${v.total > v.samples.length ? ` (of ${v.total})` : ''}${s.windowStart !== null ? ` · t₀ = ${s.windowStart}` : ''}`;
    this.renderStats(s, v.denseMacs);

    const input = this.store.values(s.inputLast);
    const pred = this.store.values(s.prediction);
    const inOff = this.channel * n;
    const predOff = (this.step * C + this.channel) * n;
    const mask = s.dataMask ? this.store.values(s.dataMask) : null;
    const overlay = this.overlay && mask ? { values: mask } : null;
    // Shared colour scale for input and prediction of the channel.
    const [lo, hi] = extent([{ values: input, offset: inOff, length: n }, { values: pred, offset: predOff, length: n }]);
    const valueScale = { zmin: lo, zmax: hi, colorscale: c.diverging };
    let err: Float32Array | null = null;
    if (s.target) {
      const target = this.store.values(s.target);
      const valid = s.valid ? this.store.values(s.valid) : null;
      err = new Float32Array(n);
      for (let i = 0; i < n; i++) err[i] = valid && valid[predOff + i] === 0 ? NaN : Math.abs(pred[predOff + i] - target[predOff + i]);
    }
    const delta = s.absDelta ? this.store.values(s.absDelta) : null;
    // Shared scale for |Delta| and |error| (both are absolute changes in normalised units).
    const [, changeHi] = extent([...(delta ? [{ values: delta, offset: 0, length: n }] : []), ...(err ? [{ values: err, offset: 0, length: n }] : [])]);
    const changeScale = { zmin: 0, zmax: changeHi, colorscale: c.sequential };
    const channelName = v.model.channels[this.channel];
    const jobs: Promise<void>[] = [
      this.maps.input.update(mapSpec(input, H, W, inOff, { ...valueScale, label: channelName, overlay }, c)),
      this.maps.prediction.update(mapSpec(pred, H, W, predOff, { ...valueScale, label: `${channelName} t+${this.step + 1}`, overlay }, c)),
    ];
    jobs.push(s.importance ? this.maps.importance.update(mapSpec(this.store.values(s.importance), H, W, 0, { zmin: 0, zmax: 1, colorscale: c.sequential, label: 'S', overlay }, c)) : this.placeholder(this.maps.importance, 'This variant has no importance map'));
    jobs.push(mask ? this.maps.dataMask.update(mapSpec(mask, H, W, 0, { zmin: 0, zmax: 1, colorscale: [[0, c.background], [1, c.series[0]]], label: 'active', colorbar: false }, c)) : this.placeholder(this.maps.dataMask, 'This variant has no data mask'));
    jobs.push(delta ? this.maps.delta.update(mapSpec(delta, H, W, 0, { ...changeScale, label: '|Δ|', overlay }, c)) : this.placeholder(this.maps.delta, 'No targets in the data'));
    jobs.push(err ? this.maps.error.update(mapSpec(err, H, W, 0, { ...changeScale, label: '|error|', overlay }, c)) : this.placeholder(this.maps.error, 'No targets in the data'));
    jobs.push(this.macsChart.update(this.macsSpec()));
    await Promise.all(jobs);
    document.body.dataset.renderedSample = String(this.sample);
  }

  private placeholder(f: Figure, text: string): Promise<void> {
    const c = themeColors();
    return f.update({ data: [], layout: baseLayout(c, { xaxis: { visible: false }, yaxis: { visible: false }, annotations: [{ text, showarrow: false, font: { color: c.muted } }] }) });
  }

  private renderStats(s: SampleAnalysis, dense: number): void {
    clear(this.stats);
    const stat = (k: string, v: string, key: string) => h('div', { class: 'stat', 'data-stat': key }, h('div', { class: 'v' }, v), h('div', { class: 'k' }, k));
    this.stats.append(
      stat('active pixels', formatPercent(s.activeFraction), 'active-fraction'),
      stat(`effective MACs (${formatPercent(s.macs.total / dense)} of dense)`, formatMacs(s.macs.total), 'effective-macs'),
      stat('overhead MACs', formatMacs(s.macs.overhead), 'overhead-macs'),
      stat('active filters', s.gates.length ? formatPercent(s.gates.reduce((a, g) => a + g.active, 0) / s.gates.reduce((a, g) => a + g.mask.length, 0)) : '–', 'active-filters'),
      stat('MSE (dense mode)', `${formatNumber(s.vsTarget?.mse)} (${formatNumber(s.denseVsTarget?.mse)})`, 'mse'),
      stat('alignment AUC', formatNumber(s.alignment?.auc, 3), 'auc'),
      stat('Spearman ρ', formatNumber(s.alignment?.spearman, 3), 'spearman'),
    );
  }

  private macsSpec(): FigureSpec {
    const v = this.store.view!;
    const c = themeColors();
    const x = v.samples.map((s) => s.index);
    const backbone = v.samples.map((s) => (s.macs.total - s.macs.overhead) / 1e6);
    const overhead = v.samples.map((s) => s.macs.overhead / 1e6);
    const selected = v.samples[this.sample]?.index;
    return {
      data: [
        { type: 'bar', name: 'backbone (effective)', x, y: backbone, marker: { color: x.map((i) => (i === selected ? c.series[5] : c.series[0])) }, hovertemplate: 'sample %{x}: %{y:.2f} MMACs<extra></extra>' },
        { type: 'bar', name: 'overhead (mask generator, gates)', x, y: overhead, marker: { color: c.series[2] }, hovertemplate: 'overhead %{y:.2f} MMACs<extra></extra>' },
        { type: 'scatter', mode: 'lines', name: 'dense', x: [x[0] - 0.5, x[x.length - 1] + 0.5], y: [v.denseMacs / 1e6, v.denseMacs / 1e6], line: { color: c.series[1], dash: 'dash' }, hoverinfo: 'skip' },
      ],
      layout: baseLayout(c, { barmode: 'stack', xaxis: { title: { text: 'sample' }, color: c.foreground, gridcolor: c.grid }, yaxis: { title: { text: 'MMACs' }, color: c.foreground, gridcolor: c.grid, rangemode: 'tozero' }, legend: { orientation: 'h', y: 1.15 }, margin: { l: 52, r: 12, t: 30, b: 40 } }),
    };
  }
}

const panel = new MasksPanel();
/** Exposed for the UI benchmark (scrubbing the sample slider). */
(globalThis as unknown as { dynaprunerMasks: MasksPanel }).dynaprunerMasks = panel;
startPanel('masks', panel);
