/**
 * Two sections of the Orin panel: the sparse variant's per-unit plan (units
 * gathered and kept dense, where it was calibrated, its measured ratio to
 * clean dense and the verdict), and the latency model's predicted vs
 * measured per-sample latency per variant, with the error in percent.
 */
import * as l10n from '@vscode/l10n';
import { h } from '../common/dom';
import { formatNumber } from '../common/format';
import type { PanelRun, PanelSparsePlan } from '../../src/shared/remoteProtocol';
import { table } from './table';

const ms = (v: number | null) => formatNumber(v, 4);

/** Variants the latency model covers (src/core/schema/layerLatency.ts LATENCY_VARIANTS). */
const MODELLED = ['ckpt', 'dense', 'l1c', 'sparse'];

function planCells(p: PanelSparsePlan): string[] {
  const where = p.measuredOn === 'not calibrated' ? l10n.t('not calibrated (every unit gathered, nothing timed)') : p.source === 'run' ? l10n.t('calibrated on {0}', p.measuredOn) : l10n.t('recorded in the model file, measured on {0}', p.measuredOn);
  const dense = p.denseUnits.length ? (p.denseUnits.length > 1 ? l10n.t('{0} (units {1})', p.denseUnits.length, p.denseUnits.join(', ')) : l10n.t('{0} (unit {1})', p.denseUnits.length, p.denseUnits.join(', '))) : '0';
  const ratio = p.ratio === null ? l10n.t('not timed') : `${p.ratio.toFixed(2)}x`;
  return [where, l10n.t('{0} of {1}', p.gatheredUnits, p.units), dense, ratio, p.verdict];
}

/** One row per variant with a sparse plan; each row carries `data-plan=<variant id>`. */
export function appendPlans(app: HTMLElement, current: PanelRun[]): void {
  const rows = current.flatMap((r) => r.variants.filter((v) => v.sparsePlan).map((v) => ({ r, v })));
  if (rows.length === 0) return;
  app.append(h('h3', {}, l10n.t('Sparse plan: which gated units run gathered and which dense')));
  const t = table('plans', [l10n.t('host'), l10n.t('variant'), l10n.t('plan'), l10n.t('units gathered'), l10n.t('units dense'), l10n.t('plan vs clean dense (end to end)'), l10n.t('verdict')], rows.map(({ r, v }) => [r.host.alias, v.label, ...planCells(v.sparsePlan!)]));
  t.querySelectorAll('tbody tr').forEach((tr, i) => tr.setAttribute('data-plan', rows[i].v.id));
  app.append(t);
  app.append(h('p', { class: 'note' }, l10n.t('Per unit, the all-gathered graph was timed against the same graph with that unit alone dense; a unit whose gathered form lost runs dense. The ratio is the plan\'s median time over clean dense in one calibration run (below 1: faster).')));
}

/** Predicted vs measured per variant where the model could predict; a note where it could not. */
export function appendPredictions(app: HTMLElement, current: PanelRun[]): void {
  const rows = current.flatMap((r) => r.variants.filter((v) => v.prediction).map((v) => ({ r, v, p: v.prediction! })));
  app.append(h('h3', {}, l10n.t('Latency model: predicted vs measured per-sample latency')));
  if (rows.length === 0) {
    const modelled = current.some((r) => r.variants.some((v) => MODELLED.includes(v.id)));
    app.append(h('p', { class: 'note', 'data-prediction-note': '' }, modelled
      ? l10n.t('No prediction for these runs: the latency model is fitted on a per-node profile (setting dynapruner.remote.profile.layers; the CLI\'s profile --layers, node and ort backends).')
      : l10n.t('No prediction: the latency model covers ckpt, dense, l1c and sparse only.')));
    return;
  }
  app.append(table('prediction', [l10n.t('host'), l10n.t('variant'), l10n.t('predicted ms'), l10n.t('measured ms'), l10n.t('error per sample (mean)'), l10n.t('MAC limit ms'), l10n.t('samples'), l10n.t('fitted on')], rows.map(({ r, v, p }) => [r.host.alias, v.label, ms(p.predictedMs), ms(p.measuredMs), `${p.meanAbsPctError.toFixed(1)}%`, ms(p.macLimitMs), String(p.samples), p.fittedOn])));
  app.append(h('p', { class: 'note' }, l10n.t("Predicted and measured: means over the profiled samples; error: mean over them of |predicted − measured| / measured. MAC limit: clean dense time x the variant's MAC ratio (a kernel whose time followed MACs). Basis: {0}.", rows[0].p.basis)));
}
