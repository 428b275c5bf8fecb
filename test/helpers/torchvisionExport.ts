/**
 * Exports torchvision models to ONNX with Debian's /usr/bin/python3 (torch 1.13,
 * weights=None: no download), opset 13, input 1x3x224x224. Files are cached
 * under .cache/models/ keyed by the export script's content, so reruns are fast.
 * Used by test/integration/torchvision.test.ts and scripts/bench-inspect.mjs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';

const SCRIPT = `
import sys, torch, torchvision
name, out = sys.argv[1], sys.argv[2]
ctor = {'resnet50': torchvision.models.resnet50, 'mobilenet_v2': torchvision.models.mobilenet_v2,
        'squeezenet1_0': torchvision.models.squeezenet1_0}[name]
torch.manual_seed(0)
model = ctor(weights=None).eval()
x = torch.zeros(1, 3, 224, 224)
torch.onnx.export(model, x, out, opset_version=13, input_names=['input'], output_names=['logits'],
                  dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
`;

/** Torchvision models the tests and the bench use. */
export type TorchvisionModel = 'resnet50' | 'mobilenet_v2' | 'squeezenet1_0';

/** The project root (DYNAPRUNER_ROOT, else two levels above this file). */
export function projectRoot(): string {
  return process.env.DYNAPRUNER_ROOT ?? path.resolve(__dirname, '..', '..');
}

/** Path of the cached export of `name`, exporting it first if needed. */
export function torchvisionOnnx(name: TorchvisionModel): string {
  const key = createHash('sha256').update(SCRIPT).digest('hex').slice(0, 12);
  const dir = path.join(projectRoot(), '.cache', 'models', key);
  const file = path.join(dir, `${name}.onnx`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  execFileSync('/usr/bin/python3', ['-c', SCRIPT, name, tmp], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  renameSync(tmp, file);
  return file;
}

/** Python onnx's count of initializer elements in `file` (each initializer once). */
export function pythonInitializerElements(file: string): number {
  const code = 'import sys, onnx, numpy as np\nm = onnx.load(sys.argv[1])\nprint(sum(int(np.prod(t.dims)) for t in m.graph.initializer))';
  return Number(execFileSync('/usr/bin/python3', ['-c', code, file], { encoding: 'utf8' }).trim());
}
