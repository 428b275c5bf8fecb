/**
 * Overview panel (also the *.onnx custom editor): model facts, contract,
 * units, dense params / MACs, variant, training metrics, per-layer table.
 * Inspection only: it works in untrusted workspaces.
 */
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
  private readonly layersFigure = new Figure('overview-layer-macs', 'Dense MACs per layer', 280);
  private readonly table = new SortableTable<OverviewModel['layers'][number]>('overview-layers', [
    { title: 'layer', text: (l) => l.name },
    { title: 'op', text: (l) => l.op },
    { title: 'output', text: (l) => l.outputShape },
    { title: 'params', text: (l) => formatCount(l.params), sort: (l) => l.params },
    { title: 'MACs', text: (l) => formatCount(l.macs), sort: (l) => l.macs },
  ]);

  mount(ctx: PanelContext): void {
    this.ctx = ctx;
    ctx.root.append(h('div', { class: 'empty' }, 'Reading the checkpoint…'));
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
    const action = (a: PanelAction, label: string, icon: string, needsContract: boolean) =>
      h('vscode-button', { icon, 'data-action': a, disabled: !this.ctx.trusted() || (needsContract && !o.variant), onclick: () => post({ type: 'action', action: a }) }, label);
    append(root,
      h('div', { class: 'stats', 'data-stats': 'totals' },
        h('div', { class: 'stat', 'data-stat': 'params' }, h('div', { class: 'v' }, formatCount(o.totals.params)), h('div', { class: 'k' }, 'parameters')),
        h('div', { class: 'stat', 'data-stat': 'macs' }, h('div', { class: 'v' }, formatMacs(o.totals.macs)), h('div', { class: 'k' }, 'dense MACs per sample')),
        h('div', { class: 'stat', 'data-stat': 'flops' }, h('div', { class: 'v' }, formatMacs(o.totals.macs, 'FLOPs')), h('div', { class: 'k' }, 'dense FLOPs (2 × MACs)')),
        h('div', { class: 'stat', 'data-stat': 'variant' }, h('div', { class: 'v' }, o.variant ?? '–'), h('div', { class: 'k' }, 'variant')),
        h('div', { class: 'stat' }, h('div', { class: 'v' }, `${(o.sizeBytes / 1024 / 1024).toFixed(2)} MB`), h('div', { class: 'k' }, 'file size')),
      ),
      h('div', { class: 'toolbar' },
        action('analyze', 'Analyze samples', 'pulse', true),
        action('sweep', 'Robustness sweep', 'graph-line', true),
        action('flops', 'FLOPs breakdown', 'graph', true),
        action('filters', 'Filter activity', 'symbol-array', true),
        action('profile', 'Profile on remote device', 'remote', false),
      ),
      o.contractProblem ? h('div', { class: 'banner info', 'data-banner': 'no-contract' }, h('span', { class: 'codicon codicon-info' }), h('span', {}, o.contractProblem)) : null,
      h('div', { class: 'cards' },
        h('div', { class: 'card' }, h('h2', {}, 'Model'), facts(o.model)),
        o.contract.length ? h('div', { class: 'card' }, h('h2', {}, 'Dyna-Pruner contract'), facts(o.contract)) : null,
        o.training.length ? h('div', { class: 'card' }, h('h2', {}, 'Training'), facts(o.training)) : null,
      ),
      h('h2', {}, o.variant ? 'Gated units' : 'Prunable units'),
      h('table', { class: 'data', 'data-table': 'units' },
        h('thead', {}, h('tr', {}, h('th', {}, 'unit'), h('th', {}, 'node'), h('th', {}, 'filters'), h('th', {}, 'τ'))),
        h('tbody', {}, ...o.units.map((u) => h('tr', {}, h('td', {}, u.name), h('td', {}, u.node), h('td', {}, u.channels), h('td', {}, u.tau === null ? '–' : u.tau.toFixed(3))))),
      ),
      h('h2', {}, 'Layers'),
      this.layersFigure.element,
      this.table.element,
    );
    this.table.update(o.layers);
    void this.layersFigure.update(this.layersSpec(o));
  }

  private layersSpec(o: OverviewModel) {
    return layerMacsFigure(o.layers, figureTheme());
  }
}

startPanel('overview', new OverviewPanel());
