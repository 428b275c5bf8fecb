/**
 * Accuracy against effective MACs, one curve per (backbone, method): the
 * Pareto view of a set of analysed checkpoints (each method's front drawn,
 * dominated checkpoints faded) and the trainer's Pareto summary (means over
 * seeds with 95% bands; its tables are in ./paretoTables).
 */
import type { ParetoSummary, ParetoSummaryPoint } from '../schema/pareto';
import type { Analysis } from '../schema/results';
import { denseBackboneMacs, formatSig } from './format';
import { frontOrder, groupBy, nonDominated } from './paretoFront';
import { baseLayout, type FigureSpec, type FigureTheme } from './types';

/** Error shown on the y axis. */
export type ErrorMetric = 'mse' | 'mae';
/** Cost on the x axis: % of the dense backbone's MACs, or absolute GMACs per sample. */
export type MacsAxis = 'percent' | 'gmacs';

/** What the Pareto figures plot. */
export interface ParetoView {
  metric: ErrorMetric;
  macs: MacsAxis;
  logX: boolean;
  logY: boolean;
}

/** One analysed checkpoint of the Pareto view. */
export interface ParetoCheckpoint {
  name: string;
  backbone: string | null;
  /** Training method (the contract's variant). */
  method: string | null;
  /** Grouping chosen by the user instead of the method, when given. */
  group?: string;
  meanEffectiveMacs: number | null;
  denseBackboneMacs: number;
  mse: number | null;
  mae: number | null;
}

/** The Pareto-view point of an analysis (method from the contract's variant). */
export function paretoCheckpointOf(a: Analysis, group?: string): ParetoCheckpoint {
  return {
    name: a.model.name, backbone: a.model.backbone, method: a.model.variant, ...(group ? { group } : {}),
    meanEffectiveMacs: a.aggregates.effectiveMacs.mean, denseBackboneMacs: denseBackboneMacs(a), mse: a.aggregates.mse?.mean ?? null, mae: a.aggregates.mae?.mean ?? null,
  };
}

/** What the Pareto view needs of a compared checkpoint's row (the Compare panel's entries have these fields). */
export interface CompareRow {
  name: string;
  backbone: string | null;
  variant: string | null;
  denseMacs: number;
  denseBackboneMacs?: number;
  meanEffectiveMacs: number | null;
  mse: number | null;
  mae: number | null;
  /** Set when the checkpoint could not be analysed (it is left out). */
  error: string | null;
}

/** The Pareto-view points of the compared rows that were analysed, each in the user's group when one is given per row. */
export function paretoCheckpointsOf(rows: readonly CompareRow[], groups?: readonly string[]): ParetoCheckpoint[] {
  return rows.flatMap((e, i) => (e.error !== null ? [] : [{
    name: e.name, backbone: e.backbone, method: e.variant, ...(groups?.[i] ? { group: groups[i] } : {}),
    meanEffectiveMacs: e.meanEffectiveMacs, denseBackboneMacs: e.denseBackboneMacs ?? e.denseMacs, mse: e.mse, mae: e.mae,
  }]));
}

const METHOD_LABELS: Record<string, string> = { dense: 'Dense', dynapruner: 'Dyna-Pruner', mp_l1: 'Static L1 (MP)', dp_only: 'DP only', mp_only: 'MP only', random: 'Random pruning', independent: 'Independent' };
/** Colour slot of each known method in the theme's series (Dyna-Pruner, dense, random, static L1, ...). */
const METHOD_SLOTS: Record<string, number> = { dynapruner: 0, dense: 1, random: 2, mp_l1: 3, dp_only: 4, mp_only: 5 };
const SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'x', 'star'];
const DASHES = ['solid', 'dash', 'dot', 'dashdot'];
const FADED = 0.3;

/** Words for the trainer's Dyna-Pruner options (`dynapruner+distill+long`). */
const OPTION_LABELS: Record<string, string> = { distill: 'distillation', anneal: 'gate annealing', long: 'long schedule' };

