/**
 * Remote profiling panel: device card, per-host live progress and tegrastats
 * plot, latency histograms and percentiles (dense mode vs Dyna-Pruner vs
 * static L1 and any compared model), mask-aware MACs next to the measured
 * latency, energy table, run history with re-run and compare. Plotly is
 * loaded on first use (`<body data-plotly-src>`, webview/common/plotly.ts);
 * colours from the --vscode-* theme variables.
 * Figures carry `data-figure` / `data-rendered` like the other panels.
 */
// First: the translation bundle is configured before any module below runs (webview/common/l10n.ts).
import '../common/l10n';
import * as l10n from '@vscode/l10n';
import { vscodeApi } from '../common/api';
import { h } from '../common/dom';
import { formatNumber } from '../common/format';
import { loadPlotly, type FigureSpec } from '../common/plotly';
import { figureTheme, onThemeChange } from '../common/theme';
import type { FromRemoteWebview, PanelLivePoint, PanelProgress, PanelRun } from '../../src/shared/remoteProtocol';
import { isToRemoteWebview, readRemotePanelState } from '../../src/shared/remoteValidate';
import { appendPlans, appendPredictions } from './sparseSections';
import { table } from './table';

const api = vscodeApi();
const post = (m: FromRemoteWebview) => api.postMessage(m);
const palette = () => figureTheme().series;
const CONFIG = { displaylogo: false, displayModeBar: false, responsive: true };
/** Significant digits of latencies, throughput and MACs; of power, GPU load and energy (tegrastats resolution). */
const LATENCY_DIGITS = 4;
const POWER_DIGITS = 3;
const ms = (v: number) => formatNumber(v, LATENCY_DIGITS);
const DENSE_RUNTIME_NOTE =
  l10n.t('MACs are mask-aware (counting spec); latency is what the runtime measured. onnxruntime and TensorRT without sparsity execute masked filters and positions anyway, so the MAC saving becomes a latency saving only with a sparse executor.');

let runs: PanelRun[] = [];
let selected: string[] = [];
const live = new Map<string, PanelLivePoint[]>();
const progress = new Map<string, PanelProgress>();

/** Persists the shown runs (the host's serializer reopens them after a reload). */
function saveSelection(): void {
  api.setState({ selected });
}

function layout(x: string, y: string): Record<string, unknown> {
  const theme = figureTheme();
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: theme.foreground, family: theme.font },
    xaxis: { title: { text: x }, gridcolor: theme.grid },
    yaxis: { title: { text: y }, gridcolor: theme.grid },
    legend: { orientation: 'h', y: -0.25 },
    margin: { l: 50, r: 50, t: 10, b: 40 },
    barmode: 'overlay',
    height: 280,
  };
}

/** A figure box the tests can find: `data-figure=name`, `data-rendered` once Plotly drew it. */
function figure(name: string, title: string): { box: HTMLElement; plot: HTMLElement } {
  const plot = h('div', { class: 'plot', 'data-plot': name });
  const box = h('section', { class: 'figure', 'data-figure': name, 'data-rendered': 'false' }, h('h3', {}, title), plot);
  return { box, plot };
}
function draw(f: { box: HTMLElement; plot: HTMLElement }, data: unknown[], lay: Record<string, unknown>): void {
  loadPlotly()
    .then((p) => p.react(f.plot, data as FigureSpec['data'], lay as FigureSpec['layout'], CONFIG))
    .then(() => (f.box.dataset.rendered = 'true'))
    .catch((e: unknown) => console.error(`figure ${f.box.dataset.figure}: ${e instanceof Error ? e.message : String(e)}`));
}

function deviceCard(r: PanelRun): HTMLElement {
  const d = r.device;
  return h(
    'section',
    { class: 'card', 'data-device': r.host.alias },
    h('h3', {}, l10n.t('{0} — {1}', r.host.alias, d.model ?? l10n.t('unknown board'))),
    h('div', {}, l10n.t('{0} · L4T {1} (JetPack {2}) · power mode {3} · {4} CPUs · {5} MB · {6}', r.host.target, d.l4t ?? '?', d.jetpack ?? '?', d.powerMode?.name ?? l10n.t('unknown'), d.cpuCount ?? '?', d.memTotalMB ?? '?', d.kernel)),
    h('div', { class: 'muted' }, l10n.t('{0} · backend {1} · warm-up {2}, {3} timed, {4} checked · {5}', r.checkpoint.name, r.backend, r.settings.warmup, r.settings.iterations, r.settings.perSample, r.createdAt.replace('T', ' ').slice(0, 19))),
    ...d.missing.map((m) => h('div', { class: 'missing' }, l10n.t('missing {0}: {1}', m.what, m.install))),
  );
}

/** The reference of a run's ratios: dense mode when profiled, else the first variant. */
function referenceOf(r: PanelRun): PanelRun['variants'][number] {
  return r.variants.find((v) => v.id === 'dense') ?? r.variants[0];
}

const liveFigure = figure('live', l10n.t('tegrastats: total module power and GPU load, per host'));
const progressBox = h('section', { class: 'progress', 'data-progress': '' });

