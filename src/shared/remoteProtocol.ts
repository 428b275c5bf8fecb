/**
 * Messages between the extension host (src/extension/remote/remotePanel.ts)
 * and the remote-profiling webview. Types only. The run shape mirrors the
 * fields of src/core/schema/profileResult.ts that the panel shows (the
 * webview layer may not import core modules that reach Node types; the
 * latency summary comes from src/core/remote/profile/latencyStats.ts, which is pure
 * and listed in webview/tsconfig.json).
 */
import type { LatencyStats } from '../core/remote/profile/latencyStats';

/** Latency summary (ms). */
export type PanelLatency = LatencyStats;

/** One variant of a run. */
export interface PanelVariant {
  id: string;
  label: string;
  /** How the variant was built (dense mode, static L1, ...). */
  description?: string;
  /** Mean mask-aware MACs per sample of the graph that ran (null: not counted). */
  effectiveMacs?: number | null;
  latencyMs: PanelLatency;
  latenciesMs: number[];
  throughputQps: number;
  power: { totalMw: number; railsMw: Record<string, number>; energyPerInferenceMj: number; gpuLoadPercent: number | null; samples: number } | null;
  outputsCheck: { samples: number; maxAbsDiff: number; output: string; reference?: 'engine' | 'same-model' } | null;
}

/** Live progress of one host while several may run at once. */
export interface PanelProgress {
  alias: string;
  /** e.g. `dense timed 40/100` or a stage message. */
  text: string;
  /** 0..1, null while connecting/uploading. */
  fraction: number | null;
  state: 'running' | 'done' | 'failed';
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
  | { type: 'progress'; progress: PanelProgress };

/** Webview -> host. */
export type FromRemoteWebview = { type: 'ready' } | { type: 'rerun'; runId: string } | { type: 'compare'; runIds: string[] };

/** Checks the shape of a host message before the panel uses it (drops anything else). */
export function isToRemoteWebview(m: unknown): m is ToRemoteWebview {
  if (!m || typeof m !== 'object') return false;
  const v = m as Record<string, unknown>;
  if (v.type === 'runs') return Array.isArray(v.runs) && Array.isArray(v.selected);
  if (v.type === 'live') {
    const p = v.point as Record<string, unknown> | undefined;
    return typeof v.alias === 'string' && !!p && typeof p.t === 'number';
  }
  if (v.type === 'progress') {
    const p = v.progress as Record<string, unknown> | undefined;
    return !!p && typeof p.alias === 'string' && typeof p.text === 'string' && (p.fraction === null || typeof p.fraction === 'number') && ['running', 'done', 'failed'].includes(p.state as string);
  }
  return false;
}

/** Validates a message from the webview (the host trusts nothing else). */
export function isFromRemoteWebview(m: unknown): m is FromRemoteWebview {
  if (!m || typeof m !== 'object') return false;
  const v = m as Record<string, unknown>;
  if (v.type === 'ready') return true;
  if (v.type === 'rerun') return typeof v.runId === 'string' && v.runId.length < 300;
  if (v.type === 'compare') return Array.isArray(v.runIds) && v.runIds.length <= 20 && v.runIds.every((r) => typeof r === 'string' && r.length < 300);
  return false;
}
