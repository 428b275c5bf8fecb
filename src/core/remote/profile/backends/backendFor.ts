/** The measurement backend for a `--backend` / request value. */
import type { ProfileBackend } from '../../../schema/profileResult';
import type { MeasureBackend } from './measureBackend';
import { nodeRunnerBackend } from './nodeRunnerBackend';
import { ortRunnerBackend } from './ortRunnerBackend';
import { trtexecBackend } from './trtexecBackend';

const BACKENDS: Record<ProfileBackend, MeasureBackend> = { node: nodeRunnerBackend, ort: ortRunnerBackend, trtexec: trtexecBackend };

/** The backend named `id`; throws for an unknown name. */
export function backendFor(id: ProfileBackend): MeasureBackend {
  const backend = BACKENDS[id];
  if (!backend) throw new Error(`unknown profile backend '${id}' (expected node, ort or trtexec)`);
  return backend;
}
