/**
 * `export --variant sparse --index topk`: k per gated unit calibrated on the
 * calibration samples (largest active count, rounded up to --vector-width,
 * capped at the filter count), and the check of the written graph on every
 * sample of the sample source: a sample on which `dp_index_overflow` is true
 * (some unit has more active filters than its k, so active filters are
 * dropped and the output is not exact) is reported by index with the units
 * and counts that overflow.
 */
import type { Checkpoint } from '../../core/checkpoint/checkpoint';
import { calibrationFeeds } from '../../core/export/calibrate';
import type { SparseTopk } from '../../core/export/sparseVariant';
import { calibrateTopk, unitActiveCounts, type TopkUnitK } from '../../core/export/topkCalibration';
import type { GraphEvaluator } from '../../core/graph/foldOnes';
import { INDEX_OVERFLOW } from '../../core/graph/topkIndex';
import type { WireTensor } from '../../core/runtime/workerProtocol';

/** Most samples the overflow check runs (the calibration samples' upper bound). */
const CHECK_SAMPLES = 256;

/** The TopK index of the export and its per-unit calibration. */
export async function topkIndexOf(ck: Checkpoint, feeds: Record<string, WireTensor>[], evaluate: GraphEvaluator, vectorWidth: number): Promise<{ topk: SparseTopk; units: TopkUnitK[] }> {
  const units = await calibrateTopk(ck, feeds, evaluate, vectorWidth);
  return { topk: { kind: 'topk', k: new Map(units.map((u) => [u.unit, u.k])), vectorWidth }, units };
}

/** One line per unit: filters, largest active count, k. */
export function topkText(units: TopkUnitK[], vectorWidth: number, samples: number, gathered: Record<number, number>): string {
  const rows = units.filter((u) => gathered[u.unit] !== undefined).map((u) => `u${u.unit} ${u.k}/${u.channels} (max active ${u.maxActive})`);
  return `topk index (vector width ${vectorWidth}, k = max active filters over ${samples} calibration samples, rounded up): ${rows.join(', ')}\n`;
}

/** Runs the exported graph on every sample of the source; one line per overflowing sample, then a summary line. */
export async function overflowCheck(ck: Checkpoint, bytes: Uint8Array, samples: { bytes: Uint8Array; source: string }, k: Record<number, number>, evaluate: GraphEvaluator): Promise<{ text: string; overflowing: number[] }> {
  const feeds = calibrationFeeds(samples.bytes, samples.source, CHECK_SAMPLES);
  const counts = await unitActiveCounts(ck, feeds, evaluate);
  const lines: string[] = [];
  const overflowing: number[] = [];
  for (let s = 0; s < feeds.length; s++) {
    const x = feeds[s].x;
    const flag = (await evaluate(bytes, { x: { data: x.data.slice(), dims: [...x.dims] } }, [INDEX_OVERFLOW]))[INDEX_OVERFLOW].data[0] !== 0;
    if (!flag) continue;
    overflowing.push(s);
    const over = Object.entries(k).filter(([u, ku]) => (counts[s].get(Number(u)) ?? 0) > ku).map(([u, ku]) => `unit ${u} has ${counts[s].get(Number(u))} active filters > k ${ku}`);
    lines.push(`OVERFLOW sample ${s} of ${samples.source}: ${over.join('; ') || 'dp_index_overflow is true'}: active filters dropped, the output is not exact there`);
  }
  lines.push(overflowing.length === 0
    ? `index check: dp_index_overflow false on all ${feeds.length} samples of ${samples.source} (the topk graph is exact on them)`
    : `index check: ${overflowing.length} of ${feeds.length} samples of ${samples.source} overflow k; calibrate k on samples like them (--samples, --calibrate-samples) or give --index nonzero`);
  return { text: lines.join('\n') + '\n', overflowing };
}
