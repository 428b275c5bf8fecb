/**
 * The inputs a profile run uploads: an explicit `.npy`, else
 * `<checkpoint>.inputs.npy` beside the checkpoint, else the first windows of
 * the contract's test split of its data set (the engine's sample loader on
 * the NetCDF files it finds, e.g. demo/data/ncl), encoded as float32 `.npy`.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Checkpoint } from '../../checkpoint/checkpoint';
import { defaultDataFiles } from '../../checkpoint/defaultData';
import { loadSamples } from '../../samples/load';
import { encodeNpyF32 } from '../../samples/npy';

/** Samples to upload: bytes plus the name they get on the device and where they came from. */
export interface ProfileSamples {
  bytes: Uint8Array;
  name: string;
  source: string;
}

/** Resolves the samples of a run; throws naming what was looked for when none are found. */
export async function profileSamples(checkpoint: string, ck: Checkpoint | null, opts: { explicit?: string; maxSamples?: number; cwd?: string } = {}): Promise<ProfileSamples> {
  const beside = checkpoint.replace(/\.onnx$/, '') + '.inputs.npy';
  const file = opts.explicit ?? (existsSync(beside) ? beside : undefined);
  if (file) return { bytes: await fs.readFile(file), name: path.basename(file), source: file };
  const data = ck ? defaultDataFiles(ck, opts.cwd) : null;
  if (!ck || !data) {
    throw new Error(`${checkpoint}: no samples: give --samples <inputs.npy> (float32 [S, T_in, C, H, W]); looked for ${beside}${ck ? " and the contract's data set files" : ''}`);
  }
  const set = await loadSamples(data, ck.spec, { split: 'test' });
  const n = Math.min(set.count, opts.maxSamples ?? 16);
  const per = set.tIn * set.channels * set.height * set.width;
  const bytes = encodeNpyF32(set.inputs.slice(0, n * per), [n, set.tIn, set.channels, set.height, set.width]);
  return { bytes, name: `${path.basename(checkpoint, '.onnx')}.test${n}.inputs.npy`, source: `${n} test windows of ${data.map((d) => path.basename(d)).join(', ')}` };
}
