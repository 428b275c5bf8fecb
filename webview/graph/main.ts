/**
 * Graph panel: the checkpoint's compute graph laid out with ELK, boxes
 * coloured by their share of the dense MACs or, once an analysis was saved,
 * of the kept (effective) MACs of the chosen sample; gated layers show that
 * sample's filter gates. "Show all nodes" draws every ONNX node. Clicking a
 * layer asks the host to reveal its FLOPs row and its unit's filters.
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import { buildGraph, withoutMaskEdges, type GraphModel, type GraphNode, type GraphSource } from '../../src/core/figures/graph';
import { keptMacs, type GraphOverlay } from '../../src/core/figures/graphOverlay';
import { latencyShare, type GraphLatency } from '../../src/core/figures/graphLatency';
import type { ToWebview } from '../../src/shared/protocol';
import { post } from '../common/api';
import { h } from '../common/dom';
import { formatMacs, formatPercent } from '../common/format';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { layoutGraph, type Layout } from './layout';
import { installGraphStyles } from './styles';
import { GraphView, type NodeFacts } from './view';

/** The latency option's text while the checkpoint has no latency run. */
const LATENCY_MISSING = l10n.t('Measured latency: measure latency in the FLOPs panel first');

/** Microseconds as "812 µs" or "3.41 ms". */
function formatMicros(us: number): string {
  return us >= 1000 ? `${(us / 1000).toPrecision(3)} ms` : `${us.toPrecision(3)} µs`;
}

type ColourBy = 'dense' | 'kept' | 'latency';

const COLOUR_BY: readonly ColourBy[] = ['kept', 'dense', 'latency'];

