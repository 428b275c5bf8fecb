/** Rows of the Compare panel built from analyses (fresh or read back from saved runs). */
import * as path from 'node:path';
import type { Analysis } from '../core/schema/results';
import { denseBackboneMacs } from '../core/figures/format';
import type { CompareEntry, CompareModel } from '../shared/models';
import type { PanelSource } from '../shared/protocol';

/** The Compare row of one checkpoint's analysis. */
export function compareEntry(ckpt: string, a: Analysis): CompareEntry {
  return {
    name: path.basename(ckpt), path: ckpt, backbone: a.model.backbone, variant: a.model.variant, denseMacs: a.denseMacs, denseBackboneMacs: denseBackboneMacs(a),
    meanEffectiveMacs: a.aggregates.effectiveMacs.mean, mse: a.aggregates.mse?.mean ?? null, mae: a.aggregates.mae?.mean ?? null,
    auc: a.aggregates.auc?.mean ?? null, activeFraction: a.aggregates.activeFraction.mean, perSampleMacs: a.samples.map((s) => s.macs.total), error: null,
  };
}

/** The Compare row of a checkpoint that could not be analysed (or read back). */
export function failedCompareEntry(ckpt: string, error: string): CompareEntry {
  return { name: path.basename(ckpt), path: ckpt, backbone: null, variant: null, denseMacs: 0, meanEffectiveMacs: null, mse: null, mae: null, auc: null, activeFraction: null, perSampleMacs: [], error };
}

/** The user's grouping of the Pareto view, as the Compare model carries it (nothing when the contract's methods group it). */
export function compareGroups(source: PanelSource): Pick<CompareModel, 'groups'> {
  return source.groups && source.groups.length === source.checkpoints.length ? { groups: [...source.groups] } : {};
}
