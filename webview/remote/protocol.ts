/**
 * Messages between the extension host (src/extension/remote/remotePanel.ts)
 * and the remote-profiling webview. Types only. The run shape mirrors the
 * fields of src/core/remote/profileResult.ts that the panel shows (the
 * webview layer may not import core modules that reach Node types).
 */

/** Latency summary (ms). */
export interface PanelLatency {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

/** One variant of a run. */
export interface PanelVariant {
  id: string;
  label: string;
  latencyMs: PanelLatency;
  latenciesMs: number[];
  throughputQps: number;
  power: { totalMw: number; railsMw: Record<string, number>; energyPerInferenceMj: number; gpuLoadPercent: number | null; samples: number } | null;
  outputsCheck: { samples: number; maxAbsDiff: number; output: string } | null;
}

/** One saved or live run. */
export interface PanelRun {
  id: string;
  createdAt: string;
  host: { alias: string; target: string };
  device: {
    model: string | null;
    l4t: string | null;
    jetpack: string | null;
    powerMode: { name: string; id: number | null } | null;
    kernel: string;
    cpuCount: number | null;
    memTotalMB: number | null;
    missing: Array<{ what: string; install: string }>;
  };
  checkpoint: { name: string; path: string };
  backend: string;
  variants: PanelVariant[];
  tegrastats: Array<{ t: number; totalMw: number | null; gpuLoadPercent: number | null }>;
}

/** Host -> webview. */
export type ToRemoteWebview =
  | { type: 'runs'; runs: PanelRun[]; selected: string[] }
  | { type: 'live'; alias: string; point: { t: number; totalMw: number | null; gpuLoadPercent: number | null } }
  | { type: 'status'; alias: string; text: string };

/** Webview -> host. */
export type FromRemoteWebview = { type: 'ready' } | { type: 'rerun'; runId: string } | { type: 'compare'; runIds: string[] };

/** Validates a message from the webview (the host trusts nothing else). */
export function isFromRemoteWebview(m: unknown): m is FromRemoteWebview {
  if (!m || typeof m !== 'object') return false;
  const v = m as Record<string, unknown>;
  if (v.type === 'ready') return true;
  if (v.type === 'rerun') return typeof v.runId === 'string' && v.runId.length < 300;
  if (v.type === 'compare') return Array.isArray(v.runIds) && v.runIds.length <= 20 && v.runIds.every((r) => typeof r === 'string' && r.length < 300);
  return false;
}
