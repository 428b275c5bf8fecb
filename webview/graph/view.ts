/**
 * Draws a laid-out graph as SVG: boxes coloured by a MACs or time share, gate strips
 * (one cell per filter, on/off) under gated layers, overhead layers dashed;
 * wheel zooms around the cursor, drag pans, hover shows a tooltip, click
 * selects a layer.
 */
import * as l10n from '@vscode/l10n';
import type { GraphNode } from '../../src/core/figures/graph';
import { colorLut } from '../../src/core/figures/raster';
import { h } from '../common/dom';
import { formatMacs, formatPercent } from '../common/format';
import { figureTheme } from '../common/theme';
import type { Layout, PlacedNode } from './layout';

const SVG = 'http://www.w3.org/2000/svg';

/** What the view shows of each node besides the layout. */
export interface NodeFacts {
  /** Colour value 0..1 (share of the graph's dense MACs). */
  share: number;
  /** Kept (effective) MACs of the current analysis, null without one. */
  kept: number | null;
  /** Gate mask of the node's unit for the current sample, null when not gated or no analysis. */
  gates: number[] | null;
  /** Measured median time of the layer, microseconds; null without a latency run. */
  latencyUs?: number | null;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Text colour readable on a fill. */
function inkOn(rgb: [number, number, number]): string {
  return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 150 ? '#111111' : '#f5f5f5';
}

/** The SVG graph with zoom, pan, tooltip and selection. */
export class GraphView {
  readonly element: HTMLElement;
  private readonly svgEl: SVGSVGElement;
  private readonly scene: SVGGElement;
  private readonly tooltip: HTMLElement;
  private scale = 1;
  private tx = 0;
  private ty = 0;

  constructor(private readonly onSelect: (node: GraphNode) => void) {
    this.svgEl = svg('svg', { class: 'graph-svg', role: 'img', 'aria-label': l10n.t('Model graph') });
    this.scene = svg('g', { class: 'scene' });
    this.svgEl.append(this.scene);
    this.tooltip = h('div', { class: 'graph-tooltip', role: 'tooltip', hidden: true });
    this.element = h('div', { class: 'graph-canvas' }, this.svgEl, this.tooltip);
    this.wireZoomPan();
  }

