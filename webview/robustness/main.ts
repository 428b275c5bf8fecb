/**
 * Robustness panel: MSE under input noise and under data-mask failures with
 * 95% confidence bands for Dyna-Pruner and the dense, random and static-L1
 * baselines; the paper's Table II layout; the accuracy-vs-effective-MACs
 * Pareto plot of the sensitivity sweep.
 */
import type { MaskMethod, SweepPoint, SweepResult } from '../../src/core/engine/results';
import type { ToWebview } from '../../src/shared/protocol';
import { h } from '../common/dom';
import { Figure } from '../common/figure';
import { paperTable } from '../common/paperTable';
import type { Trace } from '../common/plotly';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { baseLayout, themeColors, type ThemeColors } from '../common/theme';

const LABELS: Record<MaskMethod, string> = { dynapruner: 'Dyna-Pruner', dense: 'dense', random: 'random', l1: 'static L1', dp_only: 'DP only', mp_only: 'MP only' };
const ORDER: MaskMethod[] = ['dynapruner', 'dense', 'random', 'l1', 'dp_only', 'mp_only'];

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** Mean line plus a filled 95% CI band per method. */
function curves(points: SweepPoint[], x: (p: SweepPoint) => number, c: ThemeColors): Trace[] {
  const traces: Trace[] = [];
  ORDER.forEach((method, k) => {
    const ps = points.filter((p) => p.config.method === method).sort((a, b) => x(a) - x(b));
    if (ps.length === 0) return;
    const color = c.series[k % c.series.length];
    const xs = ps.map(x);
    traces.push({ type: 'scatter', mode: 'lines', x: [...xs, ...[...xs].reverse()], y: [...ps.map((p) => p.mse.ci95[1]), ...ps.map((p) => p.mse.ci95[0]).reverse()], fill: 'toself', fillcolor: withAlpha(color, 0.18), line: { width: 0 }, hoverinfo: 'skip', showlegend: false, legendgroup: method });
    traces.push({ type: 'scatter', mode: 'lines+markers', name: LABELS[method], legendgroup: method, x: xs, y: ps.map((p) => p.mse.mean), line: { color }, marker: { color, size: 6 }, customdata: ps.map((p) => [p.mse.ci95[0], p.mse.ci95[1], p.mse.n]), hovertemplate: `${LABELS[method]} %{x}: MSE %{y:.4f} [%{customdata[0]:.4f}, %{customdata[1]:.4f}] (n=%{customdata[2]})<extra></extra>` });
  });
  return traces;
}

class RobustnessPanel implements PanelApp {
  private ctx!: PanelContext;
  private sweep: SweepResult | null = null;
  private readonly noise = new Figure('robustness-noise', 'MSE vs input noise σ (95% CI)', 300);
  private readonly failure = new Figure('robustness-failure', 'MSE vs data-mask failure rate (95% CI)', 300);
  private readonly pareto = new Figure('robustness-pareto', 'Sensitivity: MSE vs effective MACs (Pareto front)', 320);
  private body!: HTMLElement;
  private tables!: HTMLElement;
  private empty!: HTMLElement;

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.tables = h('div', { class: 'cards' });
    this.empty = h('div', { class: 'empty' }, 'Waiting for the sweep…');
    this.body = h('div', { hidden: true }, h('div', { class: 'grid wide' }, this.noise.element, this.failure.element), this.pareto.element, h('h2', {}, 'Tables'), this.tables);
    ctx.root.append(this.empty, this.body);
  }

  onMessage(m: ToWebview): void {
    if (m.type !== 'sweep') return;
    this.sweep = m.sweep;
    this.render();
  }

  onThemeChange(): void {
    this.render();
  }

  private render(): void {
    const s = this.sweep;
    if (!s) return;
    this.empty.hidden = true;
    this.body.hidden = false;
    const c = themeColors();
    const axes = (x: string) => ({ xaxis: { title: { text: x }, color: c.foreground, gridcolor: c.grid }, yaxis: { title: { text: 'MSE (normalised)' }, color: c.foreground, gridcolor: c.grid }, legend: { orientation: 'h', y: 1.15 }, margin: { l: 56, r: 12, t: 36, b: 44 } });
    void this.noise.update({ data: curves(s.noise, (p) => p.config.noiseSigma, c), layout: baseLayout(c, axes('noise σ')) });
    void this.failure.update({ data: curves(s.failure, (p) => p.config.failureRate, c), layout: baseLayout(c, axes('fraction of active mask pixels flipped off')) });
    const pts = s.sensitivity.points;
    const front = pts.filter((p) => s.sensitivity.pareto.includes(p.id)).sort((a, b) => a.effectiveMacs.mean - b.effectiveMacs.mean);
    void this.pareto.update({
      data: [
        { type: 'scatter', mode: 'markers', name: 'θd × τ offset', x: pts.map((p) => p.effectiveMacs.mean / 1e6), y: pts.map((p) => p.mse.mean), marker: { color: pts.map((p) => p.config.dataThreshold ?? 0), colorscale: c.sequential, size: 9, showscale: true, colorbar: { title: { text: 'θd' }, thickness: 8 } }, text: pts.map((p) => `θd ${p.config.dataThreshold ?? 'own'}, τ ${p.config.tauOffset >= 0 ? '+' : ''}${p.config.tauOffset}`), hovertemplate: '%{text}<br>%{x:.2f} MMACs, MSE %{y:.4f}<extra></extra>' },
        { type: 'scatter', mode: 'lines', name: 'Pareto front', x: front.map((p) => p.effectiveMacs.mean / 1e6), y: front.map((p) => p.mse.mean), line: { color: c.series[5], dash: 'dot' }, hoverinfo: 'skip' },
        { type: 'scatter', mode: 'markers', name: 'dense', x: [s.denseMacs / 1e6], y: s.ablation.filter((p) => p.config.method === 'dense').map((p) => p.mse.mean).slice(0, 1), marker: { symbol: 'diamond', size: 11, color: c.series[1] } },
      ],
      layout: baseLayout(c, { ...axes('effective MMACs per sample'), margin: { l: 56, r: 12, t: 36, b: 44 } }),
    });
    this.tables.replaceChildren(paperTable('table2-robustness', s.tables.table2), paperTable('table3-sensitivity', s.tables.table3), paperTable('table1-methods', s.tables.table1), paperTable('table4-ablation', s.tables.table4));
  }
}

startPanel('robustness', new RobustnessPanel());
