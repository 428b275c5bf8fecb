/**
 * Reads and validates the trainer's Pareto summary (summary.json of
 * `bash trainer/scripts/pareto.sh`). Python's json module writes NaN for
 * statistics it could not compute; those become null. Every problem is one
 * line naming the file, the field, what was expected and what was found.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MatchedComparison, MatchedPoint, MeanCi, OptionComparison, OwnPointDifference, ParetoSummary, ParetoSummaryPoint, SamePointDifference } from '../schema/pareto';
import { parsePythonJson } from './pythonJson';

/** Largest summary file read (the bundled ones are under 20 KB). */
export const MAX_SUMMARY_BYTES = 8 * 1024 * 1024;
/** Most grid points and matched points accepted. */
export const MAX_SUMMARY_POINTS = 10_000;

/** A summary file that is not what the trainer writes. */
export class ParetoSummaryError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ParetoSummaryError';
  }
}

/** Reads, parses and validates a summary file. */
export async function readParetoSummary(file: string): Promise<ParetoSummary> {
  const abs = path.resolve(file);
  let size: number;
  try {
    const st = await stat(abs);
    if (!st.isFile()) throw new ParetoSummaryError(abs, 'expected a summary.json file, found a folder or special file');
    size = st.size;
  } catch (e) {
    if (e instanceof ParetoSummaryError) throw e;
    throw new ParetoSummaryError(abs, `cannot read the Pareto summary (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size > MAX_SUMMARY_BYTES) throw new ParetoSummaryError(abs, `expected a Pareto summary of at most ${MAX_SUMMARY_BYTES} bytes, found ${size} bytes`);
  return parseParetoSummary(await readFile(abs, 'utf8'), abs);
}

/** Parses and validates summary text (`file` names it in errors). */
export function parseParetoSummary(text: string, file: string): ParetoSummary {
  let raw: unknown;
  try {
    raw = parsePythonJson(text);
  } catch (e) {
    throw new ParetoSummaryError(file, `expected JSON (a trainer Pareto summary), found invalid JSON: ${(e as Error).message}`);
  }
  const v = new Fields(file);
  const top = v.object(raw, '(top level)');
  const points = v.array(top.points, 'points', MAX_SUMMARY_POINTS).map((p, i) => summaryPoint(v, p, `points[${i}]`));
  if (points.length === 0) v.fail('points', 'at least one grid point', 'an empty list');
  const matched = v.object(top.matched, 'matched');
  const comparisons: MatchedComparison[] = [];
  for (const [backbone, m] of Object.entries(matched)) {
    if (m === null) continue;
    comparisons.push(comparison(v, backbone, m, `matched.${backbone}`));
  }
  const options = top.matched_options === undefined ? [] : v.array(top.matched_options, 'matched_options', MAX_SUMMARY_POINTS).map((o, i) => option(v, o, `matched_options[${i}]`));
  return { file, data: v.string(top.data, 'data'), runs: v.count(top.runs, 'runs'), planned: v.count(top.planned, 'planned'), points, matched: comparisons, options };
}

/** One trainer option against one baseline; `own_point` and `same_point` are optional (older summaries lack them). */
function option(v: Fields, raw: unknown, at: string): OptionComparison {
  const o = v.object(raw, at);
  const backbone = v.string(o.backbone, `${at}.backbone`);
  const method = v.string(o.method, `${at}.method`);
  const against = v.string(o.against, `${at}.against`);
  const result = o.result === null ? null : v.object(o.result, `${at}.result`);
  if (result && (result.a !== method || result.b !== against)) v.fail(`${at}.result`, `a and b ${method} - ${against}`, `${shown(result.a)} - ${shown(result.b)}`);
  const curves = result ? comparison(v, backbone, result, `${at}.result`) : null;
  const list = (x: unknown, field: string) => (x === undefined ? [] : v.array(x, `${at}.${field}`, MAX_SUMMARY_POINTS));
  return {
    backbone, method, against, curves,
    ownPoint: list(o.own_point, 'own_point').map((p, i) => ownPoint(v, p, method, against, `${at}.own_point[${i}]`)),
    samePoint: list(o.same_point, 'same_point').map((p, i) => samePoint(v, p, method, against, `${at}.same_point[${i}]`)),
  };
}

function ownPoint(v: Fields, raw: unknown, a: string, b: string, at: string): OwnPointDifference {
  const p = v.object(raw, at);
  return {
    point: v.integer(p.point, `${at}.point`), seeds: seedList(v, p.seeds, `${at}.seeds`),
    macReductions: v.array(p.mac_reductions, `${at}.mac_reductions`, MAX_SUMMARY_POINTS).map((r, i) => v.number(r, `${at}.mac_reductions[${i}]`)),
    diffPctOfDense: v.number(p.diff_pct_of_dense, `${at}.diff_pct_of_dense`), ci95: ciPair(v, p.ci95, `${at}.ci95`),
    aVsDensePct: v.numberOrNull(p[`${a}_vs_dense_pct`], `${at}.${a}_vs_dense_pct`),
    bVsDensePct: v.numberOrNull(p[`${b}_vs_dense_pct`], `${at}.${b}_vs_dense_pct`),
  };
}

function samePoint(v: Fields, raw: unknown, a: string, b: string, at: string): SamePointDifference {
  const p = v.object(raw, at);
  return {
    point: v.integer(p.point, `${at}.point`), seeds: seedList(v, p.seeds, `${at}.seeds`),
    diffPctOfDense: v.number(p.diff_pct_of_dense, `${at}.diff_pct_of_dense`), ci95: ciPair(v, p.ci95, `${at}.ci95`),
    aMacReduction: v.numberOrNull(p[`${a}_mac_reduction`], `${at}.${a}_mac_reduction`),
    bMacReduction: v.numberOrNull(p[`${b}_mac_reduction`], `${at}.${b}_mac_reduction`),
  };
}

function seedList(v: Fields, raw: unknown, at: string): number[] {
  return v.array(raw, at, MAX_SUMMARY_POINTS).map((s, i) => v.integer(s, `${at}[${i}]`));
}

/** A bootstrap [lo, hi] pair (null where the trainer wrote NaN). */
function ciPair(v: Fields, raw: unknown, at: string): [number | null, number | null] {
  const ci = v.array(raw, at, 2);
  if (ci.length !== 2) v.fail(at, 'a [lo, hi] pair', `${ci.length} values`);
  return [v.numberOrNull(ci[0], `${at}[0]`), v.numberOrNull(ci[1], `${at}[1]`)];
}

function summaryPoint(v: Fields, raw: unknown, at: string): ParetoSummaryPoint {
  const p = v.object(raw, at);
  return {
    backbone: v.string(p.backbone, `${at}.backbone`),
    method: v.string(p.method, `${at}.method`),
    point: v.integer(p.point, `${at}.point`),
    sD: v.numberOrNull(p.s_d, `${at}.s_d`),
    sW: v.numberOrNull(p.s_w, `${at}.s_w`),
    seeds: v.array(p.seeds, `${at}.seeds`, MAX_SUMMARY_POINTS).map((s, i) => v.integer(s, `${at}.seeds[${i}]`)),
    mse: meanCi(v, p.mse, `${at}.mse`),
    effectiveMacs: meanCi(v, p.effective_macs, `${at}.effective_macs`),
    macReduction: meanCi(v, p.mac_reduction, `${at}.mac_reduction`),
    mseVsDensePct: meanCi(v, p.mse_vs_dense_pct, `${at}.mse_vs_dense_pct`),
  };
}

function meanCi(v: Fields, raw: unknown, at: string): MeanCi {
  const c = v.object(raw, at);
  const out = { mean: v.numberOrNull(c.mean, `${at}.mean`), lo: v.numberOrNull(c.lo, `${at}.lo`), hi: v.numberOrNull(c.hi, `${at}.hi`), n: v.count(c.n, `${at}.n`) };
  if (out.lo !== null && out.hi !== null && out.lo > out.hi) v.fail(`${at}.lo`, `lo <= hi (${out.hi})`, String(out.lo));
  return out;
}

function comparison(v: Fields, backbone: string, raw: unknown, at: string): MatchedComparison {
  const m = v.object(raw, at);
  const a = v.string(m.a, `${at}.a`);
  const b = v.string(m.b, `${at}.b`);
  const points = v.array(m.points, `${at}.points`, MAX_SUMMARY_POINTS).map((p, i) => matchedPoint(v, p, a, b, `${at}.points[${i}]`));
  return {
    backbone, a, b, points,
    seeds: seedList(v, m.seeds, `${at}.seeds`),
    windows: v.count(m.windows, `${at}.windows`),
    bootstrap: v.count(m.bootstrap, `${at}.bootstrap`),
  };
}

function matchedPoint(v: Fields, raw: unknown, a: string, b: string, at: string): MatchedPoint {
  const p = v.object(raw, at);
  return {
    macReduction: v.number(p.mac_reduction, `${at}.mac_reduction`),
    diffPctOfDense: v.number(p.diff_pct_of_dense, `${at}.diff_pct_of_dense`),
    ci95: ciPair(v, p.ci95, `${at}.ci95`),
    aVsDensePct: v.numberOrNull(p[`${a}_vs_dense_pct`], `${at}.${a}_vs_dense_pct`),
    bVsDensePct: v.numberOrNull(p[`${b}_vs_dense_pct`], `${at}.${b}_vs_dense_pct`),
  };
}

/** Field checks that throw one {@link ParetoSummaryError} line. */
class Fields {
  constructor(private readonly file: string) {}

  fail(field: string, expected: string, found: string): never {
    throw new ParetoSummaryError(this.file, `${field}: expected ${expected}, found ${found}`);
  }

  object(x: unknown, field: string): Record<string, unknown> {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) this.fail(field, 'an object', shown(x));
    return x as Record<string, unknown>;
  }

  array(x: unknown, field: string, max: number): unknown[] {
    if (!Array.isArray(x)) this.fail(field, 'a list', shown(x));
    if (x.length > max) this.fail(field, `at most ${max} entries`, `${x.length}`);
    return x;
  }

  string(x: unknown, field: string): string {
    if (typeof x !== 'string' || x.length === 0 || x.length > 4096) this.fail(field, 'a non-empty string', shown(x));
    return x;
  }

  number(x: unknown, field: string): number {
    if (typeof x !== 'number' || !Number.isFinite(x)) this.fail(field, 'a finite number', shown(x));
    return x;
  }

  /** A number, or null where the trainer wrote NaN / null. */
  numberOrNull(x: unknown, field: string): number | null {
    if (x === null) return null;
    return this.number(x, field);
  }

  integer(x: unknown, field: string): number {
    if (!Number.isSafeInteger(x)) this.fail(field, 'an integer', shown(x));
    return x as number;
  }

  count(x: unknown, field: string): number {
    const n = this.integer(x, field);
    if (n < 0) this.fail(field, 'a count >= 0', String(n));
    return n;
  }
}

/** A short description of a JSON value for an error line. */
function shown(x: unknown): string {
  if (x === undefined) return 'nothing (the field is missing)';
  if (x === null) return 'null';
  if (Array.isArray(x)) return `a list of ${x.length}`;
  if (typeof x === 'object') return 'an object';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x)}`;
  return `${typeof x} ${String(x)}`;
}
