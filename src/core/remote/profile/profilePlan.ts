/**
 * What a profile run compares, prepared locally before anything is sent: the
 * variants built from the checkpoint (and any --compare-with models), the
 * samples to upload, each variant's mask-aware MACs, and the engine's
 * reference outputs the device must reproduce. Shared by the CLI and the
 * extension.
 */
import { ContractRequiredError, openCheckpoint, type Checkpoint } from '../../checkpoint/checkpoint';
import type { ProfileVariantInput } from './profileRun';
import { profileSamples, type ProfileSamples } from './profileSamples';
import { buildCheckpointVariants, engineReference, type BuiltVariant, type EngineReference, type VariantKind } from './variants';

/** Inputs of {@link planProfile}. */
export interface PlanOptions {
  /** Kinds to build (default: every kind that applies). */
  kinds?: VariantKind[];
  /** Separate models to profile beside the checkpoint's variants. */
  compareWith?: string[];
  /** Explicit samples `.npy`. */
  samples?: string;
  /** Samples checked against the engine (the runs' per-sample count). */
  perSample: number;
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
}

async function openIfContract(file: string, signal?: AbortSignal): Promise<Checkpoint | null> {
  try {
    return await openCheckpoint(file, signal);
  } catch (error) {
    if (error instanceof ContractRequiredError) return null;
    throw error;
  }
}

/** Builds the variants, resolves the samples and counts MACs (runs the engine on `perSample` samples). */
export async function planProfile(checkpoint: string, opts: PlanOptions): Promise<ProfilePlan> {
  const built = await buildCheckpointVariants(checkpoint, { kinds: opts.kinds, compareWith: opts.compareWith, signal: opts.signal });
  const samples = await profileSamples(checkpoint, built.checkpoint, { explicit: opts.samples, maxSamples: Math.max(16, opts.perSample) });
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
  return {
    samples,
    skipped: built.skipped,
    variants: built.variants.map((v) => ({ id: v.id, label: v.label, bytes: v.bytes, file: v.file, description: v.description, macs: macsOf(v.id) })),
    reference: async (variantId, output, count) => {
      if (output !== 'prediction') return null;
      const ref = refs.find((r) => r.predictions.has(variantId));
      if (!ref || count > ref.count) return null;
      const all = ref.predictions.get(variantId)!;
      return all.subarray(0, (all.length / ref.count) * count);
    },
  };
}