/** The legend name of a method: known methods and options in words (`Dyna-Pruner + distillation`), others as they are. */
export function methodLabel(method: string): string {
  const known = METHOD_LABELS[method];
  if (known) return known;
  const [base, ...options] = method.split('+');
  if (options.length === 0 || !METHOD_LABELS[base] || options.some((o) => o === '')) return method;
  return [METHOD_LABELS[base], ...options.map((o) => OPTION_LABELS[o] ?? o)].join(' + ');
}

/** Colour of a method among those plotted (`order`): fixed for known methods; others take the colours no plotted known method uses. */
export function methodColour(method: string, order: string[], theme: FigureTheme): string {
  const known = METHOD_SLOTS[method];
  if (known !== undefined) return theme.series[known % theme.series.length];
  const used = new Set(order.filter((m) => m in METHOD_SLOTS).map((m) => METHOD_SLOTS[m] % theme.series.length));
  const free = theme.series.map((_, i) => i).filter((i) => !used.has(i));
  const k = order.filter((m) => !(m in METHOD_SLOTS)).indexOf(method);
  return theme.series[free.length > 0 ? free[k % free.length] : k % theme.series.length];
}

/** The group a checkpoint is drawn in: the user's grouping, else its method. */
export function checkpointGroup(c: ParetoCheckpoint): string {
  return c.group ?? c.method ?? 'unknown method';
}

/** x coordinate of a cost: % of the dense backbone, or GMACs. */
function costValue(macs: number, denseBackbone: number, axis: MacsAxis): number {
  return axis === 'percent' ? (100 * macs) / denseBackbone : macs / 1e9;
}

function costText(x: number, axis: MacsAxis): string {
  return axis === 'percent' ? `${formatSig(x, 4)}% of the dense backbone's MACs` : `${formatSig(x, 4)} GMACs per sample`;
}

const METRIC_NAMES: Record<ErrorMetric, string> = { mse: 'MSE', mae: 'MAE' };

function axes(view: ParetoView, theme: FigureTheme): Record<string, unknown> {
  const x = view.macs === 'percent' ? "effective MACs (% of the dense backbone)" : 'effective GMACs per sample';
  const scale = (log: boolean) => (log ? { type: 'log', tickformat: '~g' } : { type: 'linear' });
  return {
    xaxis: { title: { text: view.logX ? `${x}, log scale` : x }, gridcolor: theme.grid, ...scale(view.logX) },
    yaxis: { title: { text: view.logY ? `${METRIC_NAMES[view.metric]}, log scale` : METRIC_NAMES[view.metric] }, gridcolor: theme.grid, ...scale(view.logY) },
  };
}

function layout(theme: FigureTheme, title: string, view: ParetoView): Record<string, unknown> {
  return baseLayout(theme, title, {
    ...axes(view, theme),
    title: { text: title, font: { size: 13 }, y: 0.99, yref: 'container', yanchor: 'top' },
    legend: { orientation: 'h', x: 0, y: 1.0, yanchor: 'bottom' },
    margin: { l: 60, r: 16, t: 96, b: 48 },
    hovermode: 'closest',
  });
}

/** Style of a (backbone, method) curve: colour from the method, symbol and dash from the backbone. */
function curveStyle(method: string, backbone: string, methods: string[], backbones: string[], theme: FigureTheme) {
  const b = Math.max(0, backbones.indexOf(backbone));
  return { colour: methodColour(method, methods, theme), symbol: SYMBOLS[b % SYMBOLS.length], dash: DASHES[b % DASHES.length] };
}

