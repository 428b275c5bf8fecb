/**
 * Parser for the performance summary that `trtexec` prints. Three layouts:
 *  - TensorRT 7.x / 8.0: blocks `Host Latency` / `GPU Compute` with lines
 *    `min: X ms (end to end Y ms)` ... `percentile: X ms at 99%`, `throughput: N qps`;
 *  - TensorRT 8.2-8.4: `=== Performance summary ===`, one line per metric with
 *    `min = .., max = .., mean = .., median = .., percentile(99%) = ..`;
 *  - TensorRT 8.5+ / 10.x: the same with `percentile(90%)`, `(95%)`, `(99%)`.
 * Log prefixes (`[05/09/2022-06:27:25] [I] `) are ignored.
 */

/** Latency statistics in milliseconds; percentiles keyed by their level (90, 95, 99). */
export interface TrtLatency {
  min: number;
  max: number;
  mean: number;
  median: number;
  percentiles: Record<number, number>;
}

/** What a trtexec run measured. */
export interface TrtexecSummary {
  /** `TensorRT v8502` style version when printed (`&&&& RUNNING TensorRT.trtexec [TensorRT v8502]`). */
  tensorrtVersion?: string;
  /** Queries per second. */
  throughputQps?: number;
  /** Host latency (H2D + compute + D2H). */
  latency?: TrtLatency;
  gpuCompute?: TrtLatency;
  /** Which layout was recognised. */
  layout: 'trt7' | 'trt8' | 'trt8.5+';
  passed: boolean;
}

const PREFIX = /^(?:\[[^\]]*\]\s*)*(?:\[[IWEV]\]\s*)?/;

function strip(line: string): string {
  return line.replace(PREFIX, '').trim();
}

function parseInline(rest: string): TrtLatency | undefined {
  const num = (key: string) => {
    const m = new RegExp(`\\b${key} = ([\\d.eE+-]+) ms`).exec(rest);
    return m ? Number(m[1]) : undefined;
  };
  const min = num('min');
  const max = num('max');
  const mean = num('mean');
  const median = num('median');
  if ([min, max, mean, median].some((v) => v === undefined)) return undefined;
  const percentiles: Record<number, number> = {};
  for (const m of rest.matchAll(/percentile\((\d+(?:\.\d+)?)%\) = ([\d.eE+-]+) ms/g)) percentiles[Number(m[1])] = Number(m[2]);
  return { min: min!, max: max!, mean: mean!, median: median!, percentiles };
}

