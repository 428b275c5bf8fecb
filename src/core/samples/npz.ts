/** NumPy `.npz` reader (a zip of `.npy` members, stored or deflated) via fflate. */
import { unzipSync } from 'fflate';
import { SampleDataError } from './errors';
import { parseNpy, type NpyArray } from './npy';

/** Reads every `<key>.npy` member; `label` names the file in errors. */
export function parseNpz(bytes: Uint8Array, label: string): Map<string, NpyArray> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new SampleDataError(label, `not a readable .npz (zip) file: ${(error as Error).message}`);
  }
  const out = new Map<string, NpyArray>();
  for (const [name, content] of Object.entries(files)) {
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -4);
    out.set(key, parseNpy(content, `${label}[${key}]`));
  }
  if (out.size === 0) throw new SampleDataError(label, 'the .npz holds no .npy arrays');
  return out;
}
