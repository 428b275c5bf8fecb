/**
 * The standalone HTML report: plotly.js inlined, no network, strict CSP with
 * a per-report nonce. Figures come from src/core/figures (the same builders
 * the webviews use), precomputed here as JSON; the page only draws them.
 */
import { randomBytes } from 'node:crypto';
import { mapGeoShapes, sampleMapFigures, perSampleFigure } from '../figures/maps';
import { geoOverlay } from '../figures/geoOverlay';
import { cellTextRows } from '../figures/geoReadout';
import { filterFrequencyFigure, unitRasterFigure } from '../figures/filters';
import { costDistributionFigure, layerBreakdownFigure } from '../figures/flops';
import { paretoFigure, robustnessFigure } from '../figures/robustness';
import { changeVsBackbone, denseBackboneMacs, formatMetric, formatPercent, formatSig } from '../figures/format';
import { LIGHT_THEME, type FigureSpec, type FigureTheme } from '../figures/types';
import type { Analysis, SweepResult, Table } from '../schema/results';
import { paretoSection, type ParetoReportInput } from './paretoSection';

/** Inputs of {@link buildReportHtml}. */
export interface ReportInput {
  analysis: Analysis;
  sweep: SweepResult | null;
  /** Pareto fronts of several checkpoints and/or a trainer Pareto summary (section omitted when null). */
  pareto?: ParetoReportInput | null;
  /** Text of plotly-strict.min.js. */
  plotly: string;
  theme?: FigureTheme;
  /** Override the random nonce (tests). */
  nonce?: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function tableHtml(t: Table): string {
  return `<figure class="table"><figcaption>${esc(t.title)}</figcaption><table><thead><tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table></figure>`;
}

/** Headline rows: dense vs Dyna-Pruner MACs, MSE, alignment (also printed by `npm run demo`). */
export function summaryRows(a: Analysis): [string, string][] {
  const g = a.aggregates;
  const gmacs = (v: number) => formatSig(v / 1e9, 3);
  const backbone = denseBackboneMacs(a);

  return [
    ['checkpoint', `${a.model.name} (${a.model.backbone ?? '?'} / ${a.model.variant ?? '?'})`],
    ['samples', `${a.samples.length} windows (${a.data.split} split, ${a.data.format})`],
    ['dense backbone GMACs / sample', gmacs(backbone)],
    ['dense GMACs of the whole graph', `${gmacs(a.denseMacs)} (backbone + mask generator and gate heads)`],
    ['effective GMACs / sample (mean, p5-p95)', `${gmacs(g.effectiveMacs.mean)} (${gmacs(g.effectiveMacs.p5)}-${gmacs(g.effectiveMacs.p95)})`],
    ['MAC reduction vs dense backbone', formatPercent(-(changeVsBackbone(g.effectiveMacs.mean, backbone) ?? NaN))],
    ['overhead GMACs (mask generator, gate heads)', gmacs(g.overheadMacs.mean)],
    ['active pixels (mean)', formatPercent(g.activeFraction.mean)],
    ['MSE / MAE Dyna-Pruner', `${formatMetric(g.mse?.mean)} / ${formatMetric(g.mae?.mean)}`],
    ['MSE / MAE clean dense (all masks off)', `${formatMetric(g.denseMse?.mean)} / ${formatMetric(g.denseMae?.mean)}`],
    ...(g.trainedDenseMse ? [['MSE / MAE trained dense', `${formatMetric(g.trainedDenseMse.mean)} / ${formatMetric(g.trainedDenseMae?.mean)}${a.trainedDense ? ` (${a.trainedDense.name})` : ''}`] as [string, string]] : []),
    ['MSE persistence', formatMetric(g.persistenceMse?.mean)],
    ['alignment ROC AUC / Spearman (mean)', `${formatSig(g.auc?.mean, 3)} / ${formatSig(g.spearman?.mean, 3)}`],
  ];
}

/** Builds the report page. */
export function buildReportHtml(input: ReportInput): string {
  const { analysis: a, sweep } = input;
  const theme = input.theme ?? LIGHT_THEME;
  const nonce = input.nonce ?? randomBytes(16).toString('base64');
  const figures: Record<string, FigureSpec> = {};
  const samples = a.samples.map((s, i) => ({ label: `window ${s.windowStart ?? s.index}`, maps: sampleMapFigures(a, { sample: i, t: 0, channel: 0 }, theme, { hover: true }).map((m) => ({ key: m.key, figure: m.figure })) }));
  const mapKeys = samples[0]?.maps.map((m) => m.key) ?? [];
  // Coastlines and graticule once (the same for every map): the page adds them to each map's layout.
  const coords = a.data.geography?.coordinates;
  const geo = coords?.geographic ? geoOverlay(coords) : null;
  const geoShapes = geo ? mapGeoShapes(geo, theme) : [];
  // Each cell's lat/lon for the maps' hover read-out (added by the page to every map's hover trace).
  const cellText = coords ? cellTextRows(coords) : null;
  figures.perSample = perSampleFigure(a, theme);
  if (a.units.length > 0) {
    figures.filterFrequency = filterFrequencyFigure(a, theme);
    figures.unitRaster = unitRasterFigure(a, 0, theme);
  }
  figures.layers = layerBreakdownFigure(a, theme);
  figures.costs = costDistributionFigure(a, theme);
  if (sweep) {
    figures.noise = robustnessFigure(sweep, 'noise', theme);
    if (sweep.failure.length > 0) figures.failure = robustnessFigure(sweep, 'failure', theme);
    if (sweep.sensitivity.points.length > 0) figures.pareto = paretoFigure(sweep, theme);
  }
  const pareto = input.pareto ? paretoSection(input.pareto, theme) : null;
  Object.assign(figures, pareto?.figures);
  const payload = JSON.stringify({ figures, samples, geoShapes, cellText }).replace(/</g, '\\u003c');
  const div = (id: string) => (figures[id] ? `<div class="figure" id="fig-${id}"></div>` : '');
  const mapDivs = mapKeys.map((k) => `<div class="figure map" id="map-${k}"></div>`).join('');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dyna-Pruner report: ${esc(a.model.name)}</title>
<style>
body{font-family:${theme.font};color:${theme.foreground};background:${theme.background};margin:24px;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid ${theme.grid}}
table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid ${theme.grid};padding:3px 8px;text-align:left}
figcaption{font-size:12px;font-weight:600}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:8px}
.figure{min-height:300px}.map{min-height:280px}.note{font-size:12px;opacity:.8}
</style></head><body>
<h1>Dyna-Pruner report: ${esc(a.model.name)}</h1>
<p class="note">Generated ${esc(a.createdAt)} by dynapruner. MACs = multiply-accumulates (FLOPs = 2 x MACs), counted per the project's counting convention with the checkpoint's masks; errors in normalised units on valid pixels only.</p>
<h2>Summary</h2>
<table id="summary">${summaryRows(a).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Masks</h2>
<label>Sample <select id="sample">${samples.map((s, i) => `<option value="${i}">${esc(s.label)}</option>`).join('')}</select></label>
<div class="grid">${mapDivs}</div>
${div('perSample')}
<h2>Filter activity</h2>
${div('filterFrequency')}${div('unitRaster')}
<h2>FLOPs breakdown</h2>
${div('layers')}${div('costs')}
${sweep ? `<h2>Robustness and sensitivity</h2>${div('noise')}${div('failure')}${div('pareto')}${Object.values(sweep.tables).map(tableHtml).join('')}` : '<p class="note">No sweep in this report (run <code>dynapruner report --sweep</code> to add robustness figures).</p>'}
${pareto?.html ?? ''}
<script nonce="${nonce}">${input.plotly.replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="report-data">${payload}</script>
<script nonce="${nonce}">
(function(){
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var config = {displaylogo:false, responsive:true};
  // Map figures are rendered images: no zoom bar over their titles.
  var mapConfig = {displaylogo:false, responsive:true, displayModeBar:false};
  function draw(el, fig){ var isMap = fig.data.some(function(t){ return t.type === 'image'; }); return Plotly.react(el, fig.data, fig.layout, isMap ? mapConfig : config).then(function(){ el.setAttribute('data-rendered','1'); }); }
  Object.keys(data.figures).forEach(function(id){ var el=document.getElementById('fig-'+id); if(el) draw(el, data.figures[id]); });
  function withGeo(fig){
    var traces = fig.data.map(function(t){ if (t.meta !== 'hover') return t; return data.cellText ? Object.assign({}, t, {text: data.cellText}) : Object.assign({}, t, {hovertemplate: t.hovertemplate.replace('%{text}', '')}); });
    var layout = data.geoShapes.length ? Object.assign({}, fig.layout, {shapes: (fig.layout.shapes || []).concat(data.geoShapes)}) : fig.layout;
    return {data: traces, layout: layout};
  }
  function showSample(i){ data.samples[i].maps.forEach(function(m){ var el=document.getElementById('map-'+m.key); if(el) draw(el, withGeo(m.figure)); }); }
  document.getElementById('sample').addEventListener('change', function(e){ showSample(Number(e.target.value)); });
  if (data.samples.length) showSample(0);
})();
</script>
</body></html>
`;
}
