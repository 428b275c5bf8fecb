/** `dynapruner export`: a deployable variant of a checkpoint (clean dense, compacted static L1, channel-gathering sparse) as a standalone ONNX file. */
import { stat } from 'node:fs/promises';
import { CliError, type CliCommand } from '../command';
import { parseCommandArgs } from '../args/parse';
import { alternatives, choice } from '../args/values';
import { fileOutput, checkOutputs } from '../outputs';
import { humanBytes } from '../format/table';
import { ContractRequiredError, openCheckpoint } from '../../core/checkpoint/checkpoint';
import { EXPORT_VARIANTS, exportVariant, type ExportVariant } from '../../core/export/exportVariant';
import { poolEvaluator } from '../../core/runtime/graphEvaluator';
import { InferencePool } from '../../core/runtime/inferencePool';
import { refuseOutputsOverInputs } from '../../core/runs/outputGuard';
import { writeFileAtomic } from '../../core/runs/atomicWrite';

const EXPORT_FLAGS = {
  variant: { type: 'string', value: alternatives([...EXPORT_VARIANTS]) },
  out: { type: 'string', value: 'FILE' },
  force: { type: 'boolean' },
  sparsity: { type: 'string', value: 'S' },
} as const;

const help = `Usage: dynapruner export <checkpoint.onnx> --variant dense|l1c|sparse --out FILE [--force] [--sparsity S]

Writes one deployable variant of a Dyna-Pruner checkpoint as a standalone ONNX
model with the single input x and the single output prediction:

  dense   the clean dense graph: every mask one, folded away with every Mul by
          it; no mask generator, gate heads or Mul by ones. Same numbers as
          dense mode (masks injected as ones) up to float rounding.
  l1c     static L1 filter pruning (the filters with the largest weight L1 norm
          per gated unit, same for every input) with the pruned filters
          physically removed, data mask one; depthwise-gated units keep filter
          counts rounded up to multiples of 8 (zeroed filters).
  sparse  the checkpoint with its own per-input masks, each gated conv
          computing only the filters its gate keeps (NonZero of the gate,
          gathered weights, compact activations between gated convs). Same
          outputs as the checkpoint up to float rounding; batch 1 only.
          Grouped (depthwise) gated convs run as exported. Not faster than
          dense on onnxruntime CPU at the bundled 33x36 size (npm run bench:sparse).

The file's metadata_props 'dynapruner_export' records the variant, the source
checkpoint's name and sha256, and the options used.

Options:
  --variant V     dense, l1c or sparse (required)
  --out FILE      the ONNX file to write (required; written atomically, never the checkpoint itself)
  --force         replace FILE when it exists (refused otherwise)
  --sparsity S    l1c: fraction of filters pruned per unit, in [0, 1) (default: the contract's targets.s_w)
  --debug         stack traces on errors
`;

/** --sparsity, checked: a number in [0, 1). */
function sparsityOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(s) || s < 0 || s >= 1) throw new CliError(`--sparsity: expected a fraction in [0, 1), found '${raw}'`, 2);
  return s;
}

/** The checked arguments of one export. */
interface ExportArgs {
  checkpoint: string;
  variant: ExportVariant;
  out: string;
  force: boolean;
  sparsity: number | undefined;
}

/** Parses and checks everything that needs no file: one checkpoint, a known variant, --out given. */
function exportArgs(args: string[]): ExportArgs {
  const p = parseCommandArgs('export', args, EXPORT_FLAGS);
  if (p.positionals.length !== 1) {
    const found = p.positionals.length ? `found ${p.positionals.map((a) => `'${a}'`).join(' ')}` : 'found none';
    throw new CliError(`usage: dynapruner export <checkpoint.onnx> --variant dense|l1c|sparse --out FILE: expected one checkpoint, ${found} (see --help)`, 2);
  }
  const raw = p.string('variant');
  if (raw === undefined) throw new CliError(`--variant is required: expected ${alternatives(EXPORT_VARIANTS.map((v) => `'${v}'`))}`, 2);
  const variant = choice('variant', raw, EXPORT_VARIANTS, 'dense');
  const out = p.string('out');
  if (!out) throw new CliError('--out is required: the ONNX file to write (FILE)', 2);
  const sparsity = sparsityOf(p.string('sparsity'));
  if (sparsity !== undefined && variant !== 'l1c') throw new CliError(`--sparsity applies to --variant l1c only, found --variant ${variant}`, 2);
  return { checkpoint: p.positionals[0], variant, out, force: p.flag('force'), sparsity };
}

/** Refuses, before any work, an output that is the checkpoint, a folder, or an existing file without --force. */
async function checkOutput(a: ExportArgs): Promise<void> {
  await refuseOutputsOverInputs(await checkOutputs([fileOutput('--out', a.out)]), [{ role: 'the checkpoint', path: a.checkpoint }]);
  if (!a.force && (await stat(a.out).catch(() => null))) throw new CliError(`--out ${a.out}: the file exists; give --force to replace it`, 2);
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'a deployable variant of a checkpoint (clean dense, compacted static L1, sparse) as an ONNX file',
  help,
  async run(args, io, signal) {
    const a = exportArgs(args);
    await checkOutput(a);
    const ck = await openCheckpoint(a.checkpoint, signal).catch((error: unknown) => {
      if (error instanceof ContractRequiredError) throw new CliError(`${a.checkpoint}: no Dyna-Pruner contract ('dynapruner' metadata): export builds its variants from the contract's masks and units`, 2);
      throw error;
    });
    const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
    try {
      const result = await exportVariant(ck, a.variant, { evaluate: poolEvaluator(pool, 'export', signal), sparsity: a.sparsity }).catch((error: unknown) => {
        if (error instanceof ContractRequiredError) throw new CliError(error.message, 2);
        throw error;
      });
      signal.throwIfAborted();
      await writeFileAtomic(a.out, result.bytes);
      const nodes = result.model.graph?.node?.length ?? 0;
      io.out(`wrote ${a.out} (${a.variant} of ${ck.ref.name}: ${nodes} nodes, ${humanBytes(result.bytes.length)}; options ${JSON.stringify(result.record.options)})\n`);
      return 0;
    } finally {
      await pool.close();
    }
  },
};
