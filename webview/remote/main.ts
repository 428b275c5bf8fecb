/**
 * Remote profiling panel: device card, live tegrastats plot, latency
 * histograms and percentiles (dense vs Dyna-Pruner and any other variant),
 * energy table, run history with re-run and compare. Plotly comes from the
 * shared vendor bundle; colours from the --vscode-* theme variables.
 */
import type { FromRemoteWebview, PanelRun, ToRemoteWebview } from './protocol';

interface VsCodeApi {
  postMessage(message: FromRemoteWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
type Plotly = { react(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown> };

const vscode = acquireVsCodeApi();
const plotly = () => (globalThis as unknown as { Plotly: Plotly }).Plotly;
const css = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
const palette = () => [css('--vscode-charts-blue', '#3794ff'), css('--vscode-charts-orange', '#d18616'), css('--vscode-charts-green', '#89d185'), css('--vscode-charts-purple', '#b180d7'), css('--vscode-charts-red', '#f14c4c')];

let runs: PanelRun[] = [];
let selected: string[] = [];
const live = new Map<string, Array<{ t: number; totalMw: number | null; gpuLoadPercent: number | null }>>();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}
const fmt = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

function layout(title: string, x: string, y: string): Record<string, unknown> {
  const fg = css('--vscode-foreground', '#ccc');
  return {
    title: { text: title, font: { color: fg, size: 13 } },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: fg, family: css('--vscode-font-family', 'sans-serif') },
    xaxis: { title: { text: x }, gridcolor: css('--vscode-editorWidget-border', '#444') },
    yaxis: { title: { text: y }, gridcolor: css('--vscode-editorWidget-border', '#444') },
    margin: { l: 50, r: 10, t: 30, b: 40 },
    barmode: 'overlay',
    height: 260,
  };
}

function table(head: string[], rows: string[][]): HTMLTableElement {
  return el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))), el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))));
}

function deviceCard(r: PanelRun): HTMLElement {
  const d = r.device;
  return el(
    'section',
    { class: 'card' },
    el('h3', {}, `${r.host.alias} — ${d.model ?? 'unknown board'}`),
    el('div', {}, `${r.host.target} · L4T ${d.l4t ?? '?'} (JetPack ${d.jetpack ?? '?'}) · power mode ${d.powerMode?.name ?? 'unknown'} · ${d.cpuCount ?? '?'} CPUs · ${d.memTotalMB ?? '?'} MB · ${d.kernel}`),
    ...d.missing.map((m) => el('div', { class: 'missing' }, `missing ${m.what}: ${m.install}`)),
  );
}

