/**
 * A Plotly figure box: a figure spec from the engine's builders
 * (src/core/figures), drawn with `Plotly.react` (which diffs against the
 * previous spec; Plotly is loaded on first use), and PNG / SVG export buttons that send the rendered image to
 * the host to save.
 */
import * as l10n from '@vscode/l10n';
import { post, reportError } from './api';
import { h } from './dom';
import type { FigureSpec } from './plotly';
import { loadPlotly } from './plotly';

/** Default Plotly config: no mode bar (exports go through the host), responsive. */
const CONFIG = { displayModeBar: false, responsive: true };

/** The two export buttons of a figure box. */
export function exportButtons(label: string, run: (format: 'png' | 'svg') => void): HTMLElement {
  const button = (format: 'png' | 'svg', icon: string) =>
    h('vscode-toolbar-button', { icon, title: l10n.t('Export {0}', format.toUpperCase()), label: l10n.t('Export {0} as {1}', label, format.toUpperCase()), 'data-export': format, onclick: () => run(format) });
  return h('div', { class: 'fig-actions' }, button('png', 'file-media'), button('svg', 'symbol-misc'));
}

/** One exportable Plotly figure in a panel (the title is part of the figure spec). */
export class Figure {
  readonly element: HTMLElement;
  readonly plot: HTMLElement;
  private rendered = false;

  constructor(
    /** Export file-name stem and `data-figure` attribute (tests look for it). */
    readonly name: string,
    label: string,
    height = 280,
  ) {
    this.plot = h('div', { class: 'plot', 'data-plot': name, role: 'img', 'aria-label': label });
    this.plot.style.height = `${height}px`;
    this.element = h('section', { class: 'figure', 'data-figure': name, 'data-rendered': 'false' }, exportButtons(label, (f) => void this.export(f)), this.plot);
  }

  /** Renders or updates the figure. */
  async update(spec: FigureSpec): Promise<void> {
    const plotly = await loadPlotly();
    // A figure that sizes itself (one row per layer) gets the room it asks for.
    if (typeof spec.layout.height === 'number') this.plot.style.height = `${spec.layout.height}px`;
    await plotly.react(this.plot, spec.data, spec.layout, CONFIG);
    if (!this.rendered) {
      this.rendered = true;
      this.element.dataset.rendered = 'true';
    }
  }

  /** Renders the figure to an image and asks the host to save it. */
  async export(format: 'png' | 'svg'): Promise<void> {
    try {
      const dataUrl = await (await loadPlotly()).toImage(this.plot, { format, scale: format === 'png' ? 2 : 1 });
      post({ type: 'exportFigure', name: this.name, format, dataUrl });
    } catch (e) {
      reportError(e);
    }
  }
}