function drawLive(current: PanelRun[]): void {
  const colors = palette();
  const traces: unknown[] = [];
  const series = live.size ? [...live.entries()] : current.map((r) => [r.host.alias, r.tegrastats] as const);
  series.forEach(([alias, pts], i) => {
    traces.push({ x: pts.map((p) => p.t / 1000), y: pts.map((p) => (p.totalMw ?? NaN) / 1000), name: `${alias} W`, mode: 'lines', line: { color: colors[i % colors.length] } });
    traces.push({ x: pts.map((p) => p.t / 1000), y: pts.map((p) => p.gpuLoadPercent), name: `${alias} GPU %`, mode: 'lines', yaxis: 'y2', line: { dash: 'dot', color: colors[i % colors.length] } });
  });
  draw(liveFigure, traces, { ...layout('s', 'W'), yaxis2: { overlaying: 'y', side: 'right', title: { text: 'GPU %' }, range: [0, 100] } });
}

function drawProgress(): void {
  progressBox.replaceChildren();
  if (progress.size === 0) return;
  progressBox.append(h('h3', {}, l10n.t('Devices running')));
  for (const p of progress.values()) {
    const bar = h('progress', { max: '1', 'aria-label': l10n.t('{0} progress', p.alias) });
    if (p.fraction !== null) bar.value = p.fraction;
    else if (p.state === 'failed') bar.value = 0; // not an indeterminate (still running) bar
    progressBox.append(h('div', { class: `host-progress ${p.state}`, 'data-host': p.alias }, h('span', { class: 'alias' }, p.alias), bar, h('span', {}, p.text)));
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Per host and variant profiled node by node: each compute layer's share of MACs beside its share of measured time. */
function appendLayers(app: HTMLElement, current: PanelRun[]): void {
  const rows = current.flatMap((r) => r.variants.flatMap((v) => (v.layers ?? []).map((l) => [r.host.alias, v.label, l.name, l.name.startsWith('other ops') ? '–' : pct(l.macShare), pct(l.timeShare), formatNumber(l.timeUs, LATENCY_DIGITS)])));
  if (rows.length === 0) return;
  app.append(h('h3', {}, l10n.t('Per layer: share of MACs vs share of measured time')));
  app.append(table('layers', [l10n.t('host'), l10n.t('variant'), l10n.t('layer'), l10n.t('MACs'), l10n.t('time'), l10n.t('µs per run')], rows));
  app.append(h('p', { class: 'note' }, l10n.t('Runtime nodes (fused ones included) mapped to the compute layers of the FLOPs breakdown; medians over the profiled runs on the device. MACs are the dense count of the graph that ran.')));
}

function render(): void {
  const app = document.getElementById('app')!;
  app.removeAttribute('aria-busy');
  app.replaceChildren();
  const shown = runs.filter((r) => selected.includes(r.id));
  const current = shown.length ? shown : runs.slice(0, 1);
  if (current.length === 0 && progress.size === 0) {
    app.append(h('p', {}, l10n.t('No profile runs yet. Run "Dyna-Pruner: Profile on Remote Device" on a checkpoint.')));
  }
  drawProgress();
  app.append(progressBox);
  for (const r of current) app.append(deviceCard(r));
  app.append(liveFigure.box);
  drawLive(current);
  if (current.length === 0) return;
  const colors = palette();

  const hist = figure('latency', l10n.t('Latency per inference'));
  app.append(hist.box);
  draw(
    hist,
    current.flatMap((r, i) => r.variants.map((v, j) => ({ type: 'histogram', x: v.latenciesMs, name: `${r.host.alias} · ${v.label}`, opacity: 0.6, marker: { color: colors[(i * 3 + j) % colors.length] } }))),
    layout('ms', 'count'),
  );
  app.append(h('h3', {}, l10n.t('Percentiles')));
  app.append(
    table(
      'percentiles',
      [l10n.t('host'), l10n.t('variant'), l10n.t('n'), l10n.t('mean ms'), l10n.t('p50'), l10n.t('p90'), l10n.t('p99'), l10n.t('qps')],
      current.flatMap((r) => r.variants.map((v) => [r.host.alias, v.label, String(v.latencyMs.n), ms(v.latencyMs.mean), ms(v.latencyMs.p50), ms(v.latencyMs.p90), ms(v.latencyMs.p99), formatNumber(v.throughputQps, LATENCY_DIGITS)])),
    ),
  );

  app.append(h('h3', {}, l10n.t('MACs vs measured latency')));
  app.append(
    table(
      'macs',
      [l10n.t('host'), l10n.t('variant'), l10n.t('GMACs / sample'), l10n.t('MACs vs ref'), l10n.t('latency vs ref'), l10n.t('reference'), l10n.t('built as')],
      current.flatMap((r) => {
        const ref = referenceOf(r);
        return r.variants.map((v) => [
          r.host.alias,
          v.label,
          formatNumber(v.effectiveMacs != null ? v.effectiveMacs / 1e9 : null, LATENCY_DIGITS),
          v.effectiveMacs != null && ref.effectiveMacs ? `${(v.effectiveMacs / ref.effectiveMacs).toFixed(2)}x` : '–',
          `${(v.latencyMs.mean / ref.latencyMs.mean).toFixed(2)}x`,
          ref.id,
          v.description ?? '',
        ]);
      }),
    ),
  );
  app.append(h('p', { class: 'note' }, DENSE_RUNTIME_NOTE));
  appendPlans(app, current);
  appendPredictions(app, current);
  appendLayers(app, current);

  app.append(h('h3', {}, l10n.t('Energy')));
  app.append(
    table(
      'energy',
      [l10n.t('host'), l10n.t('variant'), l10n.t('power W'), l10n.t('GPU %'), l10n.t('mJ / inference'), l10n.t('tegrastats samples'), l10n.t('outputs vs local')],
      current.flatMap((r) =>
        r.variants.map((v) => [
          r.host.alias,
          v.label,
          formatNumber(v.power ? v.power.totalMw / 1000 : null, POWER_DIGITS),
          formatNumber(v.power?.gpuLoadPercent ?? null, POWER_DIGITS),
          formatNumber(v.power?.energyPerInferenceMj ?? null, POWER_DIGITS),
          String(v.power?.samples ?? 0),
          v.outputsCheck ? l10n.t('max |Δ| {0} ({1}, {2})', v.outputsCheck.maxAbsDiff.toExponential(1), v.outputsCheck.samples, v.outputsCheck.reference === 'engine' ? l10n.t('engine') : l10n.t('same model')) : '–',
        ]),
      ),
    ),
  );

  app.append(h('h3', {}, l10n.t('History')));
  const list = h('div', { class: 'history' });
  for (const r of runs) {
    const box = h('input', { type: 'checkbox', 'data-id': r.id, 'aria-label': l10n.t('select {0}', r.id) });
    box.checked = selected.includes(r.id);
    box.addEventListener('change', () => {
      selected = box.checked ? [...selected, r.id] : selected.filter((s) => s !== r.id);
      saveSelection();
    });
    const rerun = h('button', { type: 'button', onclick: () => post({ type: 'rerun', runId: r.id }) }, l10n.t('Re-run'));
    list.append(h('div', { class: 'run', 'data-run': r.id }, box, ` ${r.createdAt.replace('T', ' ').slice(0, 19)} · ${r.host.alias} · ${r.checkpoint.name} · ${r.backend} `, rerun));
  }
  const compare = h('button', { type: 'button', onclick: () => post({ type: 'compare', runIds: selected }) }, l10n.t('Compare selected'));
  app.append(list, compare);
}

const style = document.createElement('style');
style.textContent = `body{color:var(--vscode-foreground);font-family:var(--vscode-font-family);background:var(--vscode-editor-background)}
.card{border:1px solid var(--vscode-editorWidget-border);padding:6px 10px;margin:6px 0;background:var(--vscode-editorWidget-background)}
.missing{color:var(--vscode-editorWarning-foreground)}.muted,.note{color:var(--vscode-descriptionForeground)}
table.grid{border-collapse:collapse;margin:4px 0}table.grid td,table.grid th{border:1px solid var(--vscode-editorWidget-border);padding:2px 6px;text-align:right}
table.grid td:nth-child(-n+2),table.grid th:nth-child(-n+2),table.grid[data-table=macs] td:last-child,table.grid[data-table=macs] th:last-child,table.grid[data-table=layers] td:nth-child(3),table.grid[data-table=layers] th:nth-child(3),table.grid[data-table=plans] td:nth-child(n+3),table.grid[data-table=plans] th:nth-child(n+3),table.grid[data-table=prediction] td:last-child,table.grid[data-table=prediction] th:last-child{text-align:left}
.host-progress{display:flex;gap:8px;align-items:center;margin:2px 0}.host-progress .alias{min-width:8em;font-weight:600}
.host-progress.failed{color:var(--vscode-errorForeground)}
button{color:var(--vscode-button-foreground);background:var(--vscode-button-background);border:none;padding:2px 8px;margin:2px}
button:hover{background:var(--vscode-button-hoverBackground)}`;
document.head.append(style);

selected = readRemotePanelState(api.getState()).selected;
let pendingLive = false;
window.addEventListener('message', (event: MessageEvent) => {
  const m: unknown = event.data;
  if (!isToRemoteWebview(m)) return;
  if (m.type === 'runs') {
    runs = m.runs;
    if (m.selected.length) selected = m.selected;
    saveSelection();
    live.clear();
    // Finished hosts leave the progress box; a failed one stays (with its error) until it runs again.
    for (const [alias, p] of progress) if (p.state === 'done') progress.delete(alias);
    render();
  } else if (m.type === 'live') {
    const pts = live.get(m.alias) ?? [];
    pts.push(m.point);
    live.set(m.alias, pts);
    if (!pendingLive) {
      pendingLive = true;
      requestAnimationFrame(() => {
        pendingLive = false;
        drawLive([]);
      });
    }
  } else if (m.type === 'progress') {
    progress.set(m.progress.alias, m.progress);
    if (!progressBox.isConnected) render();
    else drawProgress();
  }
});
onThemeChange(() => render());
post({ type: 'ready' });
