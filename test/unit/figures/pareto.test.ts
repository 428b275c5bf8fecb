/** Pareto fronts, the trainer's summary reader (the real summary and hostile copies) and the Pareto figure builders. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { frontOrder, nonDominated, spansDecades } from '../../../src/core/figures/paretoFront';
import { checkpointParetoFigure, methodColour, summaryCost, summaryParetoFigure, type ParetoCheckpoint } from '../../../src/core/figures/pareto';
import { matchedRows } from '../../../src/core/figures/paretoTables';
import { LIGHT_THEME } from '../../../src/core/figures/types';
import { MAX_SUMMARY_BYTES, parseParetoSummary, readParetoSummary } from '../../../src/core/experiments/paretoSummary';
import { replaceNonFinite } from '../../../src/core/experiments/pythonJson';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SIMVP = path.join(ROOT, 'trainer', 'results', 'pareto', 'storm_simvp', 'summary.json');
const TAU = path.join(ROOT, 'trainer', 'results', 'pareto', 'storm_tau', 'summary.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'pareto-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('Pareto front', () => {
  it('keeps exactly the non-dominated points; identical points both stay', () => {
    const pts = [{ cost: 1, error: 5 }, { cost: 2, error: 3 }, { cost: 3, error: 4 }, { cost: 4, error: 1 }, { cost: 2, error: 3 }, { cost: 5, error: 1 }];
    // (3,4) is dominated by (2,3); (5,1) by (4,1); the duplicate (2,3) dominates neither copy.
    assert.deepEqual(nonDominated(pts), [true, true, false, true, true, false]);
    assert.deepEqual(frontOrder(pts), [0, 1, 4, 3]);
  });

  it('never puts a non-finite point on the front, nor lets it dominate', () => {
    assert.deepEqual(nonDominated([{ cost: NaN, error: 0 }, { cost: 2, error: 2 }, { cost: 1, error: -Infinity }]), [false, true, false]);
  });

  it('a single point is its own front; an empty set has none', () => {
    assert.deepEqual(nonDominated([{ cost: 3, error: 3 }]), [true]);
    assert.deepEqual(nonDominated([]), []);
  });

  it('suggests a log axis only for values two orders of magnitude apart', () => {
    assert.equal(spansDecades([0.58, 0.6, 24.8]), false);
    assert.equal(spansDecades([0.2, 0.6, 24.8]), true);
    assert.equal(spansDecades([0, -1, 5]), false);
  });
});

describe('Python JSON', () => {
  it('reads NaN / Infinity tokens as null, and leaves them alone inside strings', () => {
    assert.equal(replaceNonFinite('{"a": NaN, "b": [Infinity, -Infinity, -1.5], "c": "NaN \\" Infinity"}'), '{"a": null, "b": [null, null, -1.5], "c": "NaN \\" Infinity"}');
  });
});

describe('Pareto summary reader', () => {
  it('reads the real SimVP summary: every point and matched row as the trainer wrote them', async () => {
    const s = await readParetoSummary(SIMVP);
    const raw = JSON.parse(readFileSync(SIMVP, 'utf8').replace(/\bNaN\b/g, 'null')) as { points: Record<string, { mean: number | null; lo: number | null; hi: number | null }>[]; matched: Record<string, { points: { diff_pct_of_dense: number; ci95: number[] }[] }> };
    assert.equal(s.points.length, raw.points.length);
    for (const [i, p] of s.points.entries()) {
      assert.equal(p.mse.mean, raw.points[i].mse.mean);
      assert.equal(p.mse.lo, raw.points[i].mse.lo);
      assert.equal(p.effectiveMacs.mean, raw.points[i].effective_macs.mean);
    }
    const dense = s.points.find((p) => p.method === 'dense')!;
    assert.equal(dense.sD, null);
    assert.equal(s.points.filter((p) => p.method === 'dense')[0].effectiveMacs.mean, 54991872);
    // The grid's methods, plus whatever trainer options the file holds (e.g. dynapruner+distill).
    assert.deepEqual(new Set(s.points.map((p) => p.method)), new Set((raw.points as unknown as { method: string }[]).map((p) => p.method)));
    for (const m of ['dense', 'dynapruner', 'mp_l1']) assert.ok(s.points.some((p) => p.method === m), m);
    assert.equal(s.matched.length, 1);
    assert.equal(s.matched[0].a, 'dynapruner');
    assert.deepEqual(s.matched[0].points.map((p) => p.diffPctOfDense), raw.matched.simvp.points.map((p) => p.diff_pct_of_dense));
    assert.deepEqual(s.matched[0].points.map((p) => p.ci95), raw.matched.simvp.points.map((p) => p.ci95));
  });

  it('reads the real TAU summary too', async () => {
    const s = await readParetoSummary(TAU);
    assert.ok(s.points.every((p) => p.backbone === 'tau'));
  });

  /** Writes a hostile copy of the real summary and returns the reader's one-line error. */
  async function errorOf(name: string, edit: (text: string) => string): Promise<string> {
    const file = path.join(tmp, `${name}.json`);
    writeFileSync(file, edit(readFileSync(SIMVP, 'utf8')));
    const e = await readParetoSummary(file).then(() => null, (err: Error) => err);
    assert.ok(e, `${name}: expected an error`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.ok(e.message.startsWith(`${file}: `), `names the file: ${e.message}`);
    return e.message;
  }

  it('names the file, the field, what was expected and what was found', async () => {
    assert.match(await errorOf('string-mse', (t) => t.replace('"mean": 0.543680435992809', '"mean": "0.54"')), /points\[0\]\.mse\.mean: expected a finite number, found the string "0\.54"$/);
    assert.match(await errorOf('no-points', (t) => t.replace('"points": [', '"pointz": [')), /points: expected a list, found nothing \(the field is missing\)$/);
    assert.match(await errorOf('bad-json', (t) => t.slice(0, 500)), /expected JSON \(a trainer Pareto summary\), found invalid JSON/);
    assert.match(await errorOf('lo-above-hi', (t) => t.replace('"lo": 0.5118005843255156', '"lo": 9.5')), /points\[0\]\.mse\.lo: expected lo <= hi \(0\.5755602876601025\), found 9\.5$/);
    assert.match(await errorOf('ci-triple', (t) => t.replace('"ci95": [', '"ci95": [1, ')), /matched\.simvp\.points\[0\]\.ci95: expected at most 2 entries, found 3$/);
    assert.match(await errorOf('top-list', () => '[1, 2]'), /\(top level\): expected an object, found a list of 2$/);
    assert.match(await errorOf('nan-diff', (t) => t.replace('"diff_pct_of_dense": 5.9198711490940426', '"diff_pct_of_dense": NaN')), /matched\.simvp\.points\[0\]\.diff_pct_of_dense: expected a finite number, found null$/);
  });

  it('refuses files over the size budget before reading them, and folders', async () => {
    const big = path.join(tmp, 'big.json');
    writeFileSync(big, Buffer.alloc(MAX_SUMMARY_BYTES + 1, 32));
    await assert.rejects(readParetoSummary(big), { message: `${big}: expected a Pareto summary of at most ${MAX_SUMMARY_BYTES} bytes, found ${MAX_SUMMARY_BYTES + 1} bytes` });
    const dir = path.join(tmp, 'dir.json');
    mkdirSync(dir);
    await assert.rejects(readParetoSummary(dir), /dir\.json: expected a summary\.json file, found a folder/);
    await assert.rejects(readParetoSummary(path.join(tmp, 'missing.json')), /missing\.json: cannot read the Pareto summary \(ENOENT\)/);
  });

  it('a backbone without an overlap of the two curves (matched null) has no comparison', () => {
    const s = parseParetoSummary(readFileSync(SIMVP, 'utf8').replace(/"matched": \{[\s\S]*$/, '"matched": {"simvp": null}}'), 'x.json');
    assert.deepEqual(s.matched, []);
  });
});