  /** Draws the layout; `facts` gives each node's colour value, kept MACs and gates. */
  render(layout: Layout, facts: (n: GraphNode) => NodeFacts, maxShare: number): void {
    this.scene.replaceChildren();
    const theme = figureTheme();
    const lut = colorLut(theme.sequential);
    const edges = svg('g', { class: 'edges' });
    for (const e of layout.edges) {
      if (e.points.length < 2) continue;
      const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
      edges.append(svg('path', { d, class: e.mask ? 'edge mask' : 'edge', 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }));
    }
    const defs = svg('defs', {});
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }));
    defs.append(marker);
    const nodes = svg('g', { class: 'nodes' });
    for (const p of layout.nodes) nodes.append(this.nodeShape(p, facts(p.node), lut, maxShare));
    this.scene.append(defs, edges, nodes);
    this.fit(layout);
  }

  private nodeShape(p: PlacedNode, f: NodeFacts, lut: Uint8Array, maxShare: number): SVGGElement {
    const n = p.node;
    const g = svg('g', { class: `node ${n.kind}${n.overhead ? ' overhead' : ''}`, 'data-node': n.id, transform: `translate(${p.x},${p.y})`, tabindex: 0, role: 'button', 'aria-label': `${n.op} ${n.label}` });
    if (n.kind === 'op') {
      g.append(svg('circle', { cx: p.width / 2, cy: p.height / 2, r: p.width / 2, class: 'dot' }));
    } else if (n.kind === 'compute') {
      const level = maxShare > 0 ? Math.sqrt(Math.min(1, f.share / maxShare)) : 0;
      const i = Math.round(level * 255) * 3;
      const rgb: [number, number, number] = [lut[i], lut[i + 1], lut[i + 2]];
      g.append(svg('rect', { width: p.width, height: p.height, rx: 4, class: 'box', fill: `rgb(${rgb.join(',')})`, 'data-level': level.toFixed(4) }));
      const label = svg('text', { x: 8, y: 15, class: 'label', fill: inkOn(rgb) });
      label.textContent = n.label;
      const sub = svg('text', { x: 8, y: 30, class: 'sub', fill: inkOn(rgb) });
      sub.textContent = `${n.op} · ${formatMacs(f.kept ?? n.macs)}${n.overhead ? l10n.t(' · overhead') : ''}`;
      g.append(label, sub);
      if (f.gates) g.append(this.gateStrip(f.gates, p.width));
    } else {
      g.append(svg('rect', { width: p.width, height: p.height, rx: 13, class: 'terminal' }));
      const label = svg('text', { x: p.width / 2, y: 17, class: 'label terminal-label', 'text-anchor': 'middle' });
      label.textContent = n.label;
      g.append(label);
    }
    g.addEventListener('mouseenter', (e) => this.showTooltip(n, f, e));
    g.addEventListener('mousemove', (e) => this.moveTooltip(e));
    g.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
    if (n.kind === 'compute') {
      g.addEventListener('click', () => this.onSelect(n));
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') this.onSelect(n);
      });
    }
    return g;
  }

  private gateStrip(mask: number[], width: number): SVGGElement {
    const strip = svg('g', { class: 'gates', transform: 'translate(6,37)', 'data-gates': mask.join('') });
    const cell = Math.max(1, Math.min(6, (width - 12) / mask.length));
    mask.forEach((on, k) => strip.append(svg('rect', { x: k * cell, y: 0, width: Math.max(1, cell - 0.5), height: 8, class: on ? 'gate on' : 'gate off' })));
    return strip;
  }

  private showTooltip(n: GraphNode, f: NodeFacts, e: MouseEvent): void {
    const rows: [string, string][] = [[l10n.t('op'), n.op], [l10n.t('node'), n.id]];
    if (n.inputShapes.length) rows.push([l10n.t('inputs'), n.inputShapes.map((s) => `[${s.join('×')}]`).join(' ')]);
    if (n.outputShape) rows.push([l10n.t('output'), `[${n.outputShape.join('×')}]`]);
    if (n.kind === 'compute') {
      rows.push([l10n.t('dense MACs'), l10n.t('{0} ({1} of the graph)', formatMacs(n.macs), formatPercent(n.share))]);
      if (f.kept !== null) rows.push([l10n.t('kept MACs'), l10n.t('{0} ({1} of the layer)', formatMacs(f.kept), n.macs > 0 ? formatPercent(f.kept / n.macs) : '–')]);
      if (f.latencyUs !== undefined && f.latencyUs !== null) rows.push([l10n.t('measured time'), l10n.t('{0} µs (median)', f.latencyUs.toPrecision(3))]);
    }
    if (n.unit) rows.push([l10n.t('unit'), l10n.t('{0}: {1}{2} filters', n.unit.name, f.gates ? `${f.gates.filter((v) => v).length}/` : '', n.unit.channels)]);
    if (n.overhead) rows.push([l10n.t('cost'), l10n.t('overhead (mask generator / gate head)')]);
    this.tooltip.replaceChildren(h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    this.tooltip.hidden = false;
    this.moveTooltip(e);
  }

  private moveTooltip(e: MouseEvent): void {
    const box = this.element.getBoundingClientRect();
    const x = Math.min(e.clientX - box.left + 14, Math.max(0, box.width - this.tooltip.offsetWidth - 4));
    this.tooltip.style.left = `${x}px`;
    this.tooltip.style.top = `${e.clientY - box.top + 14}px`;
  }

  /** Scales the whole graph into the view's width (never above 1:1). */
  private fit(layout: Layout): void {
    const width = this.element.clientWidth || 800;
    this.scale = Math.min(1, (width - 20) / Math.max(1, layout.width));
    this.tx = (width - layout.width * this.scale) / 2;
    this.ty = 10;
    this.apply();
  }

  private apply(): void {
    this.scene.setAttribute('transform', `translate(${this.tx.toFixed(1)},${this.ty.toFixed(1)}) scale(${this.scale.toFixed(4)})`);
  }

  private wireZoomPan(): void {
    this.svgEl.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const box = this.svgEl.getBoundingClientRect();
        const cx = e.clientX - box.left;
        const cy = e.clientY - box.top;
        const next = Math.max(0.05, Math.min(8, this.scale * Math.exp(-e.deltaY * 0.0015)));
        this.tx = cx - ((cx - this.tx) * next) / this.scale;
        this.ty = cy - ((cy - this.ty) * next) / this.scale;
        this.scale = next;
        this.apply();
      },
      { passive: false },
    );
    let drag: { x: number; y: number; tx: number; ty: number } | null = null;
    this.svgEl.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.node.compute')) return;
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty };
      this.svgEl.setPointerCapture(e.pointerId);
      this.svgEl.classList.add('dragging');
    });
    this.svgEl.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.tx = drag.tx + e.clientX - drag.x;
      this.ty = drag.ty + e.clientY - drag.y;
      this.apply();
    });
    const end = () => {
      drag = null;
      this.svgEl.classList.remove('dragging');
    };
    this.svgEl.addEventListener('pointerup', end);
    this.svgEl.addEventListener('pointercancel', end);
  }

  /** The current zoom factor (tests and the toolbar's readout). */
  get zoom(): number {
    return this.scale;
  }
}
