/**
 * Robustness panel: MSE under input noise and under data-mask failures with
 * 95% confidence bands for Dyna-Pruner and the dense, random and static-L1
 * baselines; the paper's Table II layout; the accuracy-vs-effective-MACs
 * Pareto plot of the sensitivity sweep.
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import type { SweepResult } from '../../src/core/schema/results';
import { paretoFigure, robustnessFigure } from '../../src/core/figures/robustness';
import type { JobEndMessage, ToWebview } from '../../src/shared/protocol';
import { sweepProgressText } from '../../src/core/figures/sweepProgress';
import { h } from '../common/dom';
import { Figure } from '../common/figure';
import { paperTable } from '../common/paperTable';
import { reportButton } from '../common/reportButton';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { figureTheme } from '../common/theme';

class RobustnessPanel implements PanelApp {
  private ctx!: PanelContext;
  /** The last complete sweep shown (what a cancelled or failed run falls back to). */
  private sweep: SweepResult | null = null;
  /** A running sweep's rows so far, drawn over {@link sweep} until the job ends. */
  private partial: { sweep: SweepResult; samples: number; jobId: string } | null = null;
  private status!: HTMLElement;
  private tablesNote!: HTMLElement;
  private readonly noise = new Figure('robustness-noise', l10n.t('MSE vs input noise σ (95% CI)'), 400);
  private readonly failure = new Figure('robustness-failure', l10n.t('MSE vs data-mask failure rate (95% CI)'), 400);
  private readonly pareto = new Figure('robustness-pareto', l10n.t('Sensitivity: MSE vs effective MACs (Pareto front)'), 420);
  private body!: HTMLElement;
  private tables!: HTMLElement;
  private empty!: HTMLElement;

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.tables = h('div', { class: 'cards' });
    this.empty = h('div', { class: 'empty' }, l10n.t('Waiting for the sweep…'));
    this.status = h('div', { class: 'banner info', role: 'status', 'data-partial': '', hidden: true });
    this.tablesNote = h('p', { class: 'hint', hidden: true }, l10n.t('The tables appear when the sweep has finished.'));
    this.body = h('div', { hidden: true }, h('div', { class: 'toolbar' }, reportButton()), this.status, h('div', { class: 'grid wide' }, this.noise.element, this.failure.element), this.pareto.element, h('h2', {}, l10n.t('Tables')), this.tablesNote, this.tables);
    ctx.root.append(this.empty, this.body);
  }

  onMessage(m: ToWebview): void {
    if (m.type === 'sweepPartial') {
      this.partial = { sweep: m.sweep, samples: m.samples, jobId: m.jobId };
      this.render();
    } else if (m.type === 'sweep') {
      this.sweep = m.sweep;
      this.partial = null;
      this.render();
    }
  }

  /** A cancelled or failed sweep keeps nothing: its partial rows go, the last complete sweep (if any) comes back. */
  onJobEnd(m: JobEndMessage): void {
    if (!this.partial || this.partial.jobId !== m.jobId || m.outcome === 'done') return;
    this.partial = null;
    this.render();
    if (!this.sweep) {
      this.body.hidden = true;
      this.empty.hidden = false;
    }
  }

  onThemeChange(): void {
    this.render();
  }

  private render(): void {
    const s = this.partial?.sweep ?? this.sweep;
    if (!s) return;
    this.empty.hidden = true;
    this.body.hidden = false;
    const theme = figureTheme();
    void this.noise.update(robustnessFigure(s, 'noise', theme));
    void this.failure.update(robustnessFigure(s, 'failure', theme));
    void this.pareto.update(paretoFigure(s, theme));
    const partial = this.partial;
    this.status.hidden = !partial;
    this.status.textContent = partial ? l10n.t('Partial results, still running: {0}', sweepProgressText(partial.sweep, partial.samples)) : '';
    document.body.dataset.sweep = partial ? 'partial' : 'complete';
    this.tablesNote.hidden = !partial;
    this.tables.hidden = Boolean(partial);
    if (partial) return;
    this.tables.replaceChildren(paperTable('table2-robustness', s.tables.table2), paperTable('table3-sensitivity', s.tables.table3), paperTable('table1-methods', s.tables.table1), paperTable('table4-ablation', s.tables.table4));
  }
}

startPanel('robustness', new RobustnessPanel());
