/**
 * `trtexec --exportProfile` per-layer times: the fixtures (constructed in the
 * documented exportProfile layout with simvp_dense.onnx's node names, see
 * test/fixtures/orin/SOURCES.md) parse into layers, and fused TensorRT layers
 * map onto the compute layers of the checkpoint's FLOPs breakdown.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openCheckpoint } from '../../../src/core/checkpoint/checkpoint';
import { trtLayerTarget } from '../../../src/core/experiments/traceLayers';
import { parseTrtexecProfile } from '../../../src/core/remote/profile/trtexec';
import { checkpoint, ROOT } from '../../helpers/engineFixtures';

const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'orin', 'trtexec', name);

describe('trtexec exportProfile', () => {
  test('TensorRT 8.5+ layout: count, median, every compute layer of simvp_dense mapped once', async () => {
    const file = fixture('profile-trt8.5plus-simvp_dense.json');
    const p = parseTrtexecProfile(readFileSync(file, 'utf8'), file);
    assert.equal(p.count, 1051);
    assert.ok(p.layers.every((l) => l.medianMs !== undefined));
    assert.ok(Math.abs(p.layers.reduce((a, l) => a + l.percentage, 0) - 100) < 1e-3);
    const ck = await openCheckpoint(checkpoint('simvp_dense'));
    const compute = new Set(ck.counts.layers.filter((l) => l.macs > 0).map((l) => l.name));
    const ops = new Map(ck.counts.layers.map((l) => [l.name, l.op]));
    const targets = p.layers.map((l) => trtLayerTarget(l.name, compute, ops));
    const mapped = targets.flatMap((t) => ('layer' in t ? [t.layer] : []));
    assert.deepEqual([...mapped].sort(), [...compute].sort(), 'each compute layer exactly once');
    assert.deepEqual(targets.filter((t) => 'other' in t).map((t) => ('other' in t ? t.other : '')).sort(), ['Add', 'Concat', 'Reformat', 'Reformat']);
  });

  test('TensorRT 7 layout: no median', () => {
    const file = fixture('profile-trt7-simvp_dense.json');
    const p = parseTrtexecProfile(readFileSync(file, 'utf8'), file);
    assert.equal(p.count, 625);
    assert.equal(p.layers.length, 6);
    assert.ok(p.layers.every((l) => l.medianMs === undefined && l.averageMs > 0));
  });

  test('bad input: one line naming the entry and field', () => {
    assert.throws(() => parseTrtexecProfile('{}', 'p.json'), /^Error: p\.json: expected a JSON array starting with \{ "count": N \}, found object$/);
    assert.throws(() => parseTrtexecProfile('[{"count":3},{"name":"a","timeMs":"x","averageMs":1,"percentage":1}]', 'p.json'), /^Error: p\.json: entry 1: field 'timeMs': expected a number, found "x"$/);
    assert.throws(() => parseTrtexecProfile('[{"name":"a"}]', 'p.json'), /p\.json: entry 0: expected \{ "count": N \}/);
    assert.throws(() => parseTrtexecProfile('[', 'p.json'), /^Error: p\.json: not JSON/);
  });
});