describe('Pareto figures', () => {
  const ck = (name: string, method: string, macs: number, mse: number, backbone = 'simvp'): ParetoCheckpoint => ({ name, backbone, method, meanEffectiveMacs: macs, denseBackboneMacs: 1e8, mse, mae: mse / 2 });

  it('draws each method front as a line by cost and its dominated checkpoints faded', () => {
    const f = checkpointParetoFigure([ck('a', 'dynapruner', 3e7, 0.6), ck('b', 'dynapruner', 5e7, 0.7), ck('c', 'dynapruner', 6e7, 0.55), ck('d', 'mp_l1', 4e7, 0.58), ck('e', 'dense', 1e8, 0.54)], { metric: 'mse', macs: 'percent', logX: false, logY: false }, LIGHT_THEME);
    const fronts = f.data.filter((t) => (t.meta as { role: string }).role === 'front');
    assert.deepEqual(fronts.map((t) => t.name), ['simvp · Dyna-Pruner', 'simvp · Static L1 (MP)', 'simvp · Dense']);
    assert.deepEqual(fronts[0].x, [30, 60]);
    const dominated = f.data.filter((t) => (t.meta as { role: string }).role === 'dominated');
    assert.equal(dominated.length, 1);
    assert.deepEqual((dominated[0].meta as { checkpoints: string[] }).checkpoints, ['b']);
    assert.ok(((dominated[0].marker as { opacity: number }).opacity) < 1);
    assert.match((fronts[0].hovertext as string[])[0], /^a<br>simvp · Dyna-Pruner<br>30\.00% of the dense backbone's MACs<br>MSE 0\.6000$/);
  });

  it('MAE, GMACs and log axes as chosen; a user grouping replaces the method; backbones stay apart', () => {
    const pts = [{ ...ck('a', 'dynapruner', 3e7, 0.6), group: 'mine' }, ck('b', 'dynapruner', 5e7, 0.7, 'tau')];
    const f = checkpointParetoFigure(pts, { metric: 'mae', macs: 'gmacs', logX: true, logY: true }, LIGHT_THEME);
    assert.deepEqual(f.data.map((t) => t.name), ['simvp · mine', 'tau · Dyna-Pruner']);
    assert.deepEqual(f.data[0].y, [0.3]);
    assert.deepEqual(f.data[0].x, [0.03]);
    assert.equal((f.layout.xaxis as { type: string }).type, 'log');
    assert.match(((f.layout.yaxis as { title: { text: string } }).title.text), /^MAE, log scale$/);
  });

  it('methods the figures do not know (trainer options) get colours no plotted method uses', () => {
    const order = ['dense', 'dynapruner', 'mp_l1', 'dynapruner_distill', 'dynapruner_long'];
    const colours = order.map((m) => methodColour(m, order, LIGHT_THEME));
    assert.equal(new Set(colours).size, order.length, colours.join(' '));
    assert.equal(colours[1], LIGHT_THEME.series[0], 'Dyna-Pruner keeps its colour');
  });

  it('draws the real summary: two methods with 95% bands and the dense point, numbers as stored', async () => {
    const s = await readParetoSummary(SIMVP);
    const f = summaryParetoFigure(s, { macs: 'percent', logX: false, logY: false }, LIGHT_THEME);
    const means = f.data.filter((t) => (t.meta as { role: string }).role === 'summary-mean');
    const methods = new Set(s.points.map((p) => p.method));
    assert.equal(means.length, methods.size, 'one mean curve per method');
    for (const name of ['simvp · Dense', 'simvp · Dyna-Pruner', 'simvp · Static L1 (MP)']) assert.ok(means.some((t) => t.name === name), name);
    const banded = [...methods].filter((m) => m !== 'dense' && s.points.filter((p) => p.method === m).length >= 2);
    assert.equal(f.data.filter((t) => (t.meta as { role: string }).role === 'band').length, banded.length, 'a band per method with two or more points');
    const dp = s.points.filter((p) => p.method === 'dynapruner').sort((a, b) => summaryCost(a, 'percent').mean - summaryCost(b, 'percent').mean);
    const dpMean = means.find((t) => t.name === 'simvp · Dyna-Pruner')!;
    assert.deepEqual(dpMean.y, dp.map((p) => p.mse.mean));
    assert.deepEqual(dpMean.x, dp.map((p) => 100 * (1 - p.macReduction.mean!)));
    const band = f.data.find((t) => t.name === 'simvp · Dyna-Pruner 95% CI')!;
    assert.deepEqual(band.y, [...dp.map((p) => p.mse.hi), ...dp.map((p) => p.mse.lo).reverse()]);
  });

  it('the matched table carries the stored differences and CIs with a verdict', async () => {
    const s = await readParetoSummary(SIMVP);
    // The grid's Dyna-Pruner − static L1 rows come first (the trainer options' rows follow: paretoOptions.test.ts).
    const rows = matchedRows(s).slice(0, s.matched[0].points.length);
    assert.ok(rows.every((r) => r.comparison === 'Dyna-Pruner − Static L1 (MP)' && r.matchedAt === 'both curves interpolated'));
    const p = s.matched[0].points[0];
    assert.equal(rows[0].difference, `+${p.diffPctOfDense.toFixed(2)}%`);
    assert.equal(rows[0].ci95, `+${p.ci95[0]!.toFixed(2)}% to +${p.ci95[1]!.toFixed(2)}%`);
    assert.equal(rows[0].verdict, p.ci95[0]! > 0 ? 'Static L1 (MP) lower MSE' : rows[0].verdict);
  });
});
