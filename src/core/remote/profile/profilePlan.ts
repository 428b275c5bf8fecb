/**
 * What a profile run compares, prepared locally before anything is sent: the
 * variants built from the checkpoint (and any --compare-with models), the
 * samples to upload, each variant's mask-aware MACs, and the engine's
 * reference outputs the device must reproduce. The `sparse` variant's plan
 * is read or left uncalibrated here, or (`--sparse-plan calibrate`) measured
 * on each host just before that host's run ({@link ProfilePlan.variantsFor}).
 * Shared by the CLI and the extension.
 */
import path from 'node:path';
import { ContractRequiredError, openCheckpoint, type Checkpoint } from '../../checkpoint/checkpoint';
import { calibrationFeeds, uncalibratedPlan } from '../../export/calibrate';
import { denseUnitsOf, type SparsePlan } from '../../export/sparsePlan';
import { poolEvaluator } from '../../runtime/graphEvaluator';
import { InferencePool } from '../../runtime/inferencePool';
import { parseNpy } from '../../samples/npy';
import { buildSparseVariant } from '../../export/sparseVariant';
import { encodeModelProto } from '../../onnx/proto';
import type { ProfileResult } from '../../schema/profileResult';
import { deviceLatencyPredictions } from './deviceLatencyModel';
import { calibrateOnHost } from './hostSparsePlan';
import type { ProfileRequest, ProfileVariantInput } from './profileTypes';
import { profileSamples, type ProfileSamples } from './profileSamples';
import { recordedSparsePlan, type SparsePlanSource } from './sparsePlanSource';
import { buildCheckpointVariants, engineReference, sparseVariant, sparseVariantMacs, type BuiltVariant, type EngineReference, type VariantKind } from './variants';

/** Inputs of {@link planProfile}. */
export interface PlanOptions {
  /** Kinds to build (default: every kind that applies). */
  kinds?: VariantKind[];
  /** Separate models to profile beside the checkpoint's variants. */
  compareWith?: string[];
  /** Explicit samples `.npy`. */
  samples?: string;
  /** Samples checked against the engine (the runs' per-sample count); also the sparse plan's calibration samples. */
  perSample: number;
  /** Where the `sparse` variant's plan comes from (default `none`: every gatherable unit gathered, not timed). */
  sparsePlan?: SparsePlanSource;
  signal?: AbortSignal;
}

/** A prepared profile. */
export interface ProfilePlan {
  variants: ProfileVariantInput[];
  samples: ProfileSamples;
  /** Kinds not built, with why (plain models). */
  skipped: Array<{ kind: VariantKind; reason: string }>;
  /** For ProfileRequest.reference: the engine's outputs of a variant on the first `count` samples. */
  reference(variantId: string, output: string, count: number): Promise<Float32Array | null>;
  /**
   * The variants to time on `req.host` (`req.variants`, the plan's plus any
   * others): with `--sparse-plan calibrate`, `sparse` is calibrated on that
   * host first and rebuilt with its plan; otherwise `req.variants` as they are.
   */
  variantsFor(req: ProfileRequest): Promise<ProfileVariantInput[]>;
  /** `result` with the latency model's prediction per variant, where its per-node profile allows one (deviceLatencyModel.ts). */
  finish(result: ProfileResult): ProfileResult;
}

async function openIfContract(file: string, signal?: AbortSignal): Promise<Checkpoint | null> {
  try {
    return await openCheckpoint(file, signal);
  } catch (error) {
    if (error instanceof ContractRequiredError) return null;
    throw error;
  }
}

/** The plan of `--sparse-plan none|FILE` (null for `calibrate`: measured per host). */
async function fixedPlan(ck: Checkpoint, source: SparsePlanSource, samples: ProfileSamples, count: number, signal?: AbortSignal): Promise<SparsePlan | null> {
  if (source.kind === 'calibrate') return null;
  if (source.kind === 'file') return recordedSparsePlan(ck, source.file);
  const pool = new InferencePool({ size: 1, intraOpThreads: 1 });
  try {
    return await uncalibratedPlan(ck, calibrationFeeds(samples.bytes, samples.source, count), poolEvaluator(pool, 'sparse plan', signal));
  } finally {
    await pool.close();
  }
}

/** `variants` with the sparse one built with `plan` and its MACs counted under it. */
function withSparsePlan(ck: Checkpoint, base: string, variants: ProfileVariantInput[], plan: SparsePlan, ref: EngineReference): ProfileVariantInput[] {
  return variants.map((v) => {
    if (v.id !== 'sparse') return v;
    const b = sparseVariant(ck, base, plan);
    return { ...v, bytes: b.bytes, description: b.description, sparsePlan: plan, macs: sparseVariantMacs(ck, ref.gates, ref.count, denseUnitsOf(plan)) };
  });
}

