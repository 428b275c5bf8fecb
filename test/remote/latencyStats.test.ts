// Latency summaries use the project's one quantile function: p50/p90/p99
// equal numpy's np.percentile (linear, the default) on the same latencies.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { rng } from '../../src/core/experiments/random';
import { latencyStats } from '../../src/core/remote/profile/latencyStats';

test('p50/p90/p99, mean, std, min and max agree with numpy', () => {
  const next = rng(11);
  const sets = [[4.2], [3, 1], [2.5, 2.5, 2.5], Array.from({ length: 8 }, () => 2 + next()), Array.from({ length: 101 }, () => 1 + 3 * next() ** 3), Array.from({ length: 1000 }, () => 0.5 + next())];
  const script = `import json, sys, numpy as np
out = []
for v in json.load(sys.stdin):
    a = np.array(v)
    out.append([float(np.percentile(a, 50)), float(np.percentile(a, 90)), float(np.percentile(a, 99)), float(a.mean()), float(a.std(ddof=1)) if len(a) > 1 else 0.0, float(a.min()), float(a.max())])
print(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(sets), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as number[][];
  sets.forEach((values, i) => {
    const s = latencyStats(values);
    const got = [s.p50, s.p90, s.p99, s.mean, s.std, s.min, s.max];
    got.forEach((g, k) => assert.ok(Math.abs(g - expected[i][k]) <= 1e-12 * Math.max(1, Math.abs(expected[i][k])), `set ${i} stat ${k}: ${g} vs numpy ${expected[i][k]}`));
    assert.equal(s.n, values.length);
  });
  assert.throws(() => latencyStats([]), /no timed iterations/);
});
