/**
 * A standalone report of Pareto fronts alone (`dynapruner report --pareto
 * summary.json` without a checkpoint): the same section as the full report,
 * plotly inlined, strict CSP with a per-report nonce, no network.
 */
import { randomBytes } from 'node:crypto';
import { LIGHT_THEME, type FigureTheme } from '../figures/types';
import { paretoSection, type ParetoReportInput } from './paretoSection';

/** Inputs of {@link buildParetoReportHtml}. */
export interface ParetoReportPage {
  pareto: ParetoReportInput;
  /** Text of plotly-strict.min.js. */
  plotly: string;
  theme?: FigureTheme;
  /** Override the random nonce (tests). */
  nonce?: string;
}

/** Builds the page. */
export function buildParetoReportHtml(input: ParetoReportPage): string {
  const theme = input.theme ?? LIGHT_THEME;
  const nonce = input.nonce ?? randomBytes(16).toString('base64');
  const section = paretoSection(input.pareto, theme);
  const payload = JSON.stringify({ figures: section.figures }).replace(/</g, '\\u003c');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dyna-Pruner report: Pareto fronts</title>
<style>
body{font-family:${theme.font};color:${theme.foreground};background:${theme.background};margin:24px;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid ${theme.grid}}
table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid ${theme.grid};padding:3px 8px;text-align:left}
figcaption{font-size:12px;font-weight:600}.figure{min-height:420px}.note{font-size:12px;opacity:.8}
</style></head><body>
<h1>Dyna-Pruner report: Pareto fronts</h1>
<p class="note">MACs = multiply-accumulates (FLOPs = 2 x MACs), effective MACs counted with each checkpoint's masks; errors in normalised units on valid pixels only.</p>
${section.html}
<script nonce="${nonce}">${input.plotly.replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="report-data">${payload}</script>
<script nonce="${nonce}">
(function(){
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var config = {displaylogo:false, responsive:true};
  Object.keys(data.figures).forEach(function(id){ var el=document.getElementById('fig-'+id); if(el) Plotly.react(el, data.figures[id].data, data.figures[id].layout, config).then(function(){ el.setAttribute('data-rendered','1'); }); });
})();
</script>
</body></html>
`;
}
