/**
 * The map inspector's physical read-out against values read independently:
 * Python's xarray reads demo/data/ncl/Pstorm.cdf (coordinates and raw
 * pressure), the engine loads the same file through its loader; denormalising
 * the engine's normalised input with the contract's statistics gives the raw
 * pressure back, and each cell's latitude / longitude is the file's. Older
 * results without geography still read (normalised units), and a malformed
 * geography is refused naming the field.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openCheckpoint } from '../../../src/core/checkpoint/checkpoint';
import { defaultDataFiles } from '../../../src/core/checkpoint/defaultData';
import { loadSamples } from '../../../src/core/samples/load';
import { gridCoordinates, readGeography } from '../../../src/core/samples/geography';
import type { SampleSet } from '../../../src/core/samples/sampleSet';
import { denormalise, formatCell, formatLatitude, formatLongitude, physicalDifference } from '../../../src/core/figures/geoReadout';
import { geoOverlay } from '../../../src/core/figures/geoOverlay';
import { cellReadout, layerReadout } from '../../../src/core/figures/mapReadout';
import { sampleMapLayers, type MapSource } from '../../../src/core/figures/maps';
import { LIGHT_THEME } from '../../../src/core/figures/types';
import { encodeF32 } from '../../../src/core/schema/encoding';
import type { SampleAnalysis } from '../../../src/core/schema/results';
import { parseGeography } from '../../../src/shared/validate';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const CKPT = path.join(ROOT, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');

/** lat, lon and p at one time step, read by xarray (not by this project's readers). */
function xarrayStorm(step: number): { lat: number[]; lon: number[]; p: (number | null)[][] } {
  const py = `import json, xarray as xr
d = xr.open_dataset(${JSON.stringify(path.join(ROOT, 'demo', 'data', 'ncl', 'Pstorm.cdf'))}, decode_times=False)
print(json.dumps({'lat': d['lat'].values.astype(float).tolist(), 'lon': d['lon'].values.astype(float).tolist(), 'p': [[None if v != v else v for v in r] for r in d['p'].values[${step}].astype(float).tolist()]}))`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, `python3 xarray failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { lat: number[]; lon: number[]; p: (number | null)[][] };
}

describe('map inspector: physical units and coordinates', () => {
  it('formats latitude and longitude', () => {
    assert.equal(`${formatLatitude(42.5)} ${formatLongitude(-97.5)}`, '42.5°N 97.5°W');
    assert.equal(formatLatitude(-12.25), '12.25°S');
    assert.equal(formatLatitude(0), '0°');
    assert.equal(formatLongitude(262.5), '97.5°W', '0..360 grids fold to west longitudes');
    assert.equal(formatLongitude(10), '10°E');
    assert.equal(formatLongitude(180), '180°');
  });

  it('denormalises the loaded storm pressure back to the values xarray reads, at the file\'s lat/lon', async () => {
    const ck = await openCheckpoint(CKPT);
    const files = defaultDataFiles(ck, ROOT)!;
    const set = await loadSamples(files, ck.spec);
    const g = set.geography!;
    const co = g.coordinates!;
    const c = ck.spec.channels.indexOf('p');
    const [H, W] = ck.spec.grid;
    const step = set.starts![0] + set.tIn - 1;
    const ref = xarrayStorm(step);
    assert.deepEqual(co.y, ref.lat);
    assert.deepEqual(co.x, ref.lon);
    assert.equal(co.geographic, true);
    assert.deepEqual([co.yName, co.xName], ['lat', 'lon']);
    assert.deepEqual({ ...g.channels[c], mean: 0, std: 0 }, { channel: 'p', variable: 'p', units: 'Pa', unitsSource: 'dataset', mean: 0, std: 0, transform: 'zscore' });
    assert.equal(g.channels[c].mean, ck.spec.mean[c]);
    assert.equal(g.channels[c].std, ck.spec.std[c]);
    const frame = set.inputs.subarray((set.tIn - 1) * set.channels * H * W + c * H * W);
    let worst = 0;
    let compared = 0;
    for (let r = 0; r < H; r++) {
      for (let x = 0; x < W; x++) {
        const want = ref.p[r][x];
        if (want === null) continue; // missing in the file (xarray's NaN)
        worst = Math.max(worst, Math.abs(denormalise(frame[r * W + x], g.channels[c]) - want));
        compared++;
      }
    }
    assert.ok(compared > H * W * 0.75, `${compared} valid cells compared`); // the storm fields miss about a fifth of the grid
    // float32 normalised values of ~1e5 Pa fields: a few hundredths of a pascal.
    assert.ok(worst < 0.05, `largest difference from xarray ${worst} Pa`);
    const row = ref.lat.indexOf(42.5);
    const col = ref.lon.indexOf(-97.5);
    assert.equal(formatCell(co, row, col), '42.5°N 97.5°W');
    // The read-out of the input map at that cell: physical pressure with units, and the cell's position.
    const sample = { inputLast: encodeF32(set.inputs.subarray((set.tIn - 1) * set.channels * H * W, set.tIn * set.channels * H * W), [set.channels, H, W]), prediction: encodeF32(set.targets!.subarray(0, set.tOut * set.channels * H * W), [set.tOut, set.channels, H, W]), target: null, importance: null, dataMask: null, absDelta: null, errorMap: null, activeFraction: 1 } as unknown as SampleAnalysis;
    const source: MapSource = { model: ck.ref, samples: [sample], data: { files, format: 'netcdf', split: 'test', windowStarts: null, validFraction: 1, geography: g } };
    const input = sampleMapLayers(source, { sample: 0, t: 0, channel: c }, LIGHT_THEME).find((l) => l.key === 'input')!;
    assert.match(input.title, /\[Pa\]$/);
    const text = layerReadout(input, { row, col })!;
    const expected = ref.p[row][col]!;
    const shown = Number(/input p ([\d,.]+) Pa/.exec(text)![1].replace(/,/g, ''));
    assert.ok(Math.abs(shown - expected) <= 1, `read-out ${text} vs xarray ${expected}`);
    assert.equal(cellReadout({ row, col }, co, [text]), `row ${row}, col ${col}: 42.5°N 97.5°W · ${text}`);
  });

  it('reads units from the file\'s attribute and handles a global 0..360 grid (hgt.nc)', async () => {
    const file = path.join(ROOT, 'demo', 'data', 'ncl', 'hgt.nc');
    const set = { format: 'netcdf', files: [file] } as unknown as SampleSet;
    const g = await readGeography(set, { tIn: 1, tOut: 1, channels: ['hgt'], grid: [73, 144], mean: [5500], std: [200], splits: {} });
    assert.deepEqual(g.channels, [{ channel: 'hgt', variable: 'HGT', units: 'gpm', unitsSource: 'file', mean: 5500, std: 200, transform: 'zscore' }]);
    const co = g.coordinates!;
    assert.equal(co.geographic, true);
    assert.deepEqual([co.y[0], co.y[72], co.x[0], co.x[143]], [-90, 90, 0, 357.5]);
    assert.equal(formatCell(co, 0, 143), '90°S 2.5°W');
    const o = geoOverlay(co)!;
    assert.ok(o.coastline.length > 10_000, 'every continent on a global grid');
    const nums = o.coastline.match(/-?\d+(\.\d+)?/g)!.map(Number);
    assert.ok(Math.min(...nums) >= 0 && Math.max(...nums) <= 144);
    // A grid the loader found without lat/lon names gets no coastline.
    assert.equal(gridCoordinates({ dims: ['t', 'y', 'x'], y: Float64Array.from(co.y), x: Float64Array.from(co.x) }, [73, 144])!.geographic, false);
  });

  it('crops and coarsens coordinates like the described loader crops and coarsens values', () => {
    const lat = Float64Array.from({ length: 8 }, (_, i) => 30 + i);
    const lon = Float64Array.from({ length: 6 }, (_, i) => -100 + 2 * i);
    const co = gridCoordinates({ dims: ['time', 'lat', 'lon'], y: lat, x: lon }, [2, 3], { y: [2, 6] }, 2)!;
    assert.deepEqual(co.y, [32.5, 34.5]);
    assert.deepEqual(co.x, [-99, -95, -91]);
    assert.equal(co.geographic, true);
    assert.equal(gridCoordinates({ dims: ['time', 'lat', 'lon'], y: lat, x: lon }, [8, 5]), null, 'a grid of another size keeps no coordinates');
  });

  it('differences in physical units for z-scored channels only', () => {
    assert.equal(physicalDifference(-0.5, { std: 10, transform: 'zscore' }), 5);
    assert.equal(physicalDifference(0.5, { std: 10, transform: 'log1p' }), null);
    assert.ok(Math.abs(denormalise(0.5, { mean: 1, std: 2, transform: 'log1p' }) - Math.expm1(2)) < 1e-12);
  });

  it('results without geography still read, in normalised units', () => {
    const v = new Float32Array([0.25, -1.5, 2, 0.125]);
    const sample = { inputLast: encodeF32(v, [1, 2, 2]), prediction: encodeF32(v, [1, 1, 2, 2]), target: null, importance: encodeF32(v, [2, 2]), dataMask: null, absDelta: null, errorMap: null, activeFraction: 1 } as unknown as SampleAnalysis;
    const model = { channels: ['p'], grid: [2, 2] as [number, number] } as MapSource['model'];
    assert.deepEqual(parseGeography(undefined, [2, 2], ['p']), { ok: true, message: null });
    const layers = sampleMapLayers({ model, samples: [sample] }, { sample: 0, t: 0, channel: 0 }, LIGHT_THEME);
    const input = layers.find((l) => l.key === 'input')!;
    assert.equal(input.physics, undefined);
    assert.equal(layerReadout(input, { row: 0, col: 1 }), 'input p -1.50');
    assert.equal(cellReadout({ row: 0, col: 1 }, null, ['input p -1.50']), 'row 0, col 1: input p -1.50');
  });

  it('refuses a malformed geography naming the field', () => {
    const good = { coordinates: { yName: 'lat', xName: 'lon', y: [1, 2], x: [3, 4, 5], geographic: true }, channels: [{ channel: 'p', variable: 'p', units: 'Pa', unitsSource: 'file', mean: 0, std: 1, transform: 'zscore' }] };
    assert.equal(parseGeography(good, [2, 3], ['p']).ok, true);
    const short = parseGeography({ ...good, coordinates: { ...good.coordinates, x: [3, 4] } }, [2, 3], ['p']);
    assert.deepEqual(short, { ok: false, error: 'data.geography: coordinates.x must hold 3 finite numbers (the grid\'s columns)' });
    const std = parseGeography({ ...good, channels: [{ ...good.channels[0], std: 0 }] }, [2, 3], ['p']);
    assert.equal(std.ok ? '' : std.error, 'data.geography: channels[0].mean / .std must be finite numbers with std > 0');
  });

  it('projects coastlines and graticule onto the storm grid', () => {
    const y = Array.from({ length: 33 }, (_, i) => 20 + i * 1.25);
    const x = Array.from({ length: 36 }, (_, i) => -140 + i * 2.5);
    const o = geoOverlay({ yName: 'lat', xName: 'lon', y, x, geographic: true })!;
    assert.ok(o.coastline.length > 1000, 'North America\'s coastline is drawn');
    const nums = o.coastline.match(/-?\d+(\.\d+)?/g)!.map(Number);
    assert.ok(Math.min(...nums) >= 0 && Math.max(...nums) <= 36, 'clipped to the grid');
    assert.equal(o.step, 15);
    // 30°N is row (30 - 20) / 1.25 = 8, drawn 8.5 cells above the bottom edge; 90°W is column 20.
    assert.deepEqual(o.labels.find((l) => l.text === '30°N'), { text: '30°N', x: 0, y: 33 - 8.5, axis: 'lat' });
    assert.deepEqual(o.labels.find((l) => l.text === '90°W'), { text: '90°W', x: 20.5, y: 33, axis: 'lon' });
    assert.equal(geoOverlay({ yName: 'y', xName: 'x', y, x, geographic: false }), null);
  });
});
