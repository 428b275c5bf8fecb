/**
 * Overview panel (also the *.onnx custom editor): model facts, contract,
 * units, dense params / MACs, variant, training metrics, per-layer table.
 * Inspection only: it works in untrusted workspaces.
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import { layerMacsFigure } from '../../src/core/figures/overview';
import type { OverviewModel } from '../../src/shared/models';
import type { PanelAction, ToWebview } from '../../src/shared/protocol';
import { post } from '../common/api';
import { append, clear, h } from '../common/dom';
import { Figure } from '../common/figure';
import { formatCount, formatMacs } from '../common/format';
import type { PanelApp, PanelContext } from '../common/shell';
import { startPanel } from '../common/shell';
import { SortableTable } from '../common/table';
import { figureTheme } from '../common/theme';

class OverviewPanel implements PanelApp {
  private ctx!: PanelContext;
  private model: OverviewModel | null = null;
  private readonly layersFigure = new Figure('overview-layer-macs', l10n.t('Dense MACs per layer'), 280);
  private readonly table = new SortableTable<OverviewModel['layers'][number]>('overview-layers', [
    { title: l10n.t('layer'), text: (l) => l.name },
    { title: l10n.t('op'), text: (l) => l.op },
    { title: l10n.t('output'), text: (l) => l.outputShape },
    { title: l10n.t('params'), text: (l) => formatCount(l.params), sort: (l) => l.params },
    { title: l10n.t('MACs'), text: (l) => formatCount(l.macs), sort: (l) => l.macs },
  ]);

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    ctx.root.append(h('div', { class: 'empty' }, l10n.t('Reading the checkpoint…')));
  }

  onMessage(m: ToWebview): void {
    if (m.type !== 'overview') return;
    this.model = m.overview;
    this.render();
  }

  onThemeChange(): void {
    if (this.model) void this.layersFigure.update(this.layersSpec(this.model));
  }

  private render(): void {
    const o = this.model!;
    const root = this.ctx.root;
    clear(root);
    const facts = (rows: { label: string; value: string }[]) => h('dl', { class: 'facts' }, ...rows.flatMap((f) => [h('dt', {}, f.label), h('dd', {}, f.value)]));
    // Actions a plain model cannot do are not offered at all (no button that fails into an empty panel).
    const action = (a: PanelAction, label: string, icon: string, needsContract: boolean) =>
      needsContract && !o.variant ? null : h('vscode-button', { icon, 'data-action': a, 'aria-label': label, disabled: !this.ctx.trusted(), onclick: () => post({ type: 'action', action: a }) }, label);
    const sameNames = o.units.every((u) => u.name === u.node);
    append(root,
      h('div', { class: 'stats', 'data-stats': 'totals' },
        h('div', { class: 'stat', 'data-stat': 'params' }, h('div', { class: 'v' }, formatCount(o.totals.params)), h('div', { class: 'k' }, l10n.t('parameters'))),
        h('div', { class: 'stat', 'data-stat': 'macs' }, h('div', { class: 'v' }, formatMacs(o.totals.macs)), h('div', { class: 'k' }, l10n.t('dense MACs per sample'))),
        h('div', { class: 'stat', 'data-stat': 'flops' }, h('div', { class: 'v' }, formatMacs(o.totals.macs, 'FLOPs')), h('div', { class: 'k' }, l10n.t('dense FLOPs (2 × MACs)'))),
        h('div', { class: 'stat', 'data-stat': 'variant' }, h('div', { class: 'v' }, o.variant ?? '–'), h('div', { class: 'k' }, l10n.t('variant'))),
        h('div', { class: 'stat' }, h('div', { class: 'v' }, `${(o.sizeBytes / 1024 / 1024).toFixed(2)} MB`), h('div', { class: 'k' }, l10n.t('file size'))),
      ),
      h('div', { class: 'toolbar' },
        action('analyze', l10n.t('Analyze Checkpoint'), 'pulse', true),
        action('sweep', l10n.t('Robustness sweep'), 'graph-line', true),
        action('flops', l10n.t('FLOPs breakdown'), 'graph', false),
        action('filters', l10n.t('Filter activity'), 'symbol-array', true),
        action('graph', l10n.t('Model graph'), 'type-hierarchy', false),
        action('profile', l10n.t('Profile on remote device'), 'remote', false),
      ),
      o.contractProblem ? h('div', { class: 'banner info', 'data-banner': 'no-contract' }, h('span', { class: 'codicon codicon-info' }), h('span', {}, o.contractProblem)) : null,
      h('div', { class: 'cards' },
        h('div', { class: 'card' }, h('h2', {}, l10n.t('Model')), facts(o.model)),
        o.contract.length ? h('div', { class: 'card' }, h('h2', {}, l10n.t('Dyna-Pruner contract')), facts(o.contract)) : null,
        o.training.length ? h('div', { class: 'card' }, h('h2', {}, l10n.t('Training')), facts(o.training)) : null,
      ),
      h('h2', {}, o.variant ? l10n.t('Gated units') : l10n.t('Prunable units')),
      h('div', { class: 'table-scroll' }, h('table', { class: 'data', 'data-table': 'units' },
        h('thead', {}, h('tr', {}, h('th', {}, sameNames ? l10n.t('node') : l10n.t('unit')), sameNames ? null : h('th', {}, l10n.t('node')), h('th', {}, l10n.t('filters')), o.variant ? h('th', {}, 'τ') : null)),
        h('tbody', {}, ...o.units.map((u) => h('tr', {}, h('td', {}, u.name), sameNames ? null : h('td', {}, u.node), h('td', {}, u.channels), o.variant ? h('td', {}, u.tau === null ? '–' : u.tau.toFixed(3)) : null))),
      )),
      h('h2', {}, l10n.t('Layers')),
      this.layersFigure.element,
      h('div', { class: 'toolbar' }, this.allNodesToggle(o)),
      this.table.element,
    );
    this.updateLayers(o);
    void this.layersFigure.update(this.layersSpec(o));
  }

  /** "All nodes" checkbox: by default the table lists the compute layers (Conv, Gemm, MatMul, recurrent) only. */
  private allNodesToggle(o: OverviewModel): HTMLElement {
    const compute = o.layers.filter((l) => l.macs > 0).length;
    const box = h('input', { type: 'checkbox', 'data-control': 'all-nodes', 'aria-label': l10n.t('Show all graph nodes in the Layers table') }) as HTMLInputElement;
    box.checked = this.ctx.ui.allNodes === true;
    box.addEventListener('change', () => {
      this.ctx.persist('allNodes', box.checked);
      this.updateLayers(o);
    });
    return h('label', {}, box, l10n.t('all {0} nodes (default: the {1} compute layers)', o.layers.length, compute));
  }

  private updateLayers(o: OverviewModel): void {
    this.table.update(this.ctx.ui.allNodes === true ? o.layers : o.layers.filter((l) => l.macs > 0));
  }

  private layersSpec(o: OverviewModel) {
    return layerMacsFigure(o.layers, figureTheme());
  }
}

startPanel('overview', new OverviewPanel());
