/**
 * The FLOPs panel's Latency view: a "Measure latency" button (the host runs
 * the measurement as a job), then, per variant, share of MACs vs share of
 * measured time per layer, the latency model's predicted vs measured
 * per-sample latency, one sentence with the MAC limit against what stock
 * kernels give, and a table of each variant against clean dense.
 */
import * as l10n from '@vscode/l10n';
import { layerShareFigure, predictedVsMeasuredFigure } from '../../src/core/figures/latency';
import { macLimitSentence, speedupText, variantRatios, type VariantRatio } from '../../src/core/figures/latencyRatios';
import type { LayerLatencyResult } from '../../src/core/schema/layerLatency';
import { post } from '../common/api';
import { h } from '../common/dom';
import { Figure } from '../common/figure';
import { formatSig } from '../common/format';
import { SortableTable } from '../common/table';
import { figureTheme } from '../common/theme';

/** The Latency section of the FLOPs panel. */
export class LatencyView {
  readonly element: HTMLElement;
  private readonly shares = new Figure('latency-layer-share', l10n.t('Per layer: share of MACs vs share of measured time, per variant'), 420);
  private readonly model = new Figure('latency-predicted', l10n.t('Latency model: predicted vs measured per-sample latency'), 420);
  private readonly sentence = h('p', { class: 'lead', 'data-latency': 'sentence' });
  private readonly placeholder = h('p', { 'data-latency': 'placeholder' }, l10n.t('Not measured yet: Measure latency profiles the checkpoint as exported, the clean dense graph, compacted static L1 and the sparse executor on this machine (onnxruntime-node, CPU, 1 thread, batch 1; iterations and samples in the dynapruner.latency settings).'));
  private readonly table = new SortableTable<VariantRatio>('latency-variants', [
    { title: l10n.t('variant'), text: (r) => r.variant },
    { title: l10n.t('median ms'), text: (r) => formatSig(r.ms), sort: (r) => r.ms },
    { title: l10n.t('MACs vs clean dense'), text: (r) => `${formatSig(r.macRatio)}x`, sort: (r) => r.macRatio },
    { title: l10n.t('MAC limit'), text: (r) => speedupText(r.macLimit), sort: (r) => r.macLimit },
    { title: l10n.t('stock kernels (measured)'), text: (r) => speedupText(r.measuredSpeedup), sort: (r) => r.measuredSpeedup },
  ]);
  private readonly results: HTMLElement;
  private readonly button: HTMLElement;
  private latency: LayerLatencyResult | null = null;

  constructor() {
    this.button = h('vscode-button', { icon: 'dashboard', 'data-action': 'measure-latency', 'aria-label': l10n.t('Measure latency'), onclick: () => post({ type: 'measureLatency' }) }, l10n.t('Measure latency'));
    this.results = h('div', { hidden: true }, this.sentence, this.table.element, this.shares.element, this.model.element);
    this.element = h('section', { 'data-view': 'latency' }, h('h2', {}, l10n.t('Latency')), h('div', { class: 'toolbar' }, this.button), this.placeholder, this.results);
  }

  /** Enables the button (untrusted workspaces cannot run the checkpoint). */
  setTrusted(trusted: boolean): void {
    this.button.toggleAttribute('disabled', !trusted);
  }

  /** Shows a measurement. */
  show(latency: LayerLatencyResult): void {
    this.latency = latency;
    this.render();
  }

  /** Renders the measurement in the current theme. */
  render(): void {
    const r = this.latency;
    if (!r) return;
    this.placeholder.hidden = true;
    this.results.hidden = false;
    this.button.textContent = l10n.t('Measure again');
    this.button.setAttribute('aria-label', l10n.t('Measure latency again'));
    this.sentence.textContent = macLimitSentence(r) ?? l10n.t('No clean dense run in this measurement, so there is no MAC limit to compare with.');
    this.table.update(variantRatios(r));
    const theme = figureTheme();
    void this.shares.update(layerShareFigure(r, theme));
    void this.model.update(predictedVsMeasuredFigure(r, theme));
  }
}