/** MSE (or MAE) against effective MACs of analysed checkpoints: each group's front as a line, dominated checkpoints faded. */
export function checkpointParetoFigure(checkpoints: readonly ParetoCheckpoint[], view: ParetoView, theme: FigureTheme): FigureSpec {
  const usable = checkpoints.filter((c) => c.meanEffectiveMacs !== null && c.denseBackboneMacs > 0 && Number.isFinite(c[view.metric] ?? NaN));
  const groups = groupBy(usable, (c) => `${c.backbone ?? '?'}\u0000${checkpointGroup(c)}`);
  const methods = [...new Set(usable.map(checkpointGroup))];
  const backbones = [...new Set(usable.map((c) => c.backbone ?? '?'))];
  const data: Record<string, unknown>[] = [];
  for (const members of groups.values()) {
    const backbone = members[0].backbone ?? '?';
    const method = checkpointGroup(members[0]);
    const name = `${backbone} · ${methodLabel(method)}`;
    const style = curveStyle(method, backbone, methods, backbones, theme);
    const pts = members.map((c) => ({ c, cost: costValue(c.meanEffectiveMacs!, c.denseBackboneMacs, view.macs), error: c[view.metric]! }));
    const onFront = nonDominated(pts);
    const hover = (p: (typeof pts)[number], front: boolean) =>
      `${p.c.name}<br>${name}${front ? '' : ' (dominated)'}<br>${costText(p.cost, view.macs)}<br>${METRIC_NAMES[view.metric]} ${formatSig(p.error, 4)}`;
    const order = frontOrder(pts);
    data.push({
      type: 'scatter', mode: 'lines+markers', name, legendgroup: name,
      x: order.map((i) => pts[i].cost), y: order.map((i) => pts[i].error), hovertext: order.map((i) => hover(pts[i], true)), hovertemplate: '%{hovertext}<extra></extra>',
      line: { color: style.colour, dash: style.dash, width: 2 }, marker: { color: style.colour, symbol: style.symbol, size: 10 },
      meta: { role: 'front', checkpoints: order.map((i) => pts[i].c.name) },
    });
    const dominated = pts.filter((_, i) => !onFront[i]);
    if (dominated.length > 0) {
      data.push({
        type: 'scatter', mode: 'markers', name: `${name} (dominated)`, legendgroup: name, showlegend: false,
        x: dominated.map((p) => p.cost), y: dominated.map((p) => p.error), hovertext: dominated.map((p) => hover(p, false)), hovertemplate: '%{hovertext}<extra></extra>',
        marker: { color: style.colour, symbol: style.symbol, size: 9, opacity: FADED },
        meta: { role: 'dominated', checkpoints: dominated.map((p) => p.c.name) },
      });
    }
  }
  return { data, layout: layout(theme, `${METRIC_NAMES[view.metric]} vs effective MACs: each method's Pareto front`, view) };
}

/** Legend label of a grid point: its sparsity targets. */
export function summaryPointLabel(p: ParetoSummaryPoint): string {
  const targets = [p.sD !== null ? `s_d=${p.sD}` : '', p.sW !== null ? `s_w=${p.sW}` : ''].filter(Boolean).join(', ');
  return targets ? `${methodLabel(p.method)} (${targets})` : methodLabel(p.method);
}

/** A grid point's cost on the chosen axis: mean and its 95% interval. */
export function summaryCost(p: ParetoSummaryPoint, axis: MacsAxis): { mean: number; lo: number | null; hi: number | null } {
  if (axis === 'gmacs') {
    const g = (v: number | null) => (v === null ? null : v / 1e9);
    return { mean: (p.effectiveMacs.mean ?? NaN) / 1e9, lo: g(p.effectiveMacs.lo), hi: g(p.effectiveMacs.hi) };
  }
  const pct = (r: number | null) => (r === null ? null : 100 * (1 - r));
  return { mean: pct(p.macReduction.mean) ?? NaN, lo: pct(p.macReduction.hi), hi: pct(p.macReduction.lo) };
}

const ci = (lo: number | null, hi: number | null, digits = 4) => (lo === null || hi === null ? 'no CI (one seed)' : `95% CI ${formatSig(lo, digits)} to ${formatSig(hi, digits)}`);

/** Hover text of one grid point: its targets, MSE and MACs with their intervals, the seeds behind them. */
export function summaryHover(p: ParetoSummaryPoint, axis: MacsAxis): string {
  const c = summaryCost(p, axis);
  return [
    `${p.backbone} · ${summaryPointLabel(p)}`,
    `MSE ${formatSig(p.mse.mean, 4)} (${ci(p.mse.lo, p.mse.hi)})`,
    `${costText(c.mean, axis)} (${ci(c.lo, c.hi)})`,
    `mean of ${p.mse.n} seeds`,
  ].join('<br>');
}

