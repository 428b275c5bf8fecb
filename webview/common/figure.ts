/**
 * A figure box: title, a Plotly plot, and PNG / SVG export buttons that send
 * the rendered image to the host to save. `update` uses `Plotly.react`, which
 * diffs and only redraws what changed (cheap enough for slider scrubbing).
 */
import { post, reportError } from './api';
import { h } from './dom';
import type { FigureSpec } from './plotly';
import { plotly } from './plotly';

/** Default Plotly config: no mode bar (exports go through the host), responsive. */
const CONFIG = { displayModeBar: false, responsive: true, staticPlot: false };

/** One exportable figure in a panel. */
export class Figure {
  readonly element: HTMLElement;
  readonly plot: HTMLElement;
  private rendered = false;

  constructor(
    /** Export file-name stem and `data-figure` attribute (tests look for it). */
    readonly name: string,
    title: string,
    height = 260,
  ) {
    this.plot = h('div', { class: 'plot', 'data-plot': name });
    this.plot.style.height = `${height}px`;
    const button = (format: 'png' | 'svg', icon: string) =>
      h('vscode-toolbar-button', { icon, title: `Export ${format.toUpperCase()}`, label: `Export ${title} as ${format.toUpperCase()}`, 'data-export': format, onclick: () => void this.export(format) });
    this.element = h('section', { class: 'figure', 'data-figure': name, 'data-rendered': 'false' }, h('div', { class: 'fig-title' }, title), h('div', { class: 'fig-actions' }, button('png', 'file-media'), button('svg', 'symbol-misc')), this.plot);
  }

  /** Renders or updates the figure. */
  async update(spec: FigureSpec): Promise<void> {
    await plotly().react(this.plot, spec.data, spec.layout, { ...CONFIG, ...spec.config });
    if (!this.rendered) {
      this.rendered = true;
      this.element.dataset.rendered = 'true';
    }
  }

  /** Renders the figure to an image and asks the host to save it. */
  async export(format: 'png' | 'svg'): Promise<void> {
    try {
      const dataUrl = await plotly().toImage(this.plot, { format, scale: format === 'png' ? 2 : 1 });
      post({ type: 'exportFigure', name: this.name, format, dataUrl });
    } catch (e) {
      reportError(e);
    }
  }
}
