/**
 * The Compare panel's Pareto section: the compared checkpoints' fronts (one
 * per backbone and method, or the user's groups) or a trainer Pareto
 * summary's curves with 95% bands, its matched-MACs difference table (the
 * trainer options' comparisons included) and the options at the same targets.
 */
import * as l10n from '@vscode/l10n';
import { checkpointParetoFigure, paretoCheckpointsOf, summaryParetoFigure, type ParetoCheckpoint } from '../../src/core/figures/pareto';
import { MATCHED_COLUMNS, matchedCells, matchedRows, SAME_TARGET_COLUMNS, sameTargetCells, sameTargetRows, type MatchedRow, type SameTargetRow } from '../../src/core/figures/paretoTables';
import { spansDecades } from '../../src/core/figures/paretoFront';
import type { ParetoSummary } from '../../src/core/schema/pareto';
import type { CompareModel } from '../../src/shared/models';
import { h } from '../common/dom';
import { Figure } from '../common/figure';
import type { PanelContext } from '../common/shell';
import { SortableTable } from '../common/table';
import { figureTheme } from '../common/theme';
import { ParetoControls } from './paretoControls';

/** The Pareto-view points of the compared checkpoints that were analysed. */
export function paretoCheckpoints(m: CompareModel): ParetoCheckpoint[] {
  return paretoCheckpointsOf(m.entries, m.groups);
}

export class ParetoSection {
  readonly element: HTMLElement;
  private readonly controls: ParetoControls;
  private readonly fronts = new Figure('compare-pareto', l10n.t('Pareto fronts: error vs effective MACs, one front per backbone and method'), 460);
  private readonly curves = new Figure('compare-pareto-summary', l10n.t('Trainer Pareto summary: MSE vs effective MACs, means over seeds with 95% confidence bands'), 460);
  private readonly matched: SortableTable<MatchedRow>;
  private readonly sameTargets: SortableTable<SameTargetRow>;
  private readonly samePart: HTMLElement;
  private readonly summaryLine = h('div', { class: 'muted', 'data-summary': 'source' });
  private readonly summaryPart: HTMLElement;
  private compare: CompareModel | null = null;
  private summary: ParetoSummary | null = null;

  constructor(ctx: PanelContext) {
    this.controls = new ParetoControls(ctx, () => this.render());
    this.matched = new SortableTable<MatchedRow>('compare-pareto-matched', MATCHED_COLUMNS.map((title, i) => ({ title, text: (r: MatchedRow) => matchedCells(r)[i] })));
    this.sameTargets = new SortableTable<SameTargetRow>('compare-pareto-same-targets', SAME_TARGET_COLUMNS.map((title, i) => ({ title, text: (r: SameTargetRow) => sameTargetCells(r)[i] })));
    this.samePart = h('div', { hidden: true },
      h('h3', {}, l10n.t("Trainer options at the same sparsity targets (MACs not matched)")),
      h('div', { class: 'muted' }, l10n.t('Each option minus its Dyna-Pruner baseline trained with the same s_d, s_w targets, paired per seed; their MAC reductions differ, so this is not a matched-MACs comparison.')),
      this.sameTargets.element);
    this.summaryPart = h('div', { hidden: true }, this.summaryLine, this.curves.element,
      h('h3', {}, l10n.t('Paired difference at matched effective MACs')),
      h('div', { class: 'muted' }, l10n.t('Dyna-Pruner − static L1 along both curves, then each trainer option (Dyna-Pruner + ...) against its baselines; MSE differences in % of the dense MSE with bootstrap 95% CIs over seeds and test windows.')),
      this.matched.element, this.samePart);
    this.fronts.element.hidden = true;
    this.element = h('section', { class: 'pareto', 'aria-label': l10n.t('Pareto fronts'), hidden: true }, h('h2', {}, l10n.t('Pareto fronts')), this.controls.element, this.fronts.element, this.summaryPart);
  }

  /** The compared checkpoints changed (two or more analysed ones make a plot). */
  setCompare(m: CompareModel): void {
    this.compare = m;
    const pts = paretoCheckpoints(m);
    this.controls.suggestLog(spansDecades(pts.map((p) => p.meanEffectiveMacs ?? NaN)), spansDecades(pts.map((p) => p.mse ?? NaN)));
    this.render();
  }

  /** A trainer summary to draw. */
  setSummary(s: ParetoSummary): void {
    this.summary = s;
    this.controls.suggestLog(spansDecades(s.points.map((p) => p.effectiveMacs.mean ?? NaN)), spansDecades(s.points.map((p) => p.mse.mean ?? NaN)));
    this.summaryLine.textContent = l10n.t('{0}: {1} of {2} planned trainings on {3}. Curves are means over seeds, bands the 95% t-intervals stored by the trainer; hover a point for its numbers.', s.file, s.runs, s.planned, s.data);
    this.matched.update(matchedRows(s));
    const same = sameTargetRows(s);
    this.sameTargets.update(same);
    this.samePart.hidden = same.length === 0;
    this.render();
  }

  render(): void {
    const theme = figureTheme();
    const view = this.controls.view();
    const pts = this.compare ? paretoCheckpoints(this.compare) : [];
    this.fronts.element.hidden = pts.length < 2;
    this.summaryPart.hidden = this.summary === null;
    this.element.hidden = this.fronts.element.hidden && this.summaryPart.hidden;
    this.controls.showMetric(pts.length >= 2);
    if (pts.length >= 2) void this.fronts.update(checkpointParetoFigure(pts, view, theme));
    if (this.summary) {
      void this.curves.update(summaryParetoFigure(this.summary, view, theme));
    }
  }
}
