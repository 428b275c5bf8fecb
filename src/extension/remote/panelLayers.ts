/**
 * Per-layer rows of the Orin panel from a saved profile that carries
 * `profile --layers` runs: the variants are rebuilt from the checkpoint (the
 * same builders the profile used, sparse with the plan the run recorded) so
 * each runtime node of the device's trace maps onto the compute layers of the
 * FLOPs breakdown, beside each layer's share of the variant's MACs.
 */
import { readFile } from 'node:fs/promises';
import { deviceLayerShares } from '../../core/experiments/remoteLayers';
import { buildCheckpointVariants, SELECTABLE_VARIANT_KINDS, type VariantKind } from '../../core/remote/profile/variants';
import type { ProfileResult } from '../../core/schema/profileResult';
import type { PanelLayerRow } from '../../shared/remoteProtocol';

/** Rows of one variant: compute layers with MACs or time, largest time first, then other ops by op type. */
function rowsOf(shares: ReturnType<typeof deviceLayerShares>): PanelLayerRow[] {
  const layers = shares.layers.filter((l) => l.macs > 0 || l.timeUs > 0).map((l): PanelLayerRow => ({ name: l.name, macShare: l.macShare, timeShare: l.timeShare, timeUs: l.timeUs }));
  const other = shares.otherOps.map((o): PanelLayerRow => ({ name: `other ops: ${o.op}`, macShare: 0, timeShare: o.timeShare, timeUs: o.timeUs }));
  return [...layers.sort((a, b) => b.timeUs - a.timeUs), ...other.sort((a, b) => b.timeUs - a.timeUs)];
}

/** Variant id -> its per-layer rows, for the variants of `r` that carry layer runs; empty when none does or the checkpoint has no contract. */
export async function profileLayerRows(r: ProfileResult): Promise<Map<string, PanelLayerRow[]>> {
  const withRuns = r.variants.filter((v) => v.layerRuns?.length);
  if (withRuns.length === 0) return new Map();
  const kinds = withRuns.map((v) => v.id).filter((id): id is VariantKind => (SELECTABLE_VARIANT_KINDS as readonly string[]).includes(id));
  const built = await buildCheckpointVariants(r.checkpoint.path, { kinds, sparsePlan: r.variants.find((v) => v.id === 'sparse')?.sparsePlan });
  if (!built.checkpoint) return new Map();
  const out = new Map<string, PanelLayerRow[]>();
  for (const v of withRuns) {
    const b = built.variants.find((x) => x.id === v.id);
    const bytes = b?.bytes ?? (b?.file ? new Uint8Array(await readFile(b.file)) : null);
    if (bytes) out.set(v.id, rowsOf(deviceLayerShares(built.checkpoint, `${v.id} (${v.label})`, bytes, v.layerRuns!)));
  }
  return out;
}
