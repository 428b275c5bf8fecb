/**
 * The Pareto summary's comparison tables, as the Compare panel and the report
 * show them: paired MSE differences at matched effective MACs (Dyna-Pruner
 * against static L1 along both curves, then each trainer option against its
 * baselines: along both curves, or at the option's own grid point on the
 * baseline's curve), and the options at the same sparsity targets (MACs not
 * matched). Differences are in % of the dense MSE with bootstrap 95% CIs.
 */
import type { MatchedComparison, OptionComparison, ParetoSummary } from '../schema/pareto';
import { methodLabel } from './pareto';

/** One row of the matched-MACs difference table, formatted. */
export interface MatchedRow {
  backbone: string;
  /** `A − B` in method labels. */
  comparison: string;
  /** How the MACs were matched: both curves interpolated, or A's grid point on B's curve. */
  matchedAt: string;
  macReduction: string;
  difference: string;
  ci95: string;
  aVsDense: string;
  bVsDense: string;
  /** Seeds (and test windows per seed) behind the bootstrap. */
  sample: string;
  /** Which method has the lower MSE at this reduction, or that the CI includes 0. */
  verdict: string;
}

/** Column titles of {@link matchedRows}. */
export const MATCHED_COLUMNS = ['backbone', 'A − B', 'matched at', 'MAC reduction', 'MSE difference A − B (% of dense MSE)', 'bootstrap 95% CI', 'A vs dense', 'B vs dense', 'seeds', 'verdict'];

/** One row of the same-targets table (MACs not matched), formatted. */
export interface SameTargetRow {
  backbone: string;
  comparison: string;
  targets: string;
  /** MAC reductions of A and of B at these targets. */
  macReductions: string;
  difference: string;
  ci95: string;
  sample: string;
  verdict: string;
}

/** Column titles of {@link sameTargetRows}. */
export const SAME_TARGET_COLUMNS = ['backbone', 'A − B', 'sparsity targets', 'MAC reduction A / B (not matched)', 'MSE difference A − B (% of dense MSE)', 'bootstrap 95% CI', 'seeds', 'verdict'];

const NOT_COMPARED = 'not compared at matched MACs: no overlap in MAC reduction, or fewer than 2 points per seed';

const signedPct = (v: number | null) => (v === null ? '–' : `${v > 0 ? '+' : ''}${v.toFixed(2)}%`);
const pct = (r: number) => `${(100 * r).toFixed(1)}%`;
const ciText = ([lo, hi]: [number | null, number | null]) => (lo === null || hi === null ? '–' : `${signedPct(lo)} to ${signedPct(hi)}`);
const seedsText = (n: number, windows?: number) => `${n} seed${n === 1 ? '' : 's'}${windows === undefined ? '' : ` × ${windows} windows`}`;

/** Which of A and B has the lower MSE, or that the bootstrap CI includes 0. */
function verdict(a: string, b: string, [lo, hi]: [number | null, number | null]): string {
  if (lo === null || hi === null) return 'no CI';
  return lo > 0 ? `${methodLabel(b)} lower MSE` : hi < 0 ? `${methodLabel(a)} lower MSE` : 'no clear difference (CI includes 0)';
}

const versus = (a: string, b: string) => `${methodLabel(a)} − ${methodLabel(b)}`;

/** The sparsity targets of a grid point, from the summary's points (`point 2` when the grid point is missing). */
function targetsOf(s: ParetoSummary, backbone: string, method: string, point: number): string {
  const p = s.points.find((q) => q.backbone === backbone && q.method === method && q.point === point);
  const t = p ? [p.sD !== null ? `s_d=${p.sD}` : '', p.sW !== null ? `s_w=${p.sW}` : ''].filter(Boolean).join(', ') : '';
  return t || `point ${point}`;
}

/** The rows of one along-both-curves comparison. */
function curveRows(m: MatchedComparison): MatchedRow[] {
  return m.points.map((p) => ({
    backbone: m.backbone, comparison: versus(m.a, m.b), matchedAt: 'both curves interpolated', macReduction: pct(p.macReduction),
    difference: signedPct(p.diffPctOfDense), ci95: ciText(p.ci95), aVsDense: signedPct(p.aVsDensePct), bVsDense: signedPct(p.bVsDensePct),
    sample: seedsText(m.seeds.length, m.windows), verdict: verdict(m.a, m.b, p.ci95),
  }));
}

/** The matched-MACs rows of one trainer option against one baseline (one "not compared" row when it has none). */
function optionRows(s: ParetoSummary, o: OptionComparison): MatchedRow[] {
  const own = o.ownPoint.map((p): MatchedRow => {
    const mean = p.macReductions.reduce((x, y) => x + y, 0) / Math.max(1, p.macReductions.length);
    const spread = p.macReductions.length > 1 ? ` (seeds ${pct(Math.min(...p.macReductions))} to ${pct(Math.max(...p.macReductions))})` : '';
    return {
      backbone: o.backbone, comparison: versus(o.method, o.against), matchedAt: `A's grid point (${targetsOf(s, o.backbone, o.method, p.point)}) on B's curve`,
      macReduction: `${pct(mean)}${spread}`, difference: signedPct(p.diffPctOfDense), ci95: ciText(p.ci95), aVsDense: signedPct(p.aVsDensePct), bVsDense: signedPct(p.bVsDensePct),
      sample: seedsText(p.seeds.length), verdict: verdict(o.method, o.against, p.ci95),
    };
  });
  const rows = [...(o.curves ? curveRows({ ...o.curves, backbone: o.backbone }) : []), ...own];
  if (rows.length > 0) return rows;
  const verdictText = o.samePoint.length > 0 ? `${NOT_COMPARED} (see the same-targets table)` : NOT_COMPARED;
  return [{ backbone: o.backbone, comparison: versus(o.method, o.against), matchedAt: '–', macReduction: '–', difference: '–', ci95: '–', aVsDense: '–', bVsDense: '–', sample: '–', verdict: verdictText }];
}

/** The matched-MACs differences: the grid's methods first, then every trainer option against its baselines. */
export function matchedRows(summary: ParetoSummary): MatchedRow[] {
  return [...summary.matched.flatMap(curveRows), ...summary.options.flatMap((o) => optionRows(summary, o))];
}

/** The values of a row in {@link MATCHED_COLUMNS} order. */
export function matchedCells(r: MatchedRow): string[] {
  return [r.backbone, r.comparison, r.matchedAt, r.macReduction, r.difference, r.ci95, r.aVsDense, r.bVsDense, r.sample, r.verdict];
}

/** The trainer options against their Dyna-Pruner baselines at the same sparsity targets (their MACs differ). */
export function sameTargetRows(summary: ParetoSummary): SameTargetRow[] {
  return summary.options.flatMap((o) => o.samePoint.map((p) => ({
    backbone: o.backbone, comparison: versus(o.method, o.against), targets: targetsOf(summary, o.backbone, o.method, p.point),
    macReductions: `${p.aMacReduction === null ? '–' : pct(p.aMacReduction)} / ${p.bMacReduction === null ? '–' : pct(p.bMacReduction)}`,
    difference: signedPct(p.diffPctOfDense), ci95: ciText(p.ci95), sample: seedsText(p.seeds.length), verdict: verdict(o.method, o.against, p.ci95),
  })));
}

/** The values of a row in {@link SAME_TARGET_COLUMNS} order. */
export function sameTargetCells(r: SameTargetRow): string[] {
  return [r.backbone, r.comparison, r.targets, r.macReductions, r.difference, r.ci95, r.sample, r.verdict];
}
