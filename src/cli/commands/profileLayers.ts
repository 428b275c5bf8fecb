/** The per-layer table of `dynapruner profile --layers`: per host and variant, share of MACs beside share of measured time. */
import { readFile } from 'node:fs/promises';
import { ContractRequiredError, openCheckpoint } from '../../core/checkpoint/checkpoint';
import { deviceLayerShares } from '../../core/experiments/remoteLayers';
import type { ProfileVariantInput } from '../../core/remote/profile/profileTypes';
import { PREDICTION_BASIS } from '../../core/remote/profile/deviceLatencyModel';
import type { ProfileResult } from '../../core/schema/profileResult';
import { renderTable } from '../format/table';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The tables of every profiled variant that carries layer runs (a note where none does). */
export async function profileLayersText(checkpoint: string, inputs: ProfileVariantInput[], results: ProfileResult[]): Promise<string> {
  const ck = await openCheckpoint(checkpoint).catch((error: unknown) => {
    if (error instanceof ContractRequiredError) return null;
    throw error;
  });
  if (!ck) return `${checkpoint}: no per-layer table: mapping runtime nodes to layers needs the checkpoint's Dyna-Pruner contract\n`;
  const parts: string[] = [];
  for (const r of results) {
    for (const v of r.variants) {
      if (!v.layerRuns?.length) {
        parts.push(`[${r.host.alias}] ${v.id}: no per-layer profile (the ${r.backend} backend does not report one)\n`);
        continue;
      }
      const input = inputs.find((i) => i.id === v.id);
      const bytes = input?.bytes ?? (input?.file ? new Uint8Array(await readFile(input.file)) : null);
      if (!bytes) continue;
      const rows = deviceLayerShares(ck, `${v.id} (${v.label})`, bytes, v.layerRuns);
      const body = rows.layers.filter((l) => l.macs > 0 || l.timeUs > 0).map((l) => [l.name, pct(l.macShare), pct(l.timeShare), l.timeUs.toFixed(0)]);
      for (const o of rows.otherOps) body.push([`other ops: ${o.op}`, '', pct(o.timeShare), o.timeUs.toFixed(0)]);
      const basis = r.backend === 'trtexec' ? 'trtexec --exportProfile, mean per iteration of its profile run' : `median of ${v.layerRuns.length} profiled runs`;
      parts.push(`[${r.host.alias}] ${v.id}: per layer (${basis}, ${(rows.nodeTimeUs / 1000).toFixed(2)} ms of nodes)\n` +
        renderTable([{ header: 'layer', maxWidth: 48 }, { header: 'MACs', align: 'right' }, { header: 'time', align: 'right' }, { header: 'us', align: 'right' }], body));
    }
  }
  return parts.join('\n');
}

/** Predicted vs measured per-sample latency of every variant the latency model covers (a note where none). */
export function predictionText(results: ProfileResult[]): string {
  const body = results.flatMap((r) => r.variants.flatMap((v) => {
    const p = v.latencyPrediction;
    return p ? [[r.host.alias, v.id, p.predictedMs.toFixed(3), p.measuredMs.toFixed(3), `${p.meanAbsPctError.toFixed(1)}%`, p.macLimitMs === null ? '-' : p.macLimitMs.toFixed(3), String(p.samples)]] : [];
  }));
  if (body.length === 0 && results.every((r) => r.backend === 'trtexec')) return 'latency model: no prediction (trtexec reports no per-sample latency to fit it on)\n';
  if (body.length === 0) return 'latency model: no prediction (it needs a per-node profile of ckpt, dense, l1c or sparse)\n';
  const head = [{ header: 'host' }, { header: 'variant' }, { header: 'predicted ms', align: 'right' as const }, { header: 'measured ms', align: 'right' as const }, { header: 'error', align: 'right' as const }, { header: 'MAC limit ms', align: 'right' as const }, { header: 'samples', align: 'right' as const }];
  return `latency model, predicted vs measured per-sample latency (mean over the samples; error: mean |predicted - measured| / measured)\n${renderTable(head, body)}basis: ${PREDICTION_BASIS}\n`;
}