/** Parses the whole output of one trtexec run; throws if no summary is found. */
export function parseTrtexecOutput(text: string, label = 'trtexec output'): TrtexecSummary {
  const lines = text.split(/\r?\n/).map(strip);
  const version = /TensorRT\.trtexec \[TensorRT (v\d+)\]/.exec(text)?.[1];
  const passed = /&&&& PASSED TensorRT\.trtexec/.test(text);
  const summaryAt = lines.findIndex((l) => l === '=== Performance summary ===');
  if (summaryAt >= 0) {
    const out: TrtexecSummary = { layout: 'trt8', passed, tensorrtVersion: version };
    for (const l of lines.slice(summaryAt + 1)) {
      const t = /^Throughput: ([\d.eE+-]+) qps/.exec(l);
      if (t) out.throughputQps = Number(t[1]);
      const lat = /^Latency: (.*)$/.exec(l);
      if (lat) out.latency = parseInline(lat[1]);
      const gpu = /^GPU Compute Time: (.*)$/.exec(l);
      if (gpu) out.gpuCompute = parseInline(gpu[1]);
    }
    const p = out.latency?.percentiles ?? out.gpuCompute?.percentiles ?? {};
    if (p[90] !== undefined || p[95] !== undefined) out.layout = 'trt8.5+';
    if (!out.latency && !out.gpuCompute) throw new Error(`${label}: found '=== Performance summary ===' but no Latency / GPU Compute Time line`);
    return out;
  }
  // TensorRT 7 blocks.
  const block = (title: string): { stats?: TrtLatency; throughput?: number } => {
    const at = lines.findIndex((l) => l === title);
    if (at < 0) return {};
    const vals: Record<string, number> = {};
    const percentiles: Record<number, number> = {};
    let throughput: number | undefined;
    for (const l of lines.slice(at + 1)) {
      if (!/^(min|max|mean|median|percentile|throughput|walltime|total compute time)\b/.test(l)) break;
      const m = /^(min|max|mean|median): ([\d.eE+-]+) ms/.exec(l);
      if (m) vals[m[1]] = Number(m[2]);
      const p = /^percentile: ([\d.eE+-]+) ms at (\d+(?:\.\d+)?)%/.exec(l);
      if (p) percentiles[Number(p[2])] = Number(p[1]);
      const q = /^throughput: ([\d.eE+-]+) qps/.exec(l);
      if (q) throughput = Number(q[1]);
    }
    if (['min', 'max', 'mean', 'median'].some((k) => vals[k] === undefined)) return { throughput };
    return { stats: { min: vals.min, max: vals.max, mean: vals.mean, median: vals.median, percentiles }, throughput };
  };
  const host = block('Host Latency');
  const gpu = block('GPU Compute');
  if (!host.stats && !gpu.stats) throw new Error(`${label}: no trtexec performance summary found (expected '=== Performance summary ===' or a 'Host Latency' block)`);
  // TensorRT 7 prints `throughput: 0 qps` when it did not measure it; derive from the mean then.
  const qps = host.throughput && host.throughput > 0 ? host.throughput : host.stats ? 1000 / host.stats.mean : undefined;
  return { layout: 'trt7', passed, tensorrtVersion: version, throughputQps: qps, latency: host.stats, gpuCompute: gpu.stats };
}

/** One TensorRT layer of `trtexec --exportProfile` (a fused layer names its ONNX nodes joined by ` + `). */
export interface TrtLayerTime {
  name: string;
  /** Total over the profiled iterations, ms. */
  timeMs: number;
  averageMs: number;
  /** TensorRT 8.x+ only. */
  medianMs?: number;
  percentage: number;
}

/** The per-layer profile `trtexec --dumpProfile --exportProfile=<file>` writes. */
export interface TrtexecProfile {
  /** Profiled iterations (the leading `{ "count" : N }`). */
  count: number;
  layers: TrtLayerTime[];
}

/**
 * Parses an exportProfile JSON file: an array whose first element is
 * `{ "count": N }` and every other `{ name, timeMs, averageMs, [medianMs],
 * percentage }`. Throws one line naming the file, the entry and the field.
 */
export function parseTrtexecProfile(text: string, label = 'trtexec profile'): TrtexecProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${label}: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${label}: expected a JSON array starting with { "count": N }, found ${Array.isArray(value) ? 'an empty array' : typeof value}`);
  const head = value[0] as { count?: unknown };
  if (typeof head?.count !== 'number') throw new Error(`${label}: entry 0: expected { "count": N }, found ${JSON.stringify(value[0]).slice(0, 80)}`);
  const layers = value.slice(1).map((e: unknown, i): TrtLayerTime => {
    const l = e as Record<string, unknown>;
    const num = (k: string) => {
      if (typeof l?.[k] !== 'number' || !Number.isFinite(l[k])) throw new Error(`${label}: entry ${i + 1}: field '${k}': expected a number, found ${JSON.stringify(l?.[k])}`);
      return l[k] as number;
    };
    if (typeof l?.name !== 'string') throw new Error(`${label}: entry ${i + 1}: field 'name': expected a string, found ${JSON.stringify(l?.name)}`);
    return { name: l.name, timeMs: num('timeMs'), averageMs: num('averageMs'), ...(l.medianMs !== undefined ? { medianMs: num('medianMs') } : {}), percentage: num('percentage') };
  });
  return { count: head.count, layers };
}
