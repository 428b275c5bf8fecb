/**
 * The model the remote tests profile: the bundled SimVP checkpoint
 * (demo/checkpoints/simvp_dynapruner.onnx, with its .inputs.npy or else the
 * first test windows of the bundled storm data) when the trainer's
 * checkpoints are present, else a small convolutional model in the contract's
 * input/output layout exported by Debian's PyTorch (built once per machine).
 * Also builds the Node runner bundle the extension ships (dist/remoteRunner.js).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { openCheckpoint } from '../../../src/core/engine/checkpoint';
import { profileSamples } from '../../../src/core/remote/profileSamples';
import { repoRoot } from './sshdTestEnv';

export interface TestModel {
  onnx: string;
  inputs: string;
  /** True when this is the trainer's bundled checkpoint. */
  bundled: boolean;
}

const EXPORT_SCRIPT = `
import sys, numpy as np, torch
out, inputs = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Conv2d(24, 16, 3, padding=1)
        self.b = torch.nn.Conv2d(16, 24, 3, padding=1)
    def forward(self, x):
        n = x.shape[0]
        y = self.b(torch.relu(self.a(x.reshape(n, 24, 33, 36))))
        return x + y.reshape(n, 4, 6, 33, 36)
x = torch.randn(6, 4, 6, 33, 36)
torch.onnx.export(Net().eval(), x[:1], out, input_names=['x'], output_names=['prediction'],
                  dynamic_axes={'x': {0: 'N'}, 'prediction': {0: 'N'}}, opset_version=13)
np.save(inputs, x.numpy().astype(np.float32))
`;

/** The bundled Dyna-Pruner checkpoint, or null when the trainer's checkpoints are absent. */
export function bundledCheckpoint(): string | null {
  const onnx = path.join(repoRoot, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
  return existsSync(onnx) ? onnx : null;
}

/**
 * The checkpoint and inputs to profile (async: inputs of the bundled
 * checkpoint may be windowed from the storm data by the engine's loader).
 */
export async function testModel(): Promise<TestModel> {
  const onnx = bundledCheckpoint();
  if (onnx) {
    const beside = onnx.replace(/\.onnx$/, '.inputs.npy');
    if (existsSync(beside)) return { onnx, inputs: beside, bundled: true };
    const samples = await profileSamples(onnx, await openCheckpoint(onnx), { maxSamples: 8, cwd: repoRoot });
    const dir = path.join(os.tmpdir(), `dynapruner-remote-test-inputs-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const inputs = path.join(dir, samples.name);
    writeFileSync(inputs, samples.bytes);
    return { onnx, inputs, bundled: true };
  }
  const dir = path.join(os.tmpdir(), 'dynapruner-remote-test-model-v1');
  const model = path.join(dir, 'tiny_conv.onnx');
  const npy = path.join(dir, 'tiny_conv.inputs.npy');
  if (!existsSync(model) || !existsSync(npy)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('/usr/bin/python3', ['-c', EXPORT_SCRIPT, model, npy], { stdio: 'pipe' });
  }
  return { onnx: model, inputs: npy, bundled: false };
}

/** Bundles src/core/remote/runner/nodeRunner.ts like scripts/build.mjs does, into a temp file. */
export async function buildNodeRunner(): Promise<string> {
  const out = path.join(os.tmpdir(), `dynapruner-remoteRunner-${process.pid}.js`);
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'src', 'core', 'remote', 'runner', 'nodeRunner.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    logLevel: 'error',
  });
  return out;
}
