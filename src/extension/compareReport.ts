/**
 * Export Report of a Compare panel: the page of its Pareto view, not one
 * checkpoint's report. The analysed checkpoints' fronts (the rows the panel
 * plots, in its groups) and the trainer summary it draws, with the same
 * tables, from the report's Pareto section (the panel's figure builders),
 * written atomically. No VS Code API (tested in Node).
 */
import * as path from 'node:path';
import { readParetoSummary } from '../core/experiments/paretoSummary';
import { paretoCheckpointsOf } from '../core/figures/pareto';
import { buildParetoReportHtml } from '../core/report/paretoReport';
import type { ParetoReportInput } from '../core/report/paretoSection';
import { readPlotlySource } from '../core/report/plotlySource';
import { writeFileAtomic } from '../core/runs/atomicWrite';
import type { Analysis } from '../core/schema/results';
import type { PanelSource } from '../shared/protocol';
import { compareEntry, compareGroups, failedCompareEntry } from './compareEntries';
import { readRun } from './runStore';

/** The analysis this session holds for a checkpoint, if any. */
export type AnalysisLookup = (checkpoint: string) => Analysis | undefined;

/** Whether a panel's source is a Compare panel's (a trainer summary, or two or more checkpoints). */
export function isCompareSource(source: PanelSource): boolean {
  return source.paretoSummary !== undefined || source.checkpoints.length > 1;
}

/** The report file name offered in the save dialog. */
export function compareReportName(source: PanelSource): string {
  if (source.checkpoints.length > 1) return 'compare-report.html';
  return `${path.basename(path.dirname(source.paretoSummary ?? 'pareto/x'))}-pareto-report.html`;
}

/** Each checkpoint's analysis: the saved runs the panel was filled from when it has them, else this session's. */
async function analysesOf(source: PanelSource, lookup: AnalysisLookup): Promise<(Analysis | null)[]> {
  const dirs = source.runDirs?.length === source.checkpoints.length ? source.runDirs : null;
  return Promise.all(source.checkpoints.map(async (c, i) => (dirs ? (await readRun(dirs[i]).catch(() => null))?.analysis : null) ?? lookup(c) ?? null));
}

/** What the page shows, as the panel plots it; throws one line when there is nothing to draw. */
export async function compareReportInput(source: PanelSource, lookup: AnalysisLookup): Promise<ParetoReportInput> {
  const analyses = await analysesOf(source, lookup);
  const entries = source.checkpoints.map((c, i) => (analyses[i] ? compareEntry(c, analyses[i]) : failedCompareEntry(c, 'not analysed')));
  const checkpoints = paretoCheckpointsOf(entries, compareGroups(source).groups);
  const summary = source.paretoSummary ? await readParetoSummary(source.paretoSummary) : null;
  if (!summary && checkpoints.length < 2) {
    throw new Error(`Compare report: expected two or more analysed checkpoints for the Pareto fronts, found ${checkpoints.length} of ${source.checkpoints.length} (run the comparison first)`);
  }
  return { checkpoints, summary };
}

/** Builds the page and writes it atomically to `out`. */
export async function writeCompareReport(source: PanelSource, lookup: AnalysisLookup, out: string): Promise<void> {
  const pareto = await compareReportInput(source, lookup);
  await writeFileAtomic(out, buildParetoReportHtml({ pareto, plotly: await readPlotlySource() }));
}
