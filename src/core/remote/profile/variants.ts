/**
 * The models a profile run compares, built from one checkpoint with the
 * engine's graph surgery: the checkpoint as exported (`ckpt`), its clean dense
 * graph (`dense`: every mask tensor cut, folded as ones and removed with every
 * Mul by it, src/core/graph/cleanDense.ts; the function of dense mode, timed
 * without its Mul-by-ones) and a static-L1 baseline (`l1`: the engine's static L1 filter masks at the
 * contract's s_w, data mask all ones). The built variants are single-input
 * ONNX models (`x` -> `prediction`), so every runner (node, ort, trtexec) runs
 * them unchanged. Also computes, with the engine, the reference outputs each
 * variant must reproduce on the device and its mask-aware (effective) MACs.
 */
import path from 'node:path';
import { sampleMacs } from '../../experiments/analyze';
import { ContractRequiredError, DATA_MASK, hasMasks, openCheckpoint, type Checkpoint } from '../../checkpoint/checkpoint';
import { InferencePool } from '../../runtime/inferencePool';
import { filterL1Norms, l1Gate, repeatRows } from '../../experiments/maskOps';
import { cleanDenseBytes, ModelRunner } from '../../runtime/modelRunner';
import { compactedLayerMacs, compactStaticGates } from '../../graph/compact';
import { buildL1cVariant, L1C_OPTIONS } from '../../export/l1cVariant';
import { buildSparseVariant, sparseExecutedMacs } from '../../export/sparseVariant';
import { denseUnitsOf, type SparsePlan } from '../../export/sparsePlan';
import { gatherGatedChannels } from '../../graph/channelGather';
import { poolEvaluator } from '../../runtime/graphEvaluator';
import { materializeConstantMasks, type ConstantMask } from '../../graph/constantMasks';
import { parseNpy } from '../../samples/npy';
import { encodeModelProto } from '../../onnx/proto';

/** Variants the profiler can build from a checkpoint (`--variants ckpt,dense,l1,l1c`). */
export type VariantKind = 'ckpt' | 'dense' | 'l1' | 'l1c' | 'sparse';
/** The kinds built by default, in display order. */
export const VARIANT_KINDS: readonly VariantKind[] = ['ckpt', 'dense', 'l1'];
/** Every kind `--variants` accepts: the defaults plus `l1c` (static L1 compacted: pruned filters removed) and `sparse` (channel gathering, batch 1), built only on request. */
export const SELECTABLE_VARIANT_KINDS: readonly VariantKind[] = [...VARIANT_KINDS, 'l1c', 'sparse'];

/** `l1c`'s compaction options (those of `dynapruner export --variant l1c`). */
export { L1C_OPTIONS };

export interface VariantMacs {
  /** Mean effective MACs per sample of the graph that runs. */
  mean: number;
  /** Dense MACs of the checkpoint's backbone (the reference of the ratio). */
  dense: number;
  /** Samples the mean is over. */
  samples: number;
  /** How it was counted. */
  basis: string;
}

/** One model to upload and time. */
export interface BuiltVariant {
  id: string;
  label: string;
  /** In-memory ONNX bytes (built variants) ... */
  bytes?: Uint8Array;
  /** ... or a file (the checkpoint itself, --compare-with models). */
  file?: string;
  /** What it is, for the result and the docs. */
  description: string;
  kind: VariantKind | 'compare';
  /** Only for the L1 variants (`l1`, `l1c`): the filter sparsity used. */
  l1Sparsity?: number;
  /** Only for `sparse` built with a plan: the plan. */
  sparsePlan?: SparsePlan;
}

/** The variants of one checkpoint plus the engine state to check them. */
export interface CheckpointVariants {
  variants: BuiltVariant[];
  /** The opened checkpoint, null for a plain ONNX model without the contract. */
  checkpoint: Checkpoint | null;
  /** Kinds asked for but not built (plain model, no masks), with the reason. */
  skipped: Array<{ kind: VariantKind; reason: string }>;
}

const GATE_NOTE = 'gate masks';

