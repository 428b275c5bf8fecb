/**
 * What the Orin panel is sent, free of the `vscode` API (the Chromium panel
 * test builds the same messages): a saved ProfileResult trimmed to what the
 * panel draws, and a host's progress row from a run event.
 */
import type { ProfileResult } from '../../core/schema/profileResult';
import type { ProfileEvent } from '../../core/remote/profile/profileRun';
import type { PanelLayerRow, PanelProgress, PanelRun, PanelSparsePlan } from '../../shared/remoteProtocol';

/** The panel's progress row of a host from a run event (null for events that do not change it). */
export function progressOf(alias: string, e: ProfileEvent): PanelProgress | null {
  if (e.kind === 'stage') return { alias, text: e.message, fraction: null, state: 'running' };
  if (e.kind === 'progress') {
    const p = e.progress;
    return { alias, text: `${p.variant} ${p.phase} ${p.done}/${p.total}`, fraction: p.fraction, state: 'running' };
  }
  return null;
}

/**
 * Trims a ProfileResult to what the panel draws; `layers` are the per-layer
 * rows of its variants profiled node by node, `plans` the sparse plans their models record.
 */
export function toPanelRun(r: ProfileResult, layers: Map<string, PanelLayerRow[]> = new Map(), plans: Map<string, PanelSparsePlan> = new Map()): PanelRun {
  return {
    id: r.id,
    createdAt: r.createdAt,
    host: r.host,
    device: { model: r.device.model, l4t: r.device.l4t, jetpack: r.device.jetpack, powerMode: r.device.powerMode, kernel: r.device.kernel, cpuCount: r.device.cpuCount, memTotalMB: r.device.memTotalMB, missing: r.device.missing },
    checkpoint: { name: r.checkpoint.name, path: r.checkpoint.path },
    backend: r.backend,
    settings: { warmup: r.settings.warmup, iterations: r.settings.iterations, perSample: r.settings.perSample },
    variants: r.variants.map((v) => ({
      id: v.id,
      label: v.label,
      description: v.description,
      effectiveMacs: v.effectiveMacs?.mean ?? null,
      latencyMs: v.latencyMs,
      latenciesMs: v.latenciesMs,
      throughputQps: v.throughputQps,
      power: v.power,
      outputsCheck: v.outputsCheck,
      ...(layers.has(v.id) ? { layers: layers.get(v.id) } : {}),
      ...(plans.has(v.id) ? { sparsePlan: plans.get(v.id) } : {}),
      ...(v.latencyPrediction ? { prediction: v.latencyPrediction } : {}),
    })),
    tegrastats: r.tegrastats.map((p) => ({ t: p.t, totalMw: p.totalMw, gpuLoadPercent: p.gpuLoadPercent })),
  };
}
