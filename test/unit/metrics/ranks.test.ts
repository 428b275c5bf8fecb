/** ROC AUC, Spearman and the t-based CI against SciPy (Debian python3-scipy) on the same numbers. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { rocAuc, spearman } from '../../../src/core/metrics/ranks';
import { estimate, quantile } from '../../../src/core/metrics/stats';
import { maskedErrors } from '../../../src/core/metrics/errors';
import { rng } from '../../../src/core/experiments/random';

const next = rng(7);
const score = Array.from({ length: 300 }, () => Math.round(next() * 50) / 50); // with ties
const other = score.map((s) => s + (next() - 0.5) * 0.8);
const label = other.map((v) => (v > 0.6 ? 1 : 0));

function scipy(code: string): number[] {
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8', input: JSON.stringify({ score, other, label }) });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as number[];
}

test('AUC, Spearman, CI and quantiles agree with SciPy / NumPy', () => {
  const [auc, rho, lo, hi, p5] = scipy(`
import json, sys, numpy as np
from scipy import stats
d = json.load(sys.stdin); s = np.array(d['score']); o = np.array(d['other']); l = np.array(d['label'])
u = stats.mannwhitneyu(s[l == 1], s[l == 0]).statistic / ((l == 1).sum() * (l == 0).sum())
rho = stats.spearmanr(s, o).correlation
m, se = o.mean(), stats.sem(o); lo, hi = stats.t.interval(0.95, len(o) - 1, loc=m, scale=se)
print(json.dumps([float(u), float(rho), float(lo), float(hi), float(np.percentile(o, 5))]))`);
  assert.ok(Math.abs(rocAuc(score, label) - auc) < 1e-12);
  assert.ok(Math.abs(spearman(score, other) - rho) < 1e-12);
  const e = estimate(other);
  assert.ok(Math.abs(e.ci95[0] - lo) < 1e-4 && Math.abs(e.ci95[1] - hi) < 1e-4, `${e.ci95} vs ${lo}, ${hi}`);
  assert.ok(Math.abs(quantile(other, 0.05) - p5) < 1e-12);
});

test('masked errors ignore invalid pixels; AUC is NaN without both classes', () => {
  const e = maskedErrors([1, 2, 100], [0, 0, 0], [1, 1, 0]);
  assert.equal(e.mse, 2.5);
  assert.equal(e.mae, 1.5);
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [1, 1])));
});
