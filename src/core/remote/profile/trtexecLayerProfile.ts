/**
 * `profile --backend trtexec --layers`: trtexec's own per-layer profile of
 * one variant, asked for with `--dumpProfile --separateProfileRun
 * --exportProfile=<run dir>/<file>` (flags of TensorRT 7.1 to 10; the
 * separate profile run keeps the profiler out of the timed run), read back
 * over the run's SSH connection and recorded as one layer run whose nodes
 * are the TensorRT layers (op {@link TRT_LAYER_OP}, mean time per iteration).
 *
 * A fused TensorRT layer is recorded as a group: its whole time goes to the
 * first compute layer it names (trtLayerTarget), not split over its compute
 * layers by MACs. TensorRT fuses a conv with its pointwise epilogue (bias,
 * activation, residual add), so a fused layer holds one compute layer in the
 * common case; a MAC split would invent times the profiler never measured
 * and make the time share follow the MAC share by construction, the very
 * comparison the per-layer table is for.
 */
import { TRT_LAYER_OP } from '../../experiments/traceLayers';
import type { VariantProfile } from '../../schema/profileResult';
import { readRemoteFile } from '../device/contentStore';
import type { SshConnection } from '../ssh/sshConnection';
import { parseTrtexecProfile, type TrtexecProfile } from './trtexec';

type LayerRun = NonNullable<VariantProfile['layerRuns']>[number];

/** Where the per-layer profile of variant `id` is written in the run folder. */
export function trtexecProfilePath(runDir: string, id: string): string {
  return `${runDir}/trtexec-profile-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
}

/** The trtexec flags that write the per-layer profile to `file`. */
export function trtexecProfileFlags(file: string): string[] {
  return ['--dumpProfile', '--separateProfileRun', `--exportProfile=${file}`];
}

/** The profile as one layer run: each TensorRT layer a node, its mean time per iteration in microseconds. */
export function trtexecLayerRun(p: TrtexecProfile): LayerRun {
  const nodes = p.layers.map((l) => ({ name: l.name, op: TRT_LAYER_OP, durUs: l.averageMs * 1000 }));
  return { nodes, runUs: nodes.reduce((a, n) => a + n.durUs, 0) };
}

/** Reads the profile trtexec wrote at `file` on the device (`alias`) and parses it; errors name `alias:file`. */
export async function readTrtexecProfile(conn: SshConnection, alias: string, file: string): Promise<TrtexecProfile> {
  const label = `${alias}:${file}`;
  const bytes = await readRemoteFile(conn, file).catch((error: unknown) => {
    throw new Error(`${label}: trtexec wrote no per-layer profile (${(error as Error).message})`);
  });
  return parseTrtexecProfile(bytes.toString('utf8'), label);
}
