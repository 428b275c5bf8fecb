/**
 * Real architectures: torchvision ResNet-50, MobileNetV2 and SqueezeNet 1.0
 * exported to ONNX (opset 13, 1x3x224x224) with Debian's python3-torch;
 * `dynapruner inspect --json` must give MACs within 1% of the published
 * figures and params equal to Python onnx's initializer element count.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { projectRoot, pythonInitializerElements, torchvisionOnnx, type TorchvisionModel } from '../helpers/torchvisionExport';

const published: [TorchvisionModel, number][] = [
  ['resnet50', 4.09e9],
  ['mobilenet_v2', 0.30e9],
  ['squeezenet1_0', 0.82e9],
];

describe('torchvision exports: inspect --json against published MACs and Python onnx params', () => {
  const cli = path.join(projectRoot(), 'dist', 'cli.js');
  before(() => {
    if (!existsSync(cli)) {
      const r = spawnSync('npm', ['run', 'build'], { cwd: projectRoot(), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
  });
  for (const [name, macs] of published) {
    it(`${name}: MACs within 1% of ${macs / 1e9} G, params = initializer elements`, { timeout: 900_000 }, () => {
      const file = torchvisionOnnx(name);
      const r = spawnSync(process.execPath, [cli, 'inspect', file, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      const rel = Math.abs(report.totals.macs - macs) / macs;
      assert.ok(rel < 0.01, `${name}: ${report.totals.macs} MACs is ${(rel * 100).toFixed(2)}% from ${macs}`);
      assert.equal(report.totals.flops, 2 * report.totals.macs);
      assert.equal(report.totals.params, pythonInitializerElements(file));
      assert.equal(report.shapeSources.unresolved.length, 0);
      assert.equal(report.shapeSources.runtime, 0, 'torchvision exports need no runtime fallback');
      assert.equal(report.model.opset, 13);
      assert.ok(report.units.length > 0);
    });
  }
});