/** The constant masks of a kind: all ones (dense), or static L1 gates at `l1Sparsity` with the data mask all ones. */
export function constantMasksFor(ck: Checkpoint, kind: 'dense' | 'l1', l1Sparsity = 0): ConstantMask[] {
  const [H, W] = ck.spec.grid;
  const masks: ConstantMask[] = [];
  if (ck.hasDataMask) masks.push({ tensor: DATA_MASK, row: new Float32Array(H * W).fill(1), shape: [1, H, W] });
  for (const g of ck.gateTensors) {
    const row = kind === 'dense' ? new Float32Array(g.channels).fill(1) : l1Gate(filterL1Norms(ck, g.unit), l1Sparsity);
    masks.push({ tensor: g.mask, row, shape: [g.channels] });
  }
  return masks;
}

/** Runs `fn` with a one-thread pool of its own (the folding of constant masks evaluates them in it). */
async function withOwnPool<T>(fn: (pool: InferencePool) => Promise<T>): Promise<T> {
  const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

/** The `sparse` variant of `ck`: with `plan`, the units it keeps dense run dense and the plan is in the model's metadata; without, every gatherable unit is gathered. */
export function sparseVariant(ck: Checkpoint, base: string, plan?: SparsePlan): BuiltVariant {
  const dense = plan ? denseUnitsOf(plan).size : 0;
  const form = plan ? `; per-unit plan (${plan.measured.calibrate === 'none' ? 'not calibrated' : `calibrated on ${plan.measured.calibrate}`}): ${plan.units.length - dense} of ${plan.units.length} units gathered, ${dense} dense` : '; every gatherable unit gathered';
  return {
    id: 'sparse', label: `${base} sparse (channel gathering)`, kind: 'sparse', bytes: encodeModelProto(buildSparseVariant(ck, plan).model), sparsePlan: plan,
    description: `the checkpoint with its own per-input masks, each gated conv computing only the filters its gate keeps (NonZero of the gate, gathered weights, compact activations between gated convs; grouped gated convs as exported)${form}; batch 1`,
  };
}

/**
 * Opens a checkpoint and builds the asked variants (default: all that apply).
 * A plain ONNX model (no contract) or one without mask tensors only yields
 * `ckpt`; asking for `dense`/`l1` explicitly on such a model is an error.
 */
export async function buildCheckpointVariants(
  file: string,
  opts: { kinds?: VariantKind[]; compareWith?: string[]; sparsePlan?: SparsePlan; signal?: AbortSignal } = {},
): Promise<CheckpointVariants> {
  const explicit = opts.kinds !== undefined;
  const kinds = opts.kinds ?? [...VARIANT_KINDS];
  const base = path.basename(file, '.onnx');
  let ck: Checkpoint | null = null;
  let plainReason = '';
  try {
    ck = await openCheckpoint(file, opts.signal);
    if (!hasMasks(ck)) plainReason = `${file}: a '${ck.contract.variant}' checkpoint without mask tensors (${DATA_MASK} or dp_gate_mask_<i>)`;
  } catch (error) {
    if (!(error instanceof ContractRequiredError)) throw error;
    plainReason = error.message;
  }
  const variants: BuiltVariant[] = [];
  const skipped: CheckpointVariants['skipped'] = [];
  for (const kind of kinds) {
    opts.signal?.throwIfAborted();
    if (kind === 'ckpt') {
      variants.push({ id: 'ckpt', label: `${base} (as exported)`, file, kind, description: 'the checkpoint as exported: masks computed per input by the model' });
      continue;
    }
    if (plainReason || !ck) {
      const reason = `the '${kind}' variant needs a Dyna-Pruner checkpoint with mask tensors; ${plainReason}`;
      if (explicit) throw new ContractRequiredError(file, reason);
      skipped.push({ kind, reason });
      continue;
    }
    if (kind === 'sparse') {
      if (ck.gateTensors.length === 0) {
        const reason = `the 'sparse' variant needs gated units (dp_gate_mask_<i>); ${file} has none`;
        if (explicit) throw new ContractRequiredError(file, reason);
        skipped.push({ kind, reason });
        continue;
      }
      variants.push(sparseVariant(ck, base, opts.sparsePlan));
      continue;
    }
    if (kind === 'dense') {
      variants.push({
        id: 'dense', label: `${base} clean dense (masks off)`, kind, bytes: await withOwnPool((pool) => cleanDenseBytes(ck!, pool, opts.signal)),
        description: `clean dense graph: every mask tensor (${[...(ck.hasDataMask ? [DATA_MASK] : []), ...(ck.gateTensors.length ? [GATE_NOTE] : [])].join(', ')}) folded as all ones and removed with every Mul by it; mask generator and gate heads removed (dense mode's numbers up to float rounding)`,
      });
    } else {
      const s = ck.contract.targets.s_w;
      if (ck.gateTensors.length === 0 || s === null) {
        const reason = ck.gateTensors.length === 0 ? `the '${kind}' variant needs gated units (dp_gate_mask_<i>); ${file} has none` : `the '${kind}' variant needs the contract's targets.s_w; ${file} has none`;
        if (explicit) throw new ContractRequiredError(file, reason);
        skipped.push({ kind, reason });
        continue;
      }
      if (kind === 'l1c') {
        variants.push({
          id: 'l1c', label: `${base} static L1 compacted (s_w ${s})`, kind, l1Sparsity: s, bytes: await withOwnPool((pool) => buildL1cVariant(ck!, poolEvaluator(pool, 'l1c', opts.signal), s).then((r) => encodeModelProto(r.model))),
          description: `the l1 variant with its pruned filters physically removed (filter counts of depthwise-gated units rounded up to multiples of ${L1C_OPTIONS.align} with zeroed filters; see docs/remote.md "Compacted static L1"), data mask all ones and folded away`,
        });
        continue;
      }
      variants.push({
        id: 'l1', label: `${base} static L1 (s_w ${s})`, kind, l1Sparsity: s, bytes: materializeConstantMasks(ck.model.proto, constantMasksFor(ck, 'l1', s), `l1@${s}`),
        description: `static L1 filter masks (top ${Math.round((1 - s) * 100)}% filters by weight L1 norm per unit, same for every input), data mask all ones`,
      });
    }
  }
  for (const other of opts.compareWith ?? []) {
    const id = `cmp-${path.basename(other, '.onnx').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40)}`;
    if (variants.some((v) => v.id === id)) throw new Error(`--compare-with ${other}: a variant '${id}' is already listed`);
    variants.push({ id, label: path.basename(other), file: other, kind: 'compare', description: `a separate model (${other})` });
  }
  if (variants.length === 0) throw new Error(`${file}: no variant to profile (asked for ${kinds.join(', ') || 'none'})`);
  return { variants, checkpoint: ck, skipped };
}

/** The engine's reference outputs and effective MACs of each built variant on the checked samples. */
export interface EngineReference {
  /** `prediction` of the first `count` samples, stacked, per variant id (built kinds only). */
  predictions: Map<string, Float32Array>;
  macs: Map<string, VariantMacs>;
  count: number;
  /** The checkpoint's gate masks on those samples, per gate tensor (`count` rows each), for the sparse variant's MACs under any plan. */
  gates: Float32Array[];
  /** Its data mask on them (`count` grids), null without one. */
  dataMask: Float32Array | null;
}

/**
 * Mean MACs per sample the sparse graph executes with the checkpoint's own
 * gates (`gates`: per gate tensor, `n` rows), the units in `denseUnits` run
 * dense (the plan's); the same function as the checkpoint, whatever the plan.
 */
export function sparseVariantMacs(ck: Checkpoint, gates: Float32Array[], n: number, denseUnits: Set<number> = new Set()): VariantMacs {
  const { report } = gatherGatedChannels(ck, { denseUnits });
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sparseExecutedMacs(ck, report, gates.map((g, j) => g.subarray(i * ck.gateTensors[j].channels, (i + 1) * ck.gateTensors[j].channels)));
  const dense = sampleMacs(ck, null, ck.gateTensors.map(() => null)).backbone;
  const form = denseUnits.size ? `, units ${[...denseUnits].sort((a, b) => a - b).join(', ')} dense as the plan says` : '';
  return { mean: sum / n, dense, samples: n, basis: `MACs the channel-gathering graph executes with the checkpoint's own gates per sample (active filters, compact input channels, every position${form}; mask generator and gate heads included)` };
}

/**
 * Runs the engine (ModelRunner over an InferencePool, the code path of
 * `dynapruner analyze`/`sweep`) on the first `count` samples: the exported
 * model for `ckpt` (its own masks, which also give its effective MACs), the
 * clean dense graph for `dense`, and the mask-cut graph with injected masks
 * for `l1`. The device's outputs of the folded variants must match these.
 */
export async function engineReference(
  ck: Checkpoint,
  variants: BuiltVariant[],
  samplesNpy: Uint8Array,
  count: number,
  signal?: AbortSignal,
): Promise<EngineReference> {
  const npy = parseNpy(samplesNpy, 'samples');
  const n = Math.min(count, npy.shape[0]);
  const per = npy.data.length / npy.shape[0];
  const x = npy.data.slice(0, n * per);
  const pool = new InferencePool({ size: 1 });
  const predictions = new Map<string, Float32Array>();
  const macs = new Map<string, VariantMacs>();
  let gates: Float32Array[] = [];
  let dataMask: Float32Array | null = null;
  const denseBackbone = sampleMacs(ck, null, ck.gateTensors.map(() => null)).backbone;
  const [H, W] = ck.spec.grid;
  try {
    const runner = new ModelRunner(ck, pool);
    const full = await runner.full(x, n, signal);
    gates = full.gates;
    dataMask = full.dataMask;
    for (const v of variants) {
      signal?.throwIfAborted();
      if (v.kind === 'ckpt') {
        predictions.set(v.id, full.prediction);
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const dm = full.dataMask ? full.dataMask.subarray(i * H * W, (i + 1) * H * W) : null;
          const gates = full.gates.map((g, j) => g.subarray(i * ck.gateTensors[j].channels, (i + 1) * ck.gateTensors[j].channels));
          sum += sampleMacs(ck, dm, gates).total;
        }
        macs.set(v.id, { mean: sum / n, dense: denseBackbone, samples: n, basis: "checkpoint's own masks per sample, mask generator and gate heads included" });
      } else if (v.kind === 'sparse') {
        // Same function as the checkpoint (test/integration/channelGather.test.ts); its MACs are those it executes.
        predictions.set(v.id, full.prediction);
        macs.set(v.id, sparseVariantMacs(ck, full.gates, n, v.sparsePlan ? denseUnitsOf(v.sparsePlan) : undefined));
      } else if (v.kind === 'l1c') {
        // Same function as l1 (test/integration/compact.test.ts checks the compacted graph against the injected one);
        // its MACs are the compacted graph's dense MACs (compactedLayerMacs: l1's mask-aware count, adjusted per layer).
        const rows = ck.gateTensors.map((g) => l1Gate(filterL1Norms(ck, g.unit), v.l1Sparsity!));
        predictions.set(v.id, await runner.injected(x, n, { dataMask: null, gates: rows.map((r) => repeatRows(r, n)) }, signal));
        const { report } = compactStaticGates(ck, new Map(ck.gateTensors.map((g, i) => [g.unit, rows[i]])), L1C_OPTIONS);
        const mean = compactedLayerMacs(ck, report, sampleMacs(ck, null, rows).perLayer).reduce((a, b) => a + b, 0);
        macs.set(v.id, { mean, dense: denseBackbone, samples: n, basis: `dense MACs of the compacted graph (static L1 at s_w ${v.l1Sparsity}, pruned filters removed, depthwise-gated units rounded up to multiples of ${L1C_OPTIONS.align}; data mask ones)` });
      } else if (v.kind === 'dense' || v.kind === 'l1') {
        const gates = v.kind === 'dense' ? ck.gateTensors.map(() => null) : ck.gateTensors.map((g) => repeatRows(l1Gate(filterL1Norms(ck, g.unit), v.l1Sparsity!), n));
        predictions.set(v.id, v.kind === 'dense' ? await runner.cleanDense(x, n, signal) : await runner.injected(x, n, { dataMask: null, gates }, signal));
        const one = sampleMacs(ck, null, v.kind === 'dense' ? gates : ck.gateTensors.map((g) => l1Gate(filterL1Norms(ck, g.unit), v.l1Sparsity!)));
        macs.set(v.id, {
          mean: one.total - one.overhead,
          dense: denseBackbone,
          samples: n,
          basis: v.kind === 'dense' ? 'all masks ones, folded away (clean dense graph: no mask generator, gate heads or Mul by ones)' : `static L1 gates at s_w ${v.l1Sparsity}, data mask ones (no mask generator or gate heads)`,
        });
      }
    }
  } finally {
    await pool.close();
  }
  return { predictions, macs, count: n, gates, dataMask };
}
