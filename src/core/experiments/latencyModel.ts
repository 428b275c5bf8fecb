/**
 * The latency model: per compute layer, time = a + b * MACs, fitted by least
 * squares over calibration points, plus a constant for the nodes that map to
 * no compute layer, scaled per deployment form by its profile scale: the
 * form's median unprofiled wall time over the sum of its per-node medians
 * (profiler overhead, runtime glue, load on the machine; the checkpoint and
 * the sparse executor run several hundred small nodes more than clean dense,
 * so one scale calibrated on clean dense misjudges them). Fits per deployment form:
 * - `dense` and `l1c`: stock kernels on physically smaller layers, the line
 *   through the clean dense and l1c runs;
 * - `ckpt`: the checkpoint as exported, through its own samples' masks and
 *   random gate masks injected at several kept fractions. Its convs run at
 *   full size whatever the masks, so its slope comes out near 0.
 * The MAC limit is the clean dense time scaled by the MAC ratio: what a kernel
 * whose time is proportional to MACs would give.
 */
import type { LatencyVariant, LayerFit, VariantLayerLatency, VariantPrediction } from '../schema/layerLatency';

/** Per-sample calibration points of one run (layer -> MACs and median time, us). */
export interface CalibrationRun {
  id: string;
  samples: { layers: Map<string, { macs: number; us: number }>; otherUs: number }[];
}

/**
 * Least-squares line through (x, y) with a slope of at least 0 (a layer does
 * not get slower with fewer MACs; a negative fit is noise and would blow up
 * when extrapolated): the mean and slope 0 when the fit is negative or the x
 * values span no range.
 */
export function fitLine(points: { x: number; y: number }[]): { a: number; b: number } {
  const n = points.length;
  if (n === 0) return { a: 0, b: 0 };
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  if (!(sxx > (1e-9 * Math.max(1, Math.abs(mx))) ** 2) || !(sxy > 0)) return { a: my, b: 0 };
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

/** One fit per layer over every sample of the given runs. */
function fitLayers(runs: CalibrationRun[]): LayerFit[] {
  const points = new Map<string, { x: number; y: number }[]>();
  for (const r of runs) for (const s of r.samples) for (const [name, p] of s.layers) {
    if (!points.has(name)) points.set(name, []);
    points.get(name)!.push({ x: p.macs, y: p.us });
  }
  return [...points].map(([name, pts]) => ({ name, ...fitLine(pts), points: pts.length }));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Predicted ms of one sample: sum of the fitted layer times at its MACs, plus the other nodes, times the profiler scale. */
function predictMs(fits: Map<string, LayerFit>, layerMacs: Map<string, { macs: number }>, otherUs: number, scale: number): number {
  let us = otherUs;
  for (const [name, p] of layerMacs) {
    const f = fits.get(name);
    if (f) us += f.a + f.b * p.macs;
  }
  return (us * scale) / 1000;
}

/** Share of the predicted dense-size time that scales with MACs. */
function macSensitivity(fits: LayerFit[], run: CalibrationRun): number {
  const first = run.samples[0]?.layers ?? new Map<string, { macs: number }>();
  let prop = 0, total = 0;
  for (const f of fits) {
    const m = first.get(f.name)?.macs ?? 0;
    prop += f.b * m;
    total += f.a + f.b * m;
  }
  return total > 0 ? prop / total : 0;
}

const NOTES: Record<LatencyVariant, string> = {
  ckpt: 'masks multiply dense activations: every conv runs at full size, so on this runtime the time does not follow the masks (slope near 0); only an executor that skips masked work (the sparse variant) can',
  dense: 'stock kernels at full size; the line per layer runs through the clean dense and l1c runs',
  l1c: 'stock kernels on physically compacted layers (pruned filters removed); the line per layer runs through the clean dense and l1c runs',
  sparse: "the channel-gathering executor: each gated conv computes its active filters only; the line per layer runs through the sparse run's own samples (their gates differ)",
};

/** Unprofiled wall time of a form over the sum of the per-node medians the model adds up (`fallback` without a profile). */
function scaleOf(v: VariantLayerLatency, fallback = 1): number {
  return v.nodeTimeUs > 0 && v.perSampleMs.length ? (median(v.perSampleMs) * 1000) / v.nodeTimeUs : fallback;
}

/** Fits the model of every measured variant and compares it with the measured per-sample latency. */
export function fitLatencyModel(variants: VariantLayerLatency[], calibration: Map<string, CalibrationRun>, injected: CalibrationRun[]): { profileScale: number; model: VariantPrediction[] } {
  const dense = variants.find((v) => v.variant === 'dense');
  const base = dense ?? variants[0];
  const profileScale = base ? scaleOf(base) : 1;
  const denseMs = dense ? median(dense.perSampleMs) : null;
  const denseMacs = dense ? median(dense.perSampleMacs) : null;
  const stock = ['dense', 'l1c'].map((v) => calibration.get(v)).filter((r): r is CalibrationRun => Boolean(r));
  const model = variants.map((v): VariantPrediction => {
    const run = calibration.get(v.variant)!;
    const fitRuns = v.variant === 'ckpt' ? [run, ...injected] : v.variant === 'sparse' ? [run] : stock;
    const fits = fitLayers(fitRuns);
    const byName = new Map(fits.map((f) => [f.name, f]));
    const otherUs = median(run.samples.map((s) => s.otherUs));
    const scale = scaleOf(v, profileScale);
    const samples = run.samples.map((s, i) => ({
      macs: v.perSampleMacs[i],
      predictedMs: predictMs(byName, s.layers, otherUs, scale),
      measuredMs: v.perSampleMs[i],
      macLimitMs: denseMs !== null && denseMacs ? (denseMs * v.perSampleMacs[i]) / denseMacs : null,
    }));
    const err = samples.reduce((a, s) => a + Math.abs(s.predictedMs - s.measuredMs) / s.measuredMs, 0) / Math.max(1, samples.length);
    const calibrationText = `${fitRuns.map((r) => r.id).join(', ')}; profile scale ${scale.toFixed(3)}`;
    return { variant: v.variant, calibration: calibrationText, fits, otherUs, samples, meanAbsPctError: err * 100, macSensitivity: macSensitivity(fits, calibration.get('dense') ?? run), note: NOTES[v.variant] };
  });
  return { profileScale, model };
}