/** `r` with the latency model's predictions; the models are the built ones (sparse rebuilt with the plan the run recorded). */
function withPredictions(ck: Checkpoint, r: ProfileResult, built: BuiltVariant[], ref: EngineReference, sampleCount: number): ProfileResult {
  const plan = r.variants.find((v) => v.id === 'sparse')?.sparsePlan;
  const sparse = plan ? encodeModelProto(buildSparseVariant(ck, plan).model) : undefined;
  const bytesOf = (id: string): Uint8Array | undefined => (id === 'ckpt' ? ck.model.bytes : id === 'sparse' && sparse ? sparse : built.find((b) => b.id === id)?.bytes);
  const predicted = deviceLatencyPredictions(ck, r, bytesOf, ref, sampleCount);
  return predicted.size ? { ...r, variants: r.variants.map((v) => (predicted.has(v.id) ? { ...v, latencyPrediction: predicted.get(v.id) } : v)) } : r;
}

/** Builds the variants, resolves the samples and counts MACs (runs the engine on `perSample` samples). */
export async function planProfile(checkpoint: string, opts: PlanOptions): Promise<ProfilePlan> {
  const built = await buildCheckpointVariants(checkpoint, { kinds: opts.kinds, compareWith: opts.compareWith, signal: opts.signal });
  const samples = await profileSamples(checkpoint, built.checkpoint, { explicit: opts.samples, maxSamples: Math.max(16, opts.perSample) });
  const source = opts.sparsePlan ?? { kind: 'none' };
  const ck = built.checkpoint;
  const hasSparse = built.variants.some((v) => v.kind === 'sparse');
  const base = path.basename(checkpoint, '.onnx');
  const fixed = ck && hasSparse ? await fixedPlan(ck, source, samples, opts.perSample, opts.signal) : null;
  if (ck && fixed) built.variants = built.variants.map((v) => (v.kind === 'sparse' ? sparseVariant(ck, base, fixed) : v));
  // One engine run per model: the checkpoint's variants together, each compared model on its own.
  const groups: Array<{ ck: Checkpoint; variants: BuiltVariant[] }> = [];
  const own = built.variants.filter((v) => v.kind !== 'compare');
  if (built.checkpoint && own.length) groups.push({ ck: built.checkpoint, variants: own });
  for (const v of built.variants.filter((x) => x.kind === 'compare')) {
    const ck = await openIfContract(v.file!, opts.signal);
    if (ck && ck.spec.tIn === built.checkpoint?.spec.tIn) groups.push({ ck, variants: [{ ...v, kind: 'ckpt' }] });
  }
  const refs: EngineReference[] = [];
  for (const g of groups) refs.push(await engineReference(g.ck, g.variants, samples.bytes, opts.perSample, opts.signal));
  const macsOf = (id: string) => refs.find((r) => r.macs.has(id))?.macs.get(id);
  // The checkpoint's own group, when it has one, is the first.
  const ownRef = ck && own.length ? refs[0] : null;
  const calibrate = ck && ownRef && hasSparse && source.kind === 'calibrate' ? { ck, rounds: source.rounds, ref: ownRef } : null;
  return {
    samples,
    skipped: built.skipped,
    variants: built.variants.map((v) => ({ id: v.id, label: v.label, bytes: v.bytes, file: v.file, description: v.description, macs: macsOf(v.id), ...(v.sparsePlan ? { sparsePlan: v.sparsePlan } : {}) })),
    variantsFor: async (req) => {
      if (!calibrate || !req.variants.some((v) => v.id === 'sparse')) return req.variants;
      const plan = await calibrateOnHost(calibrate.ck, req, { samples: opts.perSample, rounds: calibrate.rounds });
      return withSparsePlan(calibrate.ck, base, req.variants, plan, calibrate.ref);
    },
    finish: (result) => (ck && ownRef ? withPredictions(ck, result, built.variants, ownRef, parseNpy(samples.bytes, samples.source).shape[0]) : result),
    reference: async (variantId, output, count) => {
      if (output !== 'prediction') return null;
      const ref = refs.find((r) => r.predictions.has(variantId));
      if (!ref || count > ref.count) return null;
      const all = ref.predictions.get(variantId)!;
      return all.subarray(0, (all.length / ref.count) * count);
    },
  };
}
