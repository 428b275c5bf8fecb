/**
 * The A/B maps against real analyses: the bundled SimVP Dyna-Pruner and
 * magnitude-pruned (L1) checkpoints run by the engine on the bundled storm
 * data. The difference is checked cell by cell against the decoded arrays of
 * the analyses, and the scales against ranges computed here from them.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { abCell, abLayers, differenceField, differenceScale, sharedScale, type AbSide } from '../../../src/core/figures/abMaps';
import { sampleMapLayers } from '../../../src/core/figures/maps';
import { LIGHT_THEME } from '../../../src/core/figures/types';
import { decodeF32 } from '../../../src/core/schema/encoding';
import type { Analysis } from '../../../src/core/schema/results';
import { checkpointsDir, realResults, requireDynaprunerCheckpoint } from '../../browser/harness/realResults';

describe('A/B maps of real analyses', () => {
  let dyna: Analysis;
  let l1: Analysis;

  before(async () => {
    dyna = (await realResults(requireDynaprunerCheckpoint(), { maxSamples: 3, sweep: false })).analysis;
    l1 = (await realResults(path.join(checkpointsDir(), 'simvp_mp_l1.onnx'), { maxSamples: 3, sweep: false })).analysis;
  });

  const side = (a: Analysis, sample: number, t: number, channel = 0): AbSide => ({ source: a, sel: { sample, t, channel }, label: `${a.model.name} #${sample}` });

  it('A - B of two checkpoints equals the decoded predictions subtracted cell by cell, in physical units', () => {
    const t = 2;
    const layers = abLayers(side(dyna, 1, t), side(l1, 1, t), 'prediction', LIGHT_THEME);
    assert.equal(layers.missing, null);
    const [h, w] = dyna.model.grid;
    const plane = h * w;
    const C = dyna.model.channels.length;
    const pa = decodeF32(dyna.samples[1].prediction);
    const pb = decodeF32(l1.samples[1].prediction);
    const off = t * C * plane;
    // The storm data's channel carries its z-score: A - B in its units is the normalised difference times the std.
    const physics = dyna.data?.geography?.channels[0];
    assert.ok(physics, 'the analysis carries the channel physics');
    assert.equal(physics.transform, 'zscore');
    assert.equal(layers.diffUnits, physics.units);
    assert.match(layers.diff!.title, new RegExp(`^A - B: Prediction \\[${physics.units}\\]$`));
    let nonzero = 0;
    for (let row = 0; row < h; row++) {
      for (let col = 0; col < w; col++) {
        const i = off + row * w + col;
        const cell = abCell(layers, row, col);
        assert.equal(cell.a, pa[i]);
        assert.equal(cell.b, pb[i]);
        const expected = (pa[i] - pb[i]) * physics.std;
        assert.ok(Math.abs(cell.diff! - expected) <= 1e-4 * Math.max(1, Math.abs(expected)), `cell ${row},${col}: ${cell.diff} vs ${expected}`);
        if (cell.diff !== 0) nonzero++;
      }
    }
    // Two differently pruned models do not predict the same field.
    assert.ok(nonzero > plane / 2, `only ${nonzero} of ${plane} cells differ`);
  });

  it('A and B share one symmetric scale covering both, the difference a diverging one covering |A - B|', () => {
    const layers = abLayers(side(dyna, 0, 0), side(l1, 2, dyna.model.tOut - 1), 'prediction', LIGHT_THEME);
    const values = Array.from(layers.a!.values).slice(layers.a!.offset, layers.a!.offset + layers.a!.h * layers.a!.w)
      .concat(Array.from(layers.b!.values).slice(layers.b!.offset, layers.b!.offset + layers.b!.h * layers.b!.w));
    const m = Math.max(...values.map(Math.abs));
    assert.deepEqual([layers.a!.zmin, layers.a!.zmax], [-m, m]);
    assert.deepEqual([layers.b!.zmin, layers.b!.zmax], [-m, m]);
    const d = Math.max(...Array.from(layers.diff!.values).filter(Number.isFinite).map(Math.abs));
    assert.equal(Array.from(layers.diff!.values).filter(Number.isFinite).length, layers.a!.h * layers.a!.w);
    assert.ok(d > 0);
    assert.deepEqual([layers.diff!.zmin, layers.diff!.zmax], [-d, d]);
    assert.equal(layers.diff!.colorscale, LIGHT_THEME.diverging);
  });

  it('two samples of one checkpoint: the pane titles name the frames, the error field starts its scale at zero', () => {
    const layers = abLayers(side(dyna, 0, 1), side(dyna, 2, 1), 'error', LIGHT_THEME);
    assert.match(layers.a!.title, /^A: simvp_dynapruner\.onnx #0 · \|Prediction - target\| t\+2/);
    assert.match(layers.b!.title, /^B: simvp_dynapruner\.onnx #2/);
    assert.equal(layers.a!.zmin, 0);
    const own = sampleMapLayers(dyna, { sample: 0, t: 1, channel: 0 }, LIGHT_THEME).find((l) => l.key === 'error')!;
    const other = sampleMapLayers(dyna, { sample: 2, t: 1, channel: 0 }, LIGHT_THEME).find((l) => l.key === 'error')!;
    assert.deepEqual(sharedScale('error', own, other), [0, Math.max(...Array.from(own.values), ...Array.from(other.values))]);
  });

  it('a checkpoint without an importance map: the view says which pane lacks it', () => {
    const layers = abLayers(side(dyna, 0, 0), side(l1, 0, 0), 'importance', LIGHT_THEME);
    if (l1.samples[0].importance) {
      assert.equal(layers.missing, null);
    } else {
      assert.equal(layers.diff, null);
      assert.match(layers.missing!, /^B has no Importance S map/);
    }
    assert.ok(dyna.samples[0].importance, 'the Dyna-Pruner checkpoint has an importance map');
  });

  it('grids that differ are refused with both shapes named; NaN cells stay NaN in the difference', () => {
    const a = sampleMapLayers(dyna, { sample: 0, t: 0, channel: 0 }, LIGHT_THEME)[0];
    const small = { ...a, h: a.h - 1 };
    assert.throws(() => differenceField(a, small), new RegExp(`A is ${a.h} x ${a.w}, B is ${a.h - 1} x ${a.w}`));
    const holes = Float32Array.from(a.values);
    holes[a.offset] = NaN;
    const diff = differenceField({ ...a, values: holes }, a);
    assert.ok(Number.isNaN(diff[0]));
    assert.equal(diff[1], 0);
    assert.deepEqual(differenceScale(diff), [-1, 1]);
  });
});
