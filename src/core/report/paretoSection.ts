/**
 * The report's Pareto section: the analysed checkpoints' fronts (MSE vs
 * effective MACs, one front per backbone and method) and, from a trainer
 * Pareto summary, the curves over seeds with 95% bands, the matched-MACs
 * difference table (the trainer options' comparisons included) and the
 * options at the same targets. The same builders as the Compare panel.
 */
import { formatSig } from '../figures/format';
import { checkpointGroup, checkpointParetoFigure, methodLabel, summaryParetoFigure, type ParetoCheckpoint } from '../figures/pareto';
import { MATCHED_COLUMNS, matchedCells, matchedRows, SAME_TARGET_COLUMNS, sameTargetCells, sameTargetRows } from '../figures/paretoTables';
import { frontOrder, groupBy, spansDecades } from '../figures/paretoFront';
import type { FigureSpec, FigureTheme } from '../figures/types';
import type { ParetoSummary } from '../schema/pareto';

/** What the section shows: checkpoints (two or more for a front), a summary, or both. */
export interface ParetoReportInput {
  checkpoints: ParetoCheckpoint[];
  summary: ParetoSummary | null;
}

/** The section's figures (keyed by figure id) and its HTML (figure divs `fig-<id>`, tables). */
export interface ParetoSection {
  figures: Record<string, FigureSpec>;
  html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table(id: string, caption: string, columns: string[], rows: string[][]): string {
  return `<figure class="table"><figcaption>${esc(caption)}</figcaption><table id="${id}"><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table></figure>`;
}

/** Which checkpoints lie on their group's front (by name). */
function onFront(checkpoints: ParetoCheckpoint[]): Set<string> {
  const names = new Set<string>();
  for (const members of groupBy(checkpoints, (c) => `${c.backbone}\u0000${checkpointGroup(c)}`).values()) {
    const pts = members.map((c) => ({ cost: c.meanEffectiveMacs ?? NaN, error: c.mse ?? NaN }));
    for (const i of frontOrder(pts)) names.add(members[i].name);
  }
  return names;
}

function checkpointTable(checkpoints: ParetoCheckpoint[]): string {
  const front = onFront(checkpoints);
  const rows = checkpoints.map((c) => [
    c.name, c.backbone ?? '–', methodLabel(checkpointGroup(c)), formatSig(c.meanEffectiveMacs === null ? null : c.meanEffectiveMacs / 1e9, 4),
    c.meanEffectiveMacs === null ? '–' : `${formatSig((100 * c.meanEffectiveMacs) / c.denseBackboneMacs, 4)}%`, formatSig(c.mse, 4), formatSig(c.mae, 4), front.has(c.name) ? 'yes' : 'no (dominated)',
  ]);
  return table('pareto-checkpoints', 'Checkpoints of the Pareto view', ['checkpoint', 'backbone', 'method', 'effective GMACs', "% of dense backbone's MACs", 'MSE', 'MAE', 'on the front'], rows);
}

function summaryHtml(s: ParetoSummary): string {
  const rows = matchedRows(s).map(matchedCells);
  const sample = s.matched.map((m) => `${m.backbone}: ${m.seeds.length} seeds x ${m.windows} windows, ${m.bootstrap} bootstrap replicates`).join('; ');
  const options = s.options.length > 0 ? ', then each trainer option (Dyna-Pruner + ...) against its baselines' : '';
  const matched = rows.length > 0
    ? table('pareto-matched', `Paired difference at matched effective MACs: Dyna-Pruner − static L1 along both curves${options}; % of the dense MSE, bootstrap 95% CIs over seeds and test windows${sample ? ` (${sample})` : ''}`, MATCHED_COLUMNS, rows)
    : '<p class="note">The summary has no matched-MACs comparison (the two methods\' curves do not overlap).</p>';
  const same = sameTargetRows(s).map(sameTargetCells);
  const sameTable = same.length > 0
    ? table('pareto-same-targets', 'Trainer options at the same sparsity targets (MACs not matched): each option minus its Dyna-Pruner baseline with the same s_d, s_w, paired per seed; % of the dense MSE, bootstrap 95% CIs', SAME_TARGET_COLUMNS, same)
    : '';
  return `<p class="note">From ${esc(s.file)}: ${s.runs} of ${s.planned} planned trainings, evaluated on ${esc(s.data)}. Curves are means over seeds; bands are the 95% t-intervals the trainer stored.</p><div class="figure" id="fig-paretoSummary"></div>${matched}${sameTable}`;
}

/** Builds the section; empty when there is nothing to plot. */
export function paretoSection(input: ParetoReportInput, theme: FigureTheme): ParetoSection {
  const figures: Record<string, FigureSpec> = {};
  const parts: string[] = [];
  if (input.checkpoints.length >= 2) {
    const log = spansDecades(input.checkpoints.map((c) => c.mse ?? NaN));
    figures.paretoCheckpoints = checkpointParetoFigure(input.checkpoints, { metric: 'mse', macs: 'percent', logX: false, logY: log }, theme);
    parts.push('<div class="figure" id="fig-paretoCheckpoints"></div>', checkpointTable(input.checkpoints));
  }
  if (input.summary) {
    figures.paretoSummary = summaryParetoFigure(input.summary, { macs: 'percent', logX: false, logY: false }, theme);
    parts.push(summaryHtml(input.summary));
  }
  return { figures, html: parts.length ? `<h2>Pareto fronts: accuracy vs effective MACs</h2>${parts.join('')}` : '' };
}
