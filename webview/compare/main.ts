/**
 * Compare panel: two or more checkpoints evaluated on the same samples, side
 * by side in the paper's Table I / Table IV layout (MSE, MAE, dense and
 * effective GMACs, change vs dense), with cost and accuracy charts and each
 * method's Pareto front; or a trainer Pareto summary's curves over seeds.
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import { compareAccuracyFigure, compareCostFigure } from '../../src/core/figures/compare';
import type { CompareEntry, CompareModel } from '../../src/shared/models';
import type { ToWebview } from '../../src/shared/protocol';
import { h } from '../common/dom';
import { Figure } from '../common/figure';
import { changeVsBackbone, formatNumber, formatPercent, formatSig } from '../common/format';
import { reportButton } from '../common/reportButton';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { SortableTable } from '../common/table';
import { figureTheme } from '../common/theme';
import { ParetoSection } from './paretoSection';

class ComparePanel implements PanelApp {
  private model: CompareModel | null = null;
  private readonly cost = new Figure('compare-cost', l10n.t('Effective MACs per sample'), 300);
  private readonly accuracy = new Figure('compare-accuracy', l10n.t('MSE vs mean effective GMACs'), 300);
  private table!: SortableTable<CompareEntry>;
  private body!: HTMLElement;
  private empty!: HTMLElement;
  private dataLine!: HTMLElement;
  private pareto!: ParetoSection;
  /** The "Export HTML report" toolbar: the page of the Pareto view (shown once there is something to export). */
  private toolbar!: HTMLElement;

  mount(ctx: PanelContext): void {
    // The trained dense checkpoint of the same backbone (a ConvLSTM is not compared with the SimVP dense model).
    const dense = (e: CompareEntry) => this.model?.entries.find((d) => d.variant === 'dense' && d.backbone === e.backbone && d.mse !== null) ?? null;
    const mseChange = (e: CompareEntry) => {
      const base = dense(e)?.mse;
      return base && e.mse !== null ? e.mse / base - 1 : null;
    };
    const backbone = (e: CompareEntry) => e.denseBackboneMacs ?? e.denseMacs;
    const macChange = (e: CompareEntry) => changeVsBackbone(e.meanEffectiveMacs, backbone(e));
    this.table = new SortableTable<CompareEntry>('compare-table1', [
      { title: l10n.t('checkpoint'), text: (e) => e.name },
      { title: l10n.t('backbone'), text: (e) => e.backbone ?? '–' },
      { title: l10n.t('variant'), text: (e) => e.variant ?? '–' },
      { title: 'MSE', text: (e) => formatNumber(e.mse), sort: (e) => e.mse ?? Infinity },
      { title: 'MAE', text: (e) => formatNumber(e.mae), sort: (e) => e.mae ?? Infinity },
      { title: l10n.t('dense backbone GMACs'), text: (e) => formatSig(backbone(e) / 1e9, 3), sort: (e) => backbone(e) },
      { title: l10n.t('effective GMACs'), text: (e) => formatSig(e.meanEffectiveMacs === null ? null : e.meanEffectiveMacs / 1e9, 3), sort: (e) => e.meanEffectiveMacs ?? Infinity },
      { title: l10n.t('MACs vs dense backbone'), text: (e) => formatPercent(macChange(e), 1, true), sort: (e) => macChange(e) ?? 0 },
      { title: l10n.t('MSE vs trained dense'), text: (e) => formatPercent(mseChange(e), 1, true), sort: (e) => mseChange(e) ?? 0 },
      { title: l10n.t('active pixels'), text: (e) => formatPercent(e.activeFraction), sort: (e) => e.activeFraction ?? 1 },
      { title: 'AUC', text: (e) => formatNumber(e.auc, 3), sort: (e) => e.auc ?? 0 },
      { title: l10n.t('error'), text: (e) => e.error ?? '' },
    ]);
    this.dataLine = h('div', { class: 'muted' });
    this.empty = h('div', { class: 'empty' }, l10n.t('Evaluating the checkpoints…'));
    this.body = h('div', { hidden: true }, this.dataLine, this.table.element, h('div', { class: 'grid wide' }, this.cost.element, this.accuracy.element));
    this.pareto = new ParetoSection(ctx);
    this.toolbar = h('div', { class: 'toolbar', hidden: true }, reportButton());
    ctx.root.append(this.toolbar, this.empty, this.body, this.pareto.element);
  }

  onMessage(m: ToWebview): void {
    if (m.type === 'paretoSummary') {
      this.empty.hidden = true;
      this.toolbar.hidden = false;
      this.pareto.setSummary(m.summary);
      return;
    }
    if (m.type !== 'compare') return;
    this.model = m.compare;
    this.render();
    this.pareto.setCompare(m.compare);
  }

  onThemeChange(): void {
    this.render();
    this.pareto.render();
  }

  private render(): void {
    const m = this.model;
    if (!m) return;
    this.empty.hidden = true;
    this.body.hidden = false;
    this.toolbar.hidden = false;
    this.dataLine.textContent = l10n.t('Evaluated on: {0}', m.data.join(', '));
    this.table.update(m.entries);
    const theme = figureTheme();
    const ok = m.entries.filter((e) => e.error === null);
    void this.cost.update(compareCostFigure(ok, theme));
    void this.accuracy.update(compareAccuracyFigure(ok, theme));
  }
}

startPanel('compare', new ComparePanel());
