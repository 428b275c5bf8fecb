/**
 * The model the remote tests profile: the bundled SimVP checkpoint
 * (demo/checkpoints/simvp_dynapruner.onnx, with its .inputs.npy or else the
 * first test windows of the bundled storm data) when the trainer's
 * checkpoints are present, else a small two-conv model that follows the
 * contract (data mask, one gated unit, contract metadata) exported by
 * Debian's PyTorch (built once per machine, cached under node_modules/.cache,
 * not in the system temp folder). `dispose()` removes what the model left
 * in the temp folder (and so does the process's exit, as a fallback). Also builds the Node runner bundle the extension ships (dist/remoteRunner.js).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { openCheckpoint } from '../../../src/core/checkpoint/checkpoint';
import { profileSamples } from '../../../src/core/remote/profile/profileSamples';
import { repoRoot } from './sshdTestEnv';

export interface TestModel {
  onnx: string;
  inputs: string;
  /** True when this is the trainer's bundled checkpoint (false: the small fallback model). */
  bundled: boolean;
  /** Removes the temporary files made for this model (call in `after`). */
  dispose(): void;
}

const nothingToRemove = () => {};

/** A two-conv model with a data mask and one gated unit, following the checkpoint contract (fallback only). */
const EXPORT_SCRIPT = `
import sys, json, numpy as np, torch, onnx
out, inputs = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
H, W, T, C = 33, 36, 4, 6
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.mask_gen = torch.nn.Conv2d(T * C, 1, 3, padding=1)
        self.gate0 = torch.nn.Linear(T * C, 16)
        self.a = torch.nn.Conv2d(T * C, 16, 3, padding=1)
        self.b = torch.nn.Conv2d(16, T * C, 3, padding=1)
    def forward(self, x):
        n = x.shape[0]
        z = x.reshape(n, T * C, H, W)
        s = torch.sigmoid(self.mask_gen(z))
        m = (s >= 0.5).float()
        score = torch.sigmoid(self.gate0(z.mean(dim=(2, 3))))
        g = (score >= 0.5).float()
        y = torch.relu(self.a(z)) * m * g[:, :, None, None]
        y = self.b(y) * m
        return x + y.reshape(n, T, C, H, W), s, m, score, g
x = torch.randn(8, T, C, H, W)
names = ['prediction', 'dp_importance', 'dp_data_mask', 'dp_gate_score_0', 'dp_gate_mask_0']
torch.onnx.export(Net().eval(), x[:1], out, input_names=['x'], output_names=names,
                  dynamic_axes={k: {0: 'N'} for k in ['x'] + names}, opset_version=13)
m = onnx.load(out)
convs = {n.name: n for n in m.graph.node if n.op_type in ('Conv', 'Gemm', 'MatMul')}
node = lambda prefix: next(k for k in convs if k.startswith(prefix))
contract = {
    'contract': 1, 'backbone': 'tiny', 'variant': 'dynapruner', 't_in': T, 't_out': T,
    'channels': ['p', 't', 'u', 'v', 'u500', 'v500'], 'grid': [H, W],
    'normalization': {'mean': [0] * C, 'std': [1] * C}, 'data_threshold': 0.5,
    'targets': {'s_d': 0.5, 's_w': 0.5},
    'units': [{'id': 0, 'name': 'a', 'node': node('/a/'), 'channels': 16, 'tau': 0.5, 'score': 'dp_gate_score_0', 'mask': 'dp_gate_mask_0'}],
    'layers': [{'node': node('/a/'), 'spatial_mask': True, 'out_unit': 0, 'in_unit': None},
               {'node': node('/b/'), 'spatial_mask': True, 'out_unit': None, 'in_unit': 0}],
    'overhead_nodes': [node('/mask_gen/'), node('/gate0/')],
    'dataset': None, 'training': None,
}
m.metadata_props.add(key='dynapruner', value=json.dumps(contract))
onnx.save(m, out)
np.save(inputs, x.numpy().astype(np.float32))
`;

/**
 * The bundled Dyna-Pruner checkpoint, or null when the trainer's checkpoints
 * are absent (or DYNAPRUNER_REMOTE_TEST_FALLBACK=1 asks for the fallback model).
 */
export function bundledCheckpoint(): string | null {
  const onnx = path.join(repoRoot, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
  return existsSync(onnx) && process.env.DYNAPRUNER_REMOTE_TEST_FALLBACK !== '1' ? onnx : null;
}

/**
 * The checkpoint and inputs to profile (async: inputs of the bundled
 * checkpoint may be windowed from the storm data by the engine's loader).
 */
export async function testModel(): Promise<TestModel> {
  const onnx = bundledCheckpoint();
  if (onnx) {
    const beside = onnx.replace(/\.onnx$/, '.inputs.npy');
    if (existsSync(beside)) return { onnx, inputs: beside, bundled: true, dispose: nothingToRemove };
    const samples = await profileSamples(onnx, await openCheckpoint(onnx), { maxSamples: 8, cwd: repoRoot });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-remote-test-inputs-'));
    const remove = () => rmSync(dir, { recursive: true, force: true });
    process.once('exit', remove); // also when a test file forgets dispose()
    const inputs = path.join(dir, samples.name);
    writeFileSync(inputs, samples.bytes);
    return { onnx, inputs, bundled: true, dispose: remove };
  }
  const dir = path.join(repoRoot, 'node_modules', '.cache', 'dynapruner-remote-test-model-v2');
  const model = path.join(dir, 'tiny_dynapruner.onnx');
  const npy = path.join(dir, 'tiny_dynapruner.inputs.npy');
  if (!existsSync(model) || !existsSync(npy)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('/usr/bin/python3', ['-c', EXPORT_SCRIPT, model, npy], { stdio: 'pipe' });
  }
  return { onnx: model, inputs: npy, bundled: false, dispose: nothingToRemove };
}

/** Bundles src/core/remote/profile/runner/nodeRunner.ts like scripts/build.mjs does, into a temp file. */
export async function buildNodeRunner(): Promise<string> {
  const out = path.join(os.tmpdir(), `dynapruner-remoteRunner-${process.pid}.js`);
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'src', 'core', 'remote', 'profile', 'runner', 'nodeRunner.ts')],
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
