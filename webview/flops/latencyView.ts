/**
 * The FLOPs panel's Latency view: a "Measure latency" button (the host runs
 * the measurement as a job), then, per variant, share of MACs vs share of
 * measured time per layer, the latency model's predicted vs measured
 * per-sample latency, one sentence with the MAC limit against what stock
 * kernels give, and a table of each variant against clean dense.
 */
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
  private readonly shares = new Figure('latency-layer-share', 'Per layer: share of MACs vs share of measured time, per variant', 420);
  private readonly model = new Figure('latency-predicted', 'Latency model: predicted vs measured per-sample latency', 420);
  private readonly sentence = h('p', { class: 'lead', 'data-latency': 'sentence' });
  private readonly placeholder = h('p', { 'data-latency': 'placeholder' }, 'Not measured yet: Measure latency profiles the checkpoint as exported, the clean dense graph, compacted static L1 and the sparse executor on this machine (onnxruntime-node, CPU, 1 thread, batch 1; iterations and samples in the dynapruner.latency settings).');
  private readonly table = new SortableTable<VariantRatio>('latency-variants', [
    { title: 'variant', text: (r) => r.variant },
    { title: 'median ms', text: (r) => formatSig(r.ms), sort: (r) => r.ms },
    { title: 'MACs vs clean dense', text: (r) => `${formatSig(r.macRatio)}x`, sort: (r) => r.macRatio },
    { title: 'MAC limit', text: (r) => speedupText(r.macLimit), sort: (r) => r.macLimit },
    { title: 'stock kernels (measured)', text: (r) => speedupText(r.measuredSpeedup), sort: (r) => r.measuredSpeedup },
  ]);
  private readonly results: HTMLElement;
  private readonly button: HTMLElement;
  private latency: LayerLatencyResult | null = null;

  constructor() {
    this.button = h('vscode-button', { icon: 'dashboard', 'data-action': 'measure-latency', 'aria-label': 'Measure latency', onclick: () => post({ type: 'measureLatency' }) }, 'Measure latency');
    this.results = h('div', { hidden: true }, this.sentence, this.table.element, this.shares.element, this.model.element);
    this.element = h('section', { 'data-view': 'latency' }, h('h2', {}, 'Latency'), h('div', { class: 'toolbar' }, this.button), this.placeholder, this.results);
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
    this.button.textContent = 'Measure again';
    this.button.setAttribute('aria-label', 'Measure latency again');
    this.sentence.textContent = macLimitSentence(r) ?? 'No clean dense run in this measurement, so there is no MAC limit to compare with.';
    this.table.update(variantRatios(r));
    const theme = figureTheme();
    void this.shares.update(layerShareFigure(r, theme));
    void this.model.update(predictedVsMeasuredFigure(r, theme));
  }
}
