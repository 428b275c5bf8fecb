// tegrastats and trtexec parsers on real output copied into test/fixtures/orin
// (sources in test/fixtures/orin/SOURCES.md and beside each line).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseTegrastatsLine, totalPowerMw } from '../../src/core/remote/device/tegrastats';
import { parseTrtexecOutput } from '../../src/core/remote/profile/trtexec';
import { repoRoot } from './helpers/sshdTestEnv';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'orin');

/** variant key -> line, from the `# variant:` comments. */
function variants(): Map<string, string> {
  const out = new Map<string, string>();
  let key = '';
  for (const line of readFileSync(path.join(fixtures, 'tegrastats-variants.txt'), 'utf8').split('\n')) {
    const v = /^# variant: (\S+)/.exec(line);
    if (v) key = v[1];
    else if (line && !line.startsWith('#')) out.set(key, line);
  }
  return out;
}

describe('tegrastats parser', () => {
  const lines = variants();

  test('every fixture line carries a source and parses', () => {
    const text = readFileSync(path.join(fixtures, 'tegrastats-variants.txt'), 'utf8');
    const data = text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.equal(data.length, lines.size);
    assert.equal((text.match(/^# source: /gm) ?? []).length, data.length);
    for (const l of data) assert.ok(parseTegrastatsLine(l), l);
  });

  test('GR3D_FREQ N%@F with cur/avg rails (AGX Orin, JetPack 5)', () => {
    const s = parseTegrastatsLine(lines.get('gr3d-at-freq')!)!;
    assert.deepEqual(s.gpu, { loadPercent: 0, freqMHz: [0] });
    assert.deepEqual(s.emc, { loadPercent: 0, freqMHz: [2133] });
    assert.equal(s.stamp, '04-24-2023 00:01:24');
    assert.equal(s.ramUsedMB, 1282);
    assert.equal(s.ramTotalMB, 62795);
    assert.equal(s.cpu.length, 12);
    assert.deepEqual(s.cpu[0], { loadPercent: 0, freqMHz: [729] });
    assert.deepEqual(Object.keys(s.rails).sort(), ['VDDQ_VDD2_1V8AO', 'VDD_CPU_CV', 'VDD_GPU_SOC', 'VIN_SYS_5V0']);
    assert.deepEqual(s.rails.VDD_GPU_SOC, { currentMw: 2399, averageMw: 2399 });
    assert.equal(totalPowerMw(s), 2399 + 400 + 4032 + 301);
    assert.equal(s.temperaturesC.tj, 42.593);
    assert.equal(s.temperaturesC.GPU, undefined, '-256C means no sensor');
  });

  test('GR3D_FREQ N%@[F,F] (two GPCs)', () => {
    const s = parseTegrastatsLine(lines.get('gr3d-at-list')!)!;
    assert.deepEqual(s.gpu, { loadPercent: 0, freqMHz: [0, 0] });
    assert.equal(totalPowerMw(s), 2340 + 390 + 4025 + 301);
  });

  test('GR3D_FREQ N%@[F] (one GPC) with a VDD_IN input rail as the total', () => {
    const s = parseTegrastatsLine(lines.get('nx-gr3d-single-list')!)!;
    assert.deepEqual(s.gpu, { loadPercent: 63, freqMHz: [621] });
    assert.deepEqual(s.emc, { loadPercent: 43, freqMHz: [2133] });
    assert.equal(totalPowerMw(s), 12479);
  });

  test('CPU cores reading off, rails cur/avg/max, temperatures cur/max', () => {
    const s = parseTegrastatsLine(lines.get('cores-off-triple-rails')!)!;
    assert.equal(s.cpu.length, 12);
    assert.deepEqual(s.cpu.slice(8), [null, null, null, null]);
    assert.deepEqual(s.cpu[0], { loadPercent: 78, freqMHz: [1728] });
    assert.deepEqual(s.rails.VDD_CPU_CV, { currentMw: 2643, averageMw: 2643, maxMw: 2643 });
    assert.equal(totalPowerMw(s), 2265 + 2643 + 4722);
    assert.equal(s.temperaturesC.cpu, 50.718);
    assert.deepEqual(s.gpu, { loadPercent: 0, freqMHz: [0, 0] });
  });

  test('EMC_FREQ absent, GR3D_FREQ N% without clock', () => {
    const s = parseTegrastatsLine(lines.get('no-emc-triple-rails')!)!;
    assert.equal(s.emc, undefined);
    assert.deepEqual(s.gpu, { loadPercent: 0, freqMHz: [] });
    assert.deepEqual(s.cpu, [{ loadPercent: 0, freqMHz: [729] }, null]);
    assert.deepEqual(s.rails.VIN_SYS_5V0, { currentMw: 3918, averageMw: 3952, maxMw: 4019 });
    const nano = parseTegrastatsLine(lines.get('nano-gr3d-percent-no-emc')!)!;
    assert.equal(nano.emc, undefined);
    assert.deepEqual(nano.gpu, { loadPercent: 0, freqMHz: [] });
    assert.equal(totalPowerMw(nano), 4824);
  });

  test('older unit-less rails (Xavier) are read as mW', () => {
    const s = parseTegrastatsLine(lines.get('xavier-unitless-rails')!)!;
    assert.deepEqual(s.rails.CPU, { currentMw: 311, averageMw: 311 });
    assert.equal(s.rails.RAM, undefined);
    assert.equal(totalPowerMw(s), 0 + 311 + 932 + 0 + 621 + 1482);
    assert.deepEqual(s.gpu, { loadPercent: 0, freqMHz: [318] });
  });

  test('non-tegrastats text is ignored', () => {
    assert.equal(parseTegrastatsLine('bash: tegrastats: command not found'), null);
    assert.equal(parseTegrastatsLine(''), null);
  });
});

describe('trtexec summary parser', () => {
  const read = (f: string) => readFileSync(path.join(fixtures, 'trtexec', f), 'utf8');

  test('every trtexec fixture names its source', () => {
    // JSON (exportProfile) fixtures cannot carry a comment: their source is in SOURCES.md.
    for (const f of readdirSync(path.join(fixtures, 'trtexec')).filter((n) => !n.endsWith('.json'))) assert.match(read(f), /^# source: /, f);
    assert.match(readFileSync(path.join(fixtures, 'SOURCES.md'), 'utf8'), /`trtexec\/profile-\*\.json`.*constructed, not captured/);
  });

  test('TensorRT 7 block layout; throughput 0 qps falls back to 1000 / mean', () => {
    const s = parseTrtexecOutput(read('trt7.txt'));
    assert.equal(s.layout, 'trt7');
    assert.deepEqual(s.latency, { min: 4.34442, max: 7.12915, mean: 4.52398, median: 4.49951, percentiles: { 99: 5.46606 } });
    assert.deepEqual(s.gpuCompute, { min: 4.2439, max: 7.02356, mean: 4.42492, median: 4.40088, percentiles: { 99: 5.36792 } });
    assert.equal(s.throughputQps, 1000 / 4.52398);
    const t = parseTrtexecOutput(read('trt7-throughput.txt'));
    assert.equal(t.throughputQps, 18.0758);
    assert.equal(t.latency!.percentiles[99], 57.542);
  });

  test('TensorRT 8.2 inline layout with percentile(99%) only', () => {
    const s = parseTrtexecOutput(read('trt8.2.txt'));
    assert.equal(s.layout, 'trt8');
    assert.equal(s.throughputQps, 476.66);
    assert.deepEqual(s.latency, { min: 2.05615, max: 2.59482, mean: 2.09467, median: 2.08276, percentiles: { 99: 2.58971 } });
    const sci = parseTrtexecOutput(read('trt8.2-scientific.txt'));
    assert.equal(sci.throughputQps, 2.54521e6);
    assert.equal(sci.gpuCompute!.mean, 7.35231);
  });

  test('TensorRT 8.5+ / 10 layout with percentile(90/95/99%)', () => {
    const s = parseTrtexecOutput(read('trt8.5plus.txt'));
    assert.equal(s.layout, 'trt8.5+');
    assert.equal(s.throughputQps, 344.474);
    assert.deepEqual(s.latency!.percentiles, { 90: 2.90405, 95: 2.90479, 99: 2.90625 });
    assert.equal(s.gpuCompute!.median, 2.90137);
  });

  test('output without a summary is a clear error', () => {
    assert.throws(() => parseTrtexecOutput('[E] Could not open file x.onnx', 'trtexec on orin'), /trtexec on orin: no trtexec performance summary/);
  });
});
