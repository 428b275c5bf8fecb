/** Dense cost per layer of an inspected checkpoint (Overview panel / custom editor). */
import { HOVER_FORMAT } from './format';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** Bars of dense MMACs per MAC-bearing layer in graph order. */
export function layerMacsFigure(layers: { name: string; macs: number }[], theme: FigureTheme): FigureSpec {
  const shown = layers.filter((l) => l.macs > 0);
  return {
    data: [{ type: 'bar', x: shown.map((l) => l.name), y: shown.map((l) => l.macs / 1e6), marker: { color: theme.series[0] }, hovertemplate: `%{x}<br>%{y:${HOVER_FORMAT}} MMACs<extra></extra>` }],
    layout: baseLayout(theme, 'Dense MACs per layer', {
      xaxis: { showticklabels: false, title: { text: 'layers (graph order)' }, gridcolor: theme.grid },
      yaxis: { title: { text: 'MMACs' }, gridcolor: theme.grid },
    }),
  };
}