class GraphPanel implements PanelApp {
  private ctx!: PanelContext;
  private source: GraphSource | null = null;
  private overlay: GraphOverlay | null = null;
  private latency: GraphLatency | null = null;
  private model: GraphModel | null = null;
  private layout: Layout | null = null;
  private allNodes = false;
  private maskEdges = false;
  private colourBy: ColourBy = 'kept';
  private sample = 0;
  private readonly view = new GraphView((n) => this.select(n));
  private empty!: HTMLElement;
  private body!: HTMLElement;
  private allBox!: HTMLInputElement;
  private maskBox!: HTMLInputElement;
  private colourSelect!: HTMLSelectElement;
  private sampleSlider!: HTMLInputElement;
  private sampleLabel!: HTMLElement;
  private legend!: HTMLElement;
  private layoutRun = 0;

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    this.allNodes = ctx.ui.allNodes === true;
    this.colourBy = COLOUR_BY.includes(ctx.ui.colourBy as ColourBy) ? (ctx.ui.colourBy as ColourBy) : 'kept';
    this.sample = Number(ctx.ui.sample ?? 0);
    this.allBox = h('input', { type: 'checkbox', 'data-control': 'all-nodes', id: 'graph-all-nodes' });
    this.allBox.checked = this.allNodes;
    this.allBox.addEventListener('change', () => {
      this.allNodes = this.allBox.checked;
      ctx.persist('allNodes', this.allNodes);
      void this.relayout();
    });
    this.maskEdges = ctx.ui.maskEdges === true;
    this.maskBox = h('input', { type: 'checkbox', 'data-control': 'mask-edges', id: 'graph-mask-edges' });
    this.maskBox.checked = this.maskEdges;
    this.maskBox.addEventListener('change', () => {
      this.maskEdges = this.maskBox.checked;
      ctx.persist('maskEdges', this.maskEdges);
      void this.relayout();
    });
    this.colourSelect = h('select', { 'data-control': 'colour-by', 'aria-label': l10n.t('Colour boxes by') },
      h('option', { value: 'kept' }, l10n.t('Kept MACs (analysis)')), h('option', { value: 'dense' }, l10n.t('Dense MACs')), h('option', { value: 'latency' }, LATENCY_MISSING));
    this.colourSelect.addEventListener('change', () => {
      this.colourBy = this.colourSelect.value as ColourBy;
      ctx.persist('colourBy', this.colourBy);
      this.draw();
    });
    this.sampleSlider = h('input', { type: 'range', min: 0, max: 0, step: 1, 'data-control': 'sample', 'aria-label': l10n.t('Sample') });
    this.sampleSlider.addEventListener('input', () => {
      this.sample = Number(this.sampleSlider.value);
      ctx.persist('sample', this.sample);
      this.draw();
    });
    this.sampleLabel = h('span', { class: 'muted', 'data-readout': 'sample' });
    this.legend = h('div', { class: 'muted graph-legend', 'data-readout': 'legend' });
    this.empty = h('div', { class: 'empty' }, l10n.t('Reading the graph…'));
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'graph-all-nodes' }, this.allBox, l10n.t('Show all nodes')),
      h('label', { for: 'graph-mask-edges' }, this.maskBox, l10n.t('Show mask and gate edges')),
      h('label', {}, l10n.t('Colour by'), this.colourSelect),
      h('label', { class: 'sample-control' }, l10n.t('Sample'), this.sampleSlider, this.sampleLabel),
    );
    this.body = h('div', { hidden: true }, toolbar, this.legend, this.view.element);
    ctx.root.append(this.empty, this.body);
  }

  onMessage(m: ToWebview): void {
    if (m.type !== 'graph') return;
    this.source = m.source;
    this.overlay = m.overlay;
    this.latency = m.latency ?? null;
    const samples = this.overlay?.samples.length ?? 0;
    this.sample = Math.min(this.sample, Math.max(0, samples - 1));
    this.sampleSlider.max = String(Math.max(0, samples - 1));
    this.sampleSlider.value = String(this.sample);
    (this.sampleSlider.closest('label') as HTMLElement).hidden = samples === 0;
    this.updateColourOptions(samples);
    void this.relayout();
  }

  onThemeChange(): void {
    this.draw();
  }

  private async relayout(): Promise<void> {
    if (!this.source) return;
    const run = ++this.layoutRun;
    const model = buildGraph(this.source, { allNodes: this.allNodes });
    this.model = this.maskEdges ? model : withoutMaskEdges(model);
    this.empty.textContent = l10n.t('Laying out {0} nodes…', this.model.nodes.length);
    const layout = await layoutGraph(this.model);
    if (run !== this.layoutRun) return;
    this.layout = layout;
    this.empty.hidden = true;
    this.body.hidden = false;
    this.draw();
  }

  /** Options offered: kept MACs need an analysis, latency a latency run (else the option says where to measure). */
  private updateColourOptions(samples: number): void {
    const [kept, , latency] = [...this.colourSelect.options];
    kept.disabled = samples === 0;
    latency.disabled = this.latency === null;
    latency.textContent = this.latency ? l10n.t('Measured latency ({0}, {1})', this.latency.variant, this.latency.runtime) : LATENCY_MISSING;
    this.colourSelect.value = this.effectiveColour();
  }

  private effectiveColour(): ColourBy {
    if (this.colourBy === 'latency') return this.latency ? 'latency' : 'dense';
    return this.colourBy === 'kept' && this.overlay && this.overlay.samples.length > 0 ? 'kept' : 'dense';
  }

  private facts(n: GraphNode): NodeFacts {
    const kept = this.overlay ? keptMacs(this.overlay, n.id, this.sample) : null;
    const latencyUs = this.latency?.timeUs[n.id] ?? null;
    const colour = this.effectiveColour();
    let share = n.share;
    if (colour === 'kept' && kept !== null && this.model) share = kept / Math.max(1, this.model.denseMacs);
    if (colour === 'latency') share = this.latency ? (latencyShare(this.latency, n.id) ?? 0) : 0;
    const gates = n.unit && this.overlay ? (this.overlay.samples[this.sample]?.gates[n.unit.id] ?? null) : null;
    return { share, kept, gates, latencyUs };
  }

  private draw(): void {
    if (!this.layout || !this.model) return;
    const compute = this.model.nodes.filter((n) => n.kind === 'compute');
    const maxShare = Math.max(0, ...compute.map((n) => this.facts(n).share));
    this.view.render(this.layout, (n) => this.facts(n), maxShare);
    const s = this.overlay?.samples[this.sample];
    this.sampleLabel.textContent = s ? l10n.t('{0}/{1}', this.sample + 1, this.overlay!.samples.length) + (s.windowStart === null ? '' : l10n.t(' (window start t={0})', s.windowStart)) : '';
    const hidden = this.model.hiddenNodes;
    const colour = this.effectiveColour();
    const what = colour === 'latency'
      ? l10n.t("the layer's measured median time ({0}, {1}) as a share of the {2} summed node time", this.latency!.variant, this.latency!.runtime, formatMicros(this.latency!.nodeTimeUs))
      : colour === 'kept' ? l10n.t("the layer's kept (mask-aware) MACs for this sample as a share of the graph's dense MACs") : l10n.t("the layer's dense MACs as a share of the graph's dense MACs");
    this.legend.textContent = l10n.t('{0} compute layers, {1} dense; colour: {2} (darkest {3}); dashed boxes: mask generator and gate heads (overhead)', compute.length, formatMacs(this.model.denseMacs), what, formatPercent(maxShare))
      + (this.maskEdges ? l10n.t(', dashed edges carry masks and gates') : l10n.t(', the edges carrying masks and gates into the backbone (and the mask outputs) are hidden'))
      + (hidden ? l10n.t('; {0} of {1} ONNX nodes collapsed into edges', hidden, this.model.totalNodes) : '')
      + '.' + (this.overlay ? '' : l10n.t(' Analyse the checkpoint to see kept MACs and filter gates.'));
  }

  private select(n: GraphNode): void {
    this.view.element.querySelectorAll('.node.selected').forEach((e) => e.classList.remove('selected'));
    this.view.element.querySelector(`.node[data-node="${CSS.escape(n.id)}"]`)?.classList.add('selected');
    post({ type: 'revealLayer', node: n.id, unit: n.unit?.id ?? null });
  }
}

installGraphStyles();
startPanel('graph', new GraphPanel());
