/**
 * Refuses, before any work starts, an output that would overwrite one of the
 * command's inputs (the checkpoint, a data file) or another output.
 */
import { fileIdentity, sameFile } from './fileIdentity';
import { OutputError } from './outputError';

/** A path and what it is, for messages: `{ role: '--json', path: 'out.json' }`. */
export interface RolePath {
  role: string;
  path: string;
}

/** Throws {@link OutputError} when an output is an input or two outputs are the same file. */
export async function refuseOutputsOverInputs(outputs: RolePath[], inputs: RolePath[]): Promise<void> {
  const ins = await Promise.all(inputs.map(async (i) => ({ ...i, id: await fileIdentity(i.path) })));
  const outs = await Promise.all(outputs.map(async (o) => ({ ...o, id: await fileIdentity(o.path) })));
  for (const [k, o] of outs.entries()) {
    const input = ins.find((i) => sameFile(i.id, o.id));
    if (input) throw new OutputError(o.path, `${o.role} names ${input.role} (an input of this command); give another output path`);
    const twin = outs.slice(0, k).find((p) => sameFile(p.id, o.id));
    if (twin) throw new OutputError(o.path, `${o.role} names the same file as ${twin.role}; give each output its own path`);
  }
}
