/**
 * `dynapruner report --pareto` and `report` with several checkpoints through
 * the real CLI bundle (`node dist/cli.js`): the trainer's real Pareto summary
 * drawn with its bands and matched-MACs table, the fronts of real bundled
 * checkpoints analysed on the storm data, and bad input refused in one line
 * with nothing written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readParetoSummary } from '../../src/core/experiments/paretoSummary';
import { matchedRows } from '../../src/core/figures/paretoTables';
import { checkpoint, ROOT, STORM_FILES } from '../helpers/engineFixtures';

const cli = path.join(ROOT, 'dist', 'cli.js');
const SUMMARY = path.join(ROOT, 'trainer', 'results', 'pareto', 'storm_simvp', 'summary.json');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-report-pareto-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 240_000, cwd: dir });
}

interface Trace { name?: string; x?: number[]; y?: (number | null)[]; meta?: { role: string; checkpoints?: string[] } }
/** The figures the report page draws (its embedded JSON payload). */
function reportFigures(html: string): Record<string, { data: Trace[] }> {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the report embeds its figure data');
  return (JSON.parse(m[1]) as { figures: Record<string, { data: Trace[] }> }).figures;
}

function assertOneLine(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 2, `exit 2: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
  assert.match(lines[0], pattern);
}

describe('report --pareto', () => {
  it('draws the trainer summary alone: curves with bands at the stored means, the matched table with its CIs', async () => {
    assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first');
    const out = path.join(dir, 'pareto.html');
    const r = runCli(['report', '--pareto', SUMMARY, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*pareto\.html/);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    assert.doesNotMatch(html, /<script[^>]+src=/, 'no external scripts');
    const summary = await readParetoSummary(SUMMARY);
    const fig = reportFigures(html).paretoSummary;
    const dp = fig.data.find((t) => t.meta?.role === 'summary-mean' && t.name === 'simvp · Dyna-Pruner')!;
    const stored = summary.points.filter((p) => p.method === 'dynapruner').sort((a, b) => b.macReduction.mean! - a.macReduction.mean!);
    assert.deepEqual(dp.y, stored.map((p) => p.mse.mean));
    const banded = [...new Set(summary.points.map((p) => p.method))].filter((m) => m !== 'dense' && summary.points.filter((p) => p.method === m).length >= 2);
    assert.equal(fig.data.filter((t) => t.meta?.role === 'band').length, banded.length, 'a band per method with several points');
    const rows = [...html.matchAll(/<table id="pareto-matched">[\s\S]*?<\/table>/g)][0][0].split('<tr>').slice(2);
    assert.equal(rows.length, matchedRows(summary).length, 'the grid\'s rows and the trainer options\' rows');
    const p0 = summary.matched[0].points[0];
    assert.ok(rows[0].includes(`+${p0.diffPctOfDense.toFixed(2)}%`) && rows[0].includes(`+${p0.ci95[0]!.toFixed(2)}% to +${p0.ci95[1]!.toFixed(2)}%`), rows[0]);
  });

  it('several checkpoints: the first one\'s report plus every checkpoint on its method\'s front, and the summary', () => {
    const ckpts = ['simvp_dynapruner', 'simvp_mp_l1', 'simvp_dense'].map(checkpoint);
    const out = path.join(dir, 'several.html');
    const r = runCli(['report', ...ckpts, '--data', ...STORM_FILES, '--samples', '2', '--no-sweep', '--pareto', SUMMARY, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Pareto view[\s\S]*simvp_mp_l1\.onnx\s+simvp \/ mp_l1/);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /<table id="summary">/, 'the first checkpoint\'s summary is still there');
    const figs = reportFigures(html);
    assert.ok(figs.perSample && figs.layers, 'the analysis figures are still there');
    const fronts = figs.paretoCheckpoints.data.filter((t) => t.meta?.role === 'front');
    assert.deepEqual(fronts.map((t) => t.name), ['simvp · Dyna-Pruner', 'simvp · Static L1 (MP)', 'simvp · Dense']);
    assert.deepEqual(fronts.map((t) => t.meta?.checkpoints), [['simvp_dynapruner.onnx'], ['simvp_mp_l1.onnx'], ['simvp_dense.onnx']]);
    assert.ok(Math.abs(fronts[2].x![0] - 100) < 1e-9, 'the dense checkpoint costs 100% of its backbone');
    assert.ok(figs.paretoSummary, 'the summary figure too');
  });

  it('a malformed summary is one line naming file and field; the earlier output is left byte-identical', () => {
    const bad = path.join(dir, 'bad-summary.json');
    writeFileSync(bad, readFileSync(SUMMARY, 'utf8').replace('"method": "dense"', '"method": 7'));
    const out = path.join(dir, 'kept.html');
    writeFileSync(out, 'earlier report');
    assertOneLine(runCli(['report', '--pareto', bad, '--out', out]), /^dynapruner report: --pareto .*bad-summary\.json: points\[0\]\.method: expected a non-empty string, found number 7$/);
    assert.equal(readFileSync(out, 'utf8'), 'earlier report');
  });

  it('refuses an output that names the summary, and analysis-only flags without a checkpoint', () => {
    const copy = path.join(dir, 'summary.json');
    copyFileSync(SUMMARY, copy);
    const before = readFileSync(copy, 'utf8');
    const r = runCli(['report', '--pareto', copy, '--out', copy]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.trim(), /--out names the Pareto summary \(--pareto\)/);
    assert.equal(readFileSync(copy, 'utf8'), before);
    assertOneLine(runCli(['report', '--pareto', copy, '--json', path.join(dir, 'a.json'), '--out', path.join(dir, 'x.html')]), /--json: expected a checkpoint to analyse, found only --pareto$/);
    assertOneLine(runCli(['report', '--out', path.join(dir, 'x.html')]), /expected one checkpoint, found none/);
    assert.equal(existsSync(path.join(dir, 'x.html')), false);
  });
});
