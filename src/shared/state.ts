/**
 * What a webview persists with `acquireVsCodeApi().setState` and the host reads
 * back in its `WebviewPanelSerializer`: the panel's source (to reload data)
 * and the UI state (sliders, toggles, tabs). Only UI state is persisted,
 * never results.
 */
import type { PanelSource } from './protocol';

/** Persisted webview state. */
export interface PersistedState {
  source: PanelSource | null;
  /** Panel-specific UI state (slider positions, toggles, selected tab). */
  ui: Record<string, string | number | boolean>;
}

/** Reads a persisted state defensively (it comes from the webview). */
export function readPersistedState(raw: unknown): PersistedState {
  const out: PersistedState = { source: null, ui: {} };
  if (typeof raw !== 'object' || raw === null) return out;
  const r = raw as Record<string, unknown>;
  const src = r.source as Record<string, unknown> | null | undefined;
  if (src && Array.isArray(src.checkpoints) && src.checkpoints.every((c) => typeof c === 'string')) {
    out.source = { checkpoints: src.checkpoints as string[], runDir: typeof src.runDir === 'string' ? src.runDir : null };
    if (Array.isArray(src.runDirs) && src.runDirs.every((d) => typeof d === 'string')) out.source.runDirs = src.runDirs as string[];
    if (typeof src.latencyRunDir === 'string') out.source.latencyRunDir = src.latencyRunDir;
    if (typeof src.paretoSummary === 'string') out.source.paretoSummary = src.paretoSummary;
    if (Array.isArray(src.groups) && src.groups.every((g) => typeof g === 'string')) out.source.groups = src.groups as string[];
  }
  if (typeof r.ui === 'object' && r.ui !== null) {
    for (const [k, v] of Object.entries(r.ui as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.ui[k] = v;
    }
  }
  return out;
}