/** The summary's curves: mean MSE over seeds against mean effective MACs, 95% t-interval bands, MAC intervals as horizontal bars. */
export function summaryParetoFigure(summary: ParetoSummary, view: Omit<ParetoView, 'metric'>, theme: FigureTheme): FigureSpec {
  const usable = summary.points.filter((p) => p.mse.mean !== null && Number.isFinite(summaryCost(p, view.macs).mean));
  const groups = groupBy(usable, (p) => `${p.backbone}\u0000${p.method}`);
  const methods = [...new Set(usable.map((p) => p.method))];
  const backbones = [...new Set(usable.map((p) => p.backbone))];
  const data: Record<string, unknown>[] = [];
  for (const members of groups.values()) {
    const { backbone, method } = members[0];
    const name = `${backbone} · ${methodLabel(method)}`;
    const style = curveStyle(method, backbone, methods, backbones, theme);
    const pts = members.map((p) => ({ p, c: summaryCost(p, view.macs) })).sort((a, b) => a.c.mean - b.c.mean);
    const banded = pts.filter(({ p }) => p.mse.lo !== null && p.mse.hi !== null);
    if (banded.length >= 2) data.push(band(name, banded.map(({ p, c }) => ({ x: c.mean, lo: p.mse.lo!, hi: p.mse.hi! })), style.colour));
    const front = nonDominated(pts.map(({ p, c }) => ({ cost: c.mean, error: p.mse.mean! })));
    const single = banded.length < 2;
    data.push({
      type: 'scatter', mode: 'lines+markers', name, legendgroup: name,
      x: pts.map(({ c }) => c.mean), y: pts.map(({ p }) => p.mse.mean),
      hovertext: pts.map(({ p }) => summaryHover(p, view.macs)), hovertemplate: '%{hovertext}<extra></extra>',
      line: { color: style.colour, dash: style.dash, width: 2 },
      marker: { color: style.colour, symbol: style.symbol, size: 9, opacity: front.map((f) => (f ? 1 : FADED + 0.2)) },
      error_x: errorBars(pts.map(({ c }) => [c.mean, c.lo, c.hi]), style.colour),
      ...(single ? { error_y: errorBars(pts.map(({ p }) => [p.mse.mean!, p.mse.lo, p.mse.hi]), style.colour) } : {}),
      meta: { role: 'summary-mean', backbone, method, points: pts.map(({ p }) => p.point) },
    });
  }
  return { data, layout: layout(theme, 'MSE vs effective MACs over seeds: means with 95% confidence bands', { ...view, metric: 'mse' }) };
}

/** A closed band between `lo` and `hi` along x (drawn under the mean curve). */
function band(name: string, pts: { x: number; lo: number; hi: number }[], colour: string): Record<string, unknown> {
  return {
    type: 'scatter', mode: 'lines', name: `${name} 95% CI`, legendgroup: name, showlegend: false, hoverinfo: 'skip',
    x: [...pts.map((p) => p.x), ...pts.map((p) => p.x).reverse()], y: [...pts.map((p) => p.hi), ...pts.map((p) => p.lo).reverse()],
    fill: 'toself', fillcolor: translucent(colour, 0.18), line: { width: 0, color: colour },
    meta: { role: 'band' },
  };
}

/** Asymmetric error bars from [mean, lo, hi] (none where the interval is missing). */
function errorBars(values: [number, number | null, number | null][], colour: string): Record<string, unknown> {
  return {
    type: 'data', symmetric: false, color: colour, thickness: 1, width: 3,
    array: values.map(([m, , hi]) => (hi === null ? 0 : Math.max(0, hi - m))),
    arrayminus: values.map(([m, lo]) => (lo === null ? 0 : Math.max(0, m - lo))),
  };
}

/** `#rrggbb` (or any CSS colour) at an opacity; non-hex colours are returned as they are. */
function translucent(colour: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour.trim());
  if (!m) return colour;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}
