/**
 * Which report the palette's Export Report writes. With a Compare panel as
 * the active tab it is that panel's own page (its Pareto view: the fronts of
 * its checkpoints or saved runs, or its trainer summary), exactly what the
 * panel's *Export HTML report* button writes; otherwise the command asks for
 * one checkpoint as before. No VS Code API (tested in Node).
 */
import type { PanelKind } from '../../shared/ids';
import type { PanelSource } from '../../shared/protocol';

/** What the decision needs to know of the active Dyna-Pruner panel. */
export interface ActivePanelInfo {
  kind: PanelKind;
  source: PanelSource;
}

/**
 * The source to report on, decided by the active panel; null when the command
 * picks a checkpoint (no active panel, a one-checkpoint panel, or a checkpoint
 * passed by a menu or tree: `fromPalette` false).
 */
export function activePanelReportSource(active: ActivePanelInfo | undefined, fromPalette: boolean): PanelSource | null {
  if (!fromPalette || active?.kind !== 'compare') return null;
  const s = active.source;
  return { ...s, checkpoints: [...s.checkpoints], ...(s.runDirs ? { runDirs: [...s.runDirs] } : {}), ...(s.groups ? { groups: [...s.groups] } : {}) };
}
