/** `dynapruner export`: a deployable variant of a checkpoint (clean dense, compacted static L1, channel-gathering sparse) as a standalone ONNX file. */
import { stat } from 'node:fs/promises';
import { CliError, type CliCommand } from '../command';
import { parseCommandArgs } from '../args/parse';
import { alternatives, choice, intValue } from '../args/values';
import { CONNECT_TIMEOUT_MS, THREADS } from '../args/limits';
import { calibrateTarget, calibrationSamples, sparsePlanFor, type CalibrateTarget } from './exportCalibrate';
import { overflowCheck, topkIndexOf, topkText } from './exportTopk';
import { DEFAULT_VECTOR_WIDTH } from '../../core/export/topkCalibration';
import type { SparseTopk } from '../../core/export/sparseVariant';
import { sparsePlanText } from '../../core/export/sparsePlanText';
import { requireGatedUnits } from '../../core/export/sparseVariant';
import { fileOutput, checkOutputs } from '../outputs';
import { humanBytes } from '../format/table';
import { ContractRequiredError, openCheckpoint, type Checkpoint } from '../../core/checkpoint/checkpoint';
import type { SparsePlan } from '../../core/export/sparsePlan';
import type { GraphEvaluator } from '../../core/graph/foldOnes';
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
  calibrate: { type: 'string', value: 'local|none|HOST' },
  threads: { type: 'string', value: 'N' },
  samples: { type: 'string', value: 'FILE.npy' },
  'calibrate-rounds': { type: 'string', value: 'N' },
  'calibrate-samples': { type: 'string', value: 'N' },
  'hosts-file': { type: 'string', value: 'FILE' },
  'known-hosts': { type: 'string', value: 'FILE' },
  'connect-timeout': { type: 'string', value: 'MS' },
  runner: { type: 'string', value: 'FILE' },
  index: { type: 'string', value: 'nonzero|topk' },
  'vector-width': { type: 'string', value: 'N' },
} as const;

/** Index selections of the sparse variant. */
const INDEX_FORMS = ['nonzero', 'topk'] as const;
/** Bounds of --vector-width. */
const VECTOR_WIDTH = { min: 1, max: 1024 };

/** Bounds of the calibration's rounds and samples. */
const CALIBRATE_ROUNDS = { min: 1, max: 1000 };
const CALIBRATE_SAMPLES = { min: 1, max: 256 };