function render(): void {
  const app = document.getElementById('app')!;
  app.removeAttribute('aria-busy');
  app.replaceChildren();
  const shown = runs.filter((r) => selected.includes(r.id));
  const current = shown.length ? shown : runs.slice(0, 1);
  if (current.length === 0) {
    app.append(el('p', {}, 'No profile runs yet. Run "Dyna-Pruner: Profile on Remote Device" on a checkpoint.'));
  }
  for (const r of current) app.append(deviceCard(r));

  const livePlot = el('div', { id: 'live' });
  app.append(el('h3', {}, 'tegrastats (total module power, GPU load)'), livePlot);
  const colors = palette();
  const traces: unknown[] = [];
  const series = live.size ? [...live.entries()] : current.map((r) => [r.host.alias, r.tegrastats] as const);
  series.forEach(([alias, pts], i) => {
    traces.push({ x: pts.map((p) => p.t / 1000), y: pts.map((p) => (p.totalMw ?? NaN) / 1000), name: `${alias} W`, mode: 'lines', line: { color: colors[i % colors.length] } });
    traces.push({ x: pts.map((p) => p.t / 1000), y: pts.map((p) => p.gpuLoadPercent), name: `${alias} GPU %`, mode: 'lines', yaxis: 'y2', line: { dash: 'dot', color: colors[i % colors.length] } });
  });
  void plotly().react(livePlot, traces, { ...layout('', 's', 'W'), yaxis2: { overlaying: 'y', side: 'right', title: { text: 'GPU %' }, range: [0, 100] } }, { displaylogo: false, responsive: true });

  const hist = el('div', { id: 'hist' });
  app.append(el('h3', {}, 'Latency'), hist);
  const hTraces = current.flatMap((r, i) => r.variants.map((v, j) => ({ type: 'histogram', x: v.latenciesMs, name: `${r.host.alias} · ${v.label}`, opacity: 0.6, marker: { color: colors[(i * 3 + j) % colors.length] } })));
  void plotly().react(hist, hTraces, layout('', 'ms', 'count'), { displaylogo: false, responsive: true });
  const rows = current.flatMap((r) =>
    r.variants.map((v) => [r.host.alias, v.label, fmt(v.latencyMs.mean, 3), fmt(v.latencyMs.p50, 3), fmt(v.latencyMs.p90, 3), fmt(v.latencyMs.p99, 3), fmt(v.throughputQps, 1), `${(r.variants[0].latencyMs.mean / v.latencyMs.mean).toFixed(2)}x`]),
  );
  app.append(table(['host', 'variant', 'mean ms', 'p50', 'p90', 'p99', 'qps', 'speed vs first'], rows));

  app.append(el('h3', {}, 'Energy'));
  app.append(
    table(
      ['host', 'variant', 'power W', 'GPU %', 'mJ / inference', 'samples', 'outputs vs local'],
      current.flatMap((r) =>
        r.variants.map((v) => [
          r.host.alias,
          v.label,
          fmt(v.power ? v.power.totalMw / 1000 : null),
          fmt(v.power?.gpuLoadPercent ?? null, 0),
          fmt(v.power?.energyPerInferenceMj ?? null),
          String(v.power?.samples ?? 0),
          v.outputsCheck ? `max |Δ| ${v.outputsCheck.maxAbsDiff.toExponential(1)} (${v.outputsCheck.samples})` : '–',
        ]),
      ),
    ),
  );

  app.append(el('h3', {}, 'History'));
  const list = el('div', { class: 'history' });
  for (const r of runs) {
    const box = el('input', { type: 'checkbox', 'data-id': r.id, 'aria-label': `select ${r.id}` });
    box.checked = selected.includes(r.id);
    box.addEventListener('change', () => {
      selected = box.checked ? [...selected, r.id] : selected.filter((s) => s !== r.id);
      vscode.setState({ selected });
    });
    const rerun = el('button', { type: 'button' }, 'Re-run');
    rerun.addEventListener('click', () => vscode.postMessage({ type: 'rerun', runId: r.id }));
    list.append(el('div', { class: 'run' }, box, ` ${r.createdAt.replace('T', ' ').slice(0, 19)} · ${r.host.alias} · ${r.checkpoint.name} · ${r.backend} `, rerun));
  }
  const compare = el('button', { type: 'button' }, 'Compare selected');
  compare.addEventListener('click', () => {
    vscode.postMessage({ type: 'compare', runIds: selected });
    render();
  });
  app.append(list, compare);
}

const style = document.createElement('style');
style.textContent = `body{color:var(--vscode-foreground);font-family:var(--vscode-font-family)}
.card{border:1px solid var(--vscode-editorWidget-border);padding:6px 10px;margin:6px 0;background:var(--vscode-editorWidget-background)}
.missing{color:var(--vscode-editorWarning-foreground)}
table.grid{border-collapse:collapse;margin:4px 0}table.grid td,table.grid th{border:1px solid var(--vscode-editorWidget-border);padding:2px 6px;text-align:right}
button{color:var(--vscode-button-foreground);background:var(--vscode-button-background);border:none;padding:2px 8px;margin:2px}
button:hover{background:var(--vscode-button-hoverBackground)}`;
document.head.append(style);

selected = ((vscode.getState() as { selected?: string[] } | undefined)?.selected ?? []).filter((s) => typeof s === 'string');
window.addEventListener('message', (event: MessageEvent) => {
  const m = event.data as ToRemoteWebview;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'runs' && Array.isArray(m.runs)) {
    runs = m.runs;
    if (Array.isArray(m.selected) && m.selected.length) selected = m.selected;
    live.clear();
    render();
  } else if (m.type === 'live' && typeof m.alias === 'string') {
    const pts = live.get(m.alias) ?? [];
    pts.push(m.point);
    live.set(m.alias, pts);
    if (pts.length % 5 === 1) render();
  }
});
vscode.postMessage({ type: 'ready' });
