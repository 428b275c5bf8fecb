/**
 * What loading a panel does, decided from its kind and source alone (no
 * VS Code API, so it is unit-tested): saved results are read back from the
 * run store, and a panel restored after a window reload never starts a job;
 * it offers to run instead.
 */
import type { PanelKind } from '../../shared/ids';
import type { PanelSource } from '../../shared/protocol';

/** The action {@link planLoad} picks. */
export type LoadPlan =
  | { action: 'overview'; checkpoint: string }
  | { action: 'readRun'; runDir: string }
  | { action: 'readRuns'; runDirs: string[] }
  | { action: 'readParetoSummary'; file: string }
  | { action: 'cached'; checkpoint: string }
  | { action: 'run' }
  | { action: 'offerRun'; text: string }
  | { action: 'nothing'; text: string };

/** Why a panel is loaded: opened by a command, or restored by its serializer after a reload. */
export type LoadReason = 'open' | 'restore';

/** Decides how a panel gets its data; `hasCached` says whether this session already holds the checkpoint's result. */
export function planLoad(kind: PanelKind, source: PanelSource, reason: LoadReason, hasCached: boolean): LoadPlan {
  const checkpoint = source.checkpoints[0];
  if (kind === 'compare' && source.paretoSummary) return { action: 'readParetoSummary', file: source.paretoSummary };
  if (!checkpoint) return { action: 'nothing', text: 'Nothing to show: open a checkpoint or a saved run.' };
  if (kind === 'overview') return { action: 'overview', checkpoint };
  if (kind === 'compare' && source.runDirs?.length === source.checkpoints.length) return { action: 'readRuns', runDirs: source.runDirs };
  if (kind !== 'compare' && source.runDir) return { action: 'readRun', runDir: source.runDir };
  if (kind !== 'compare' && hasCached) return { action: 'cached', checkpoint };
  if (reason === 'restore') return { action: 'offerRun', text: `No saved ${kind === 'robustness' ? 'sweep' : kind === 'compare' ? 'comparison' : 'analysis'} for this panel (it did not finish before the reload). Run it again to fill the panel.` };
  return { action: 'run' };
}