const help = `Usage: dynapruner export <checkpoint.onnx> --variant dense|l1c|sparse --out FILE [--force] [--sparsity S]
                         [--calibrate local|none|HOST] [--threads N] [--samples FILE.npy]
                         [--index nonzero|topk] [--vector-width N]

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
          Grouped (depthwise) gated convs run as exported. Per unit the form
          (gathered, or dense conv then the Mul by its gate) is calibrated on
          the target: the all-gathered graph is timed against the same graph
          with each unit alone dense, a unit whose gathered form loses runs
          dense, and the assembled plan is timed against the clean dense
          graph end to end. The plan, what was measured and whether it beats
          clean dense are printed and recorded in the file's metadata_props
          'dynapruner.sparse_plan'. On onnxruntime CPU at the bundled 33x36
          size even the best plan is slower than clean dense (the mask
          generator and gate heads still run; npm run bench:sparse).
          --index topk gives every tensor a static shape (TensorRT, CUDA
          without NonZero's device-to-host sync): each unit selects a fixed
          k filters by TopK of its gate, k = the largest active count over
          the calibration samples rounded up to --vector-width, and the gate
          still multiplies the compact output, so the result stays exact
          while no sample has more active filters than k. The graph then
          also outputs dp_index_overflow (true when one does); export runs
          the written graph on every sample of the sample source and
          reports each sample that overflows.

The file's metadata_props 'dynapruner_export' records the variant, the source
checkpoint's name and sha256, and the options used.

Options:
  --variant V     dense, l1c or sparse (required)
  --out FILE      the ONNX file to write (required; written atomically, never the checkpoint itself)
  --force         replace FILE when it exists (refused otherwise)
  --sparsity S    l1c: fraction of filters pruned per unit, in [0, 1) (default: the contract's targets.s_w)
  --calibrate T   sparse: where the plan is measured: local (onnxruntime-node here, default), none (every
                  unit gathered, nothing timed) or a profiling host alias (~/.ssh/config or --hosts-file),
                  timed there through the node runner
  --threads N     sparse, local calibration: intra-op threads (default 1)
  --samples F     sparse: calibration inputs, float32 [S, T_in, C, H, W] (default <checkpoint>.inputs.npy,
                  else the contract's test windows, e.g. demo/data/ncl)
  --calibrate-samples N  samples used (default 8); --calibrate-rounds N  timed rounds over them (default 5)
  --index I       sparse: nonzero (default: NonZero of each gate, dynamic shapes) or topk (static shapes)
  --vector-width N  sparse --index topk: k is rounded up to a multiple of N (default 8: eight float32
                  lanes, the AVX2 block of onnxruntime's CPU conv kernels; 16 for AVX-512), capped at
                  the unit's filter count
  --hosts-file F, --known-hosts F, --connect-timeout MS, --runner F   the profiling host, as for 'profile'
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
  calibrate: string;
  threads: number;
  samples: string | undefined;
  rounds: number;
  calibrationSamples: number;
  hostsFile: string | undefined;
  knownHosts: string | undefined;
  connectTimeoutMs: number | undefined;
  runner: string | undefined;
  index: (typeof INDEX_FORMS)[number];
  vectorWidth: number;
}

const SPARSE_ONLY = ['calibrate', 'threads', 'samples', 'calibrate-rounds', 'calibrate-samples', 'hosts-file', 'known-hosts', 'connect-timeout', 'runner', 'index', 'vector-width'] as const;

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
  const given = SPARSE_ONLY.find((f) => p.string(f) !== undefined);
  if (given && variant !== 'sparse') throw new CliError(`--${given} applies to --variant sparse only, found --variant ${variant}`, 2);
  const calibrate = p.string('calibrate') ?? 'local';
  if (calibrate.trim() === '') throw new CliError("--calibrate: expected 'local', 'none' or a profiling host alias, found ''", 2);
  const index = choice('index', p.string('index'), INDEX_FORMS, 'nonzero');
  const vectorWidth = intValue('vector-width', p.string('vector-width'), VECTOR_WIDTH, DEFAULT_VECTOR_WIDTH);
  if (p.string('vector-width') !== undefined && index !== 'topk') throw new CliError(`--vector-width applies to --index topk only, found --index ${index}`, 2);
  return {
    index, vectorWidth,
    checkpoint: p.positionals[0], variant, out, force: p.flag('force'), sparsity, calibrate,
    threads: intValue('threads', p.string('threads'), THREADS, 1),
    samples: p.string('samples'),
    rounds: intValue('calibrate-rounds', p.string('calibrate-rounds'), CALIBRATE_ROUNDS, 5),
    calibrationSamples: intValue('calibrate-samples', p.string('calibrate-samples'), CALIBRATE_SAMPLES, 8),
    hostsFile: p.string('hosts-file'), knownHosts: p.string('known-hosts'), runner: p.string('runner'),
    connectTimeoutMs: intValue('connect-timeout', p.string('connect-timeout'), CONNECT_TIMEOUT_MS),
  };
}

/** Refuses, before any work, an output that is the checkpoint, a folder, or an existing file without --force. */
async function checkOutput(a: ExportArgs): Promise<void> {
  await refuseOutputsOverInputs(await checkOutputs([fileOutput('--out', a.out)]), [{ role: 'the checkpoint', path: a.checkpoint }]);
  if (!a.force && (await stat(a.out).catch(() => null))) throw new CliError(`--out ${a.out}: the file exists; give --force to replace it`, 2);
}

/** What the sparse export is built from: its plan, the samples it was calibrated on and, with --index topk, k per unit. */
interface SparseInputs {
  plan: SparsePlan;
  samples: Awaited<ReturnType<typeof calibrationSamples>>;
  topk?: SparseTopk;
  topkText?: string;
  /** topk: the samples the written graph is checked on (every sample of the source, at most 256). */
  checkSamples?: Awaited<ReturnType<typeof calibrationSamples>>;
}

/** The checkpoint's gated units checked, the calibration samples read, k calibrated (topk), then the plan measured on `target`. */
async function sparseInputsOf(a: ExportArgs, target: CalibrateTarget, ck: Checkpoint, evaluate: GraphEvaluator, signal: AbortSignal): Promise<SparseInputs> {
  try {
    requireGatedUnits(ck);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  const samples = await calibrationSamples(a.checkpoint, ck, a.samples, a.calibrationSamples);
  const t = a.index === 'topk' ? await topkIndexOf(ck, samples.feeds, evaluate, a.vectorWidth) : null;
  const plan = await sparsePlanFor(ck, a.checkpoint, target, samples, { rounds: a.rounds, warmup: 1 }, evaluate, signal, t?.topk);
  const checkSamples = t ? await calibrationSamples(a.checkpoint, ck, a.samples, CALIBRATE_SAMPLES.max) : undefined;
  return { plan, samples, checkSamples, topk: t?.topk, topkText: t ? topkText(t.units, a.vectorWidth, samples.feeds.length, Object.fromEntries(t.units.map((u) => [u.unit, u.k]))) : undefined };
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'a deployable variant of a checkpoint (clean dense, compacted static L1, sparse) as an ONNX file',
  help,
  async run(args, io, signal) {
    const a = exportArgs(args);
    await checkOutput(a);
    if (a.samples && !(await stat(a.samples).catch(() => null))?.isFile()) throw new CliError(`--samples ${a.samples}: no such file`, 2);
    const target: CalibrateTarget | null = a.variant === 'sparse' ? await calibrateTarget({ ...a, calibrate: a.calibrate }, signal) : null;
    const ck = await openCheckpoint(a.checkpoint, signal).catch((error: unknown) => {
      if (error instanceof ContractRequiredError) throw new CliError(`${a.checkpoint}: no Dyna-Pruner contract ('dynapruner' metadata): export builds its variants from the contract's masks and units`, 2);
      throw error;
    });
    const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
    try {
      const evaluate = poolEvaluator(pool, 'export', signal);
      const sparse = target ? await sparseInputsOf(a, target, ck, evaluate, signal) : undefined;
      const sparsePlan = sparse?.plan;
      const result = await exportVariant(ck, a.variant, { evaluate, sparsity: a.sparsity, sparsePlan, sparseTopk: sparse?.topk }).catch((error: unknown) => {
        if (error instanceof ContractRequiredError) throw new CliError(error.message, 2);
        throw error;
      });
      signal.throwIfAborted();
      await writeFileAtomic(a.out, result.bytes);
      const nodes = result.model.graph?.node?.length ?? 0;
      if (sparsePlan) io.out(sparsePlanText(sparsePlan));
      if (sparse?.topkText) io.out(sparse.topkText);
      io.out(`wrote ${a.out} (${a.variant} of ${ck.ref.name}: ${nodes} nodes, ${humanBytes(result.bytes.length)}; options ${JSON.stringify(result.record.options)})\n`);
      const k = result.record.options.k as Record<number, number> | undefined;
      if (sparse?.checkSamples && k) io.out((await overflowCheck(ck, result.bytes, sparse.checkSamples, k, evaluate)).text);
      return 0;
    } finally {
      await pool.close();
    }
  },
};
