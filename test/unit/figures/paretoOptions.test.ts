/**
 * The trainer options' comparisons of the real SimVP Pareto summary
 * (`matched_options`): read as the trainer wrote them, and shown in the
 * matched-MACs table (along both curves, or an option's grid point on the
 * baseline's curve) and the same-targets table with their CIs, MAC levels and
 * labels; malformed entries are one line naming the field.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseParetoSummary, readParetoSummary } from '../../../src/core/experiments/paretoSummary';
import { methodLabel } from '../../../src/core/figures/pareto';
import { MATCHED_COLUMNS, matchedCells, matchedRows, SAME_TARGET_COLUMNS, sameTargetCells, sameTargetRows } from '../../../src/core/figures/paretoTables';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SIMVP = path.join(ROOT, 'trainer', 'results', 'pareto', 'storm_simvp', 'summary.json');
const HGT = path.join(ROOT, 'trainer', 'results', 'pareto', 'hgt_simvp', 'summary.json');

interface RawPoint { point: number; seeds: number[]; diff_pct_of_dense: number; ci95: [number, number]; mac_reduction?: number; mac_reductions?: number[]; [k: string]: unknown }
interface RawOption { backbone: string; method: string; against: string; result: { a: string; b: string; seeds: number[]; windows: number; points: RawPoint[] } | null; own_point?: RawPoint[]; same_point?: RawPoint[] }
const raw = () => JSON.parse(readFileSync(SIMVP, 'utf8').replace(/\bNaN\b/g, 'null')) as { matched: { simvp: { points: unknown[] } }; matched_options: RawOption[] };
const signed = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(2)}%`;

describe('trainer options of the Pareto summary', () => {
  it('reads every matched_options entry as the trainer wrote it', async () => {
    const s = await readParetoSummary(SIMVP);
    const r = raw().matched_options;
    assert.ok(r.length > 0, 'the bundled SimVP summary holds the trainer options');
    assert.equal(s.options.length, r.length);
    for (const [i, o] of s.options.entries()) {
      assert.deepEqual([o.backbone, o.method, o.against], [r[i].backbone, r[i].method, r[i].against]);
      assert.equal(o.curves === null, r[i].result === null, `${o.method} vs ${o.against}: result`);
      if (o.curves) assert.deepEqual(o.curves.points.map((p) => [p.macReduction, p.diffPctOfDense, p.ci95]), r[i].result!.points.map((p) => [p.mac_reduction, p.diff_pct_of_dense, p.ci95]));
      assert.deepEqual(o.ownPoint.map((p) => [p.point, p.macReductions, p.diffPctOfDense, p.ci95]), (r[i].own_point ?? []).map((p) => [p.point, p.mac_reductions, p.diff_pct_of_dense, p.ci95]));
      assert.deepEqual(o.samePoint.map((p) => [p.point, p.diffPctOfDense, p.ci95, p.aMacReduction, p.bMacReduction]),
        (r[i].same_point ?? []).map((p) => [p.point, p.diff_pct_of_dense, p.ci95, p[`${o.method}_mac_reduction`], p[`${o.against}_mac_reduction`]]));
    }
    assert.ok(s.options.some((o) => o.curves !== null || o.ownPoint.length > 0), 'at least one option is compared at matched MACs');
  });

  it('a summary without matched_options (the NCL height grid) has no options', async () => {
    const text = readFileSync(HGT, 'utf8');
    const s = await readParetoSummary(HGT);
    assert.equal(s.options.length, text.includes('"matched_options"') ? (JSON.parse(text.replace(/\bNaN\b/g, 'null')) as { matched_options: unknown[] }).matched_options.length : 0);
  });

  it('the matched table: the grid first, then every option against each baseline with its CI, MAC level and seeds', async () => {
    const s = await readParetoSummary(SIMVP);
    const rows = matchedRows(s);
    const main = raw().matched.simvp.points.length;
    assert.ok(rows.slice(0, main).every((row) => row.comparison === 'Dyna-Pruner − Static L1 (MP)'));
    const options = rows.slice(main);
    for (const o of s.options) {
      const mine = options.filter((row) => row.comparison === `${methodLabel(o.method)} − ${methodLabel(o.against)}`);
      const expected = (o.curves?.points.length ?? 0) + o.ownPoint.length;
      assert.equal(mine.length, Math.max(1, expected), `${o.method} vs ${o.against}`);
      if (expected === 0) {
        assert.match(mine[0].verdict, /^not compared at matched MACs/);
        continue;
      }
      for (const [k, p] of (o.curves?.points ?? []).entries()) {
        assert.equal(mine[k].matchedAt, 'both curves interpolated');
        assert.equal(mine[k].macReduction, `${(100 * p.macReduction).toFixed(1)}%`);
        assert.equal(mine[k].difference, signed(p.diffPctOfDense));
        assert.equal(mine[k].ci95, `${signed(p.ci95[0]!)} to ${signed(p.ci95[1]!)}`);
        assert.equal(mine[k].sample, `${o.curves!.seeds.length} seeds × ${o.curves!.windows} windows`);
      }
      for (const [k, p] of o.ownPoint.entries()) {
        const row = mine[(o.curves?.points.length ?? 0) + k];
        const grid = s.points.find((q) => q.method === o.method && q.point === p.point)!;
        assert.equal(row.matchedAt, `A's grid point (s_d=${grid.sD}, s_w=${grid.sW}) on B's curve`);
        const mean = p.macReductions.reduce((a, b) => a + b, 0) / p.macReductions.length;
        assert.ok(row.macReduction.startsWith(`${(100 * mean).toFixed(1)}%`), row.macReduction);
        assert.equal(row.difference, signed(p.diffPctOfDense));
        assert.equal(row.verdict, p.ci95[0]! > 0 ? `${methodLabel(o.against)} lower MSE` : p.ci95[1]! < 0 ? `${methodLabel(o.method)} lower MSE` : 'no clear difference (CI includes 0)');
      }
    }
    assert.equal(matchedCells(rows[0]).length, MATCHED_COLUMNS.length);
  });

  it('the same-targets table: MAC reductions of both (not matched), the difference and its CI', async () => {
    const s = await readParetoSummary(SIMVP);
    const rows = sameTargetRows(s);
    const all = s.options.flatMap((o) => o.samePoint.map((p) => ({ o, p })));
    assert.ok(all.length > 0, 'the bundled summary holds same-target comparisons');
    assert.equal(rows.length, all.length);
    for (const [i, { o, p }] of all.entries()) {
      assert.equal(rows[i].comparison, `${methodLabel(o.method)} − ${methodLabel(o.against)}`);
      assert.equal(rows[i].macReductions, `${(100 * p.aMacReduction!).toFixed(1)}% / ${(100 * p.bMacReduction!).toFixed(1)}%`);
      assert.equal(rows[i].difference, signed(p.diffPctOfDense));
      assert.equal(rows[i].sample, `${p.seeds.length} seeds`);
    }
    assert.equal(sameTargetCells(rows[0]).length, SAME_TARGET_COLUMNS.length);
  });

  it('labels the options in words', () => {
    assert.equal(methodLabel('dynapruner+distill'), 'Dyna-Pruner + distillation');
    assert.equal(methodLabel('dynapruner+distill+long'), 'Dyna-Pruner + distillation + long schedule');
    assert.equal(methodLabel('dynapruner+warmstart'), 'Dyna-Pruner + warmstart');
    assert.equal(methodLabel('mystery+x'), 'mystery+x');
  });

  it('a malformed option entry is one line naming the field', () => {
    const err = (edit: (options: Record<string, unknown>[]) => void) => {
      const doc = JSON.parse(readFileSync(SIMVP, 'utf8').replace(/\bNaN\b/g, 'null')) as { matched_options: Record<string, unknown>[] };
      edit(doc.matched_options);
      try {
        parseParetoSummary(JSON.stringify(doc), 'x.json');
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    assert.match(err((o) => (o[0].against = 3)), /^x\.json: matched_options\[0\]\.against: expected a non-empty string, found number 3$/);
    assert.match(err((o) => o.unshift(7 as unknown as Record<string, unknown>)), /^x\.json: matched_options\[0\]: expected an object, found number 7$/);
    const same = raw().matched_options.findIndex((o) => (o.same_point ?? []).length > 0);
    assert.match(err((o) => ((o[same].same_point as Record<string, unknown>[])[0].diff_pct_of_dense = 'big')), new RegExp(`^x\\.json: matched_options\\[${same}\\]\\.same_point\\[0\\]\\.diff_pct_of_dense: expected a finite number, found the string "big"$`));
    const curves = raw().matched_options.findIndex((o) => o.result !== null);
    assert.match(err((o) => ((o[curves].result as Record<string, unknown>).b = 'dense')), new RegExp(`^x\\.json: matched_options\\[${curves}\\]\\.result: expected a and b .+, found the string ".+" - the string "dense"$`));
    assert.match(err((o) => delete o[0].result), /^x\.json: matched_options\[0\]\.result: expected an object, found nothing \(the field is missing\)$/);
  });
});
