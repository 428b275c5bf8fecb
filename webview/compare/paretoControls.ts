/** The Pareto view's axis controls: error metric, MACs as % of the dense backbone or GMACs, log scales; kept in the panel's UI state. */
import * as l10n from '@vscode/l10n';
import type { ErrorMetric, MacsAxis, ParetoView } from '../../src/core/figures/pareto';
import { h } from '../common/dom';
import type { PanelContext } from '../common/shell';

/** The controls and the view they select. */
export class ParetoControls {
  readonly element: HTMLElement;
  private readonly metric: HTMLSelectElement;
  private readonly macs: HTMLSelectElement;
  private readonly logX: HTMLInputElement;
  private readonly logY: HTMLInputElement;
  /** Whether the user set a log toggle (the default follows the data's range until then). */
  private logChosen: boolean;

  constructor(private readonly ctx: PanelContext, onChange: () => void) {
    const select = (control: string, options: [string, string][], value: unknown) => {
      const el = h('select', { 'data-control': control }, ...options.map(([v, t]) => h('option', { value: v }, t))) as HTMLSelectElement;
      if (options.some(([v]) => v === value)) el.value = String(value);
      return el;
    };
    const box = (control: string, value: unknown) => {
      const el = h('input', { type: 'checkbox', 'data-control': control }) as HTMLInputElement;
      el.checked = value === true;
      return el;
    };
    this.metric = select('pareto-metric', [['mse', 'MSE'], ['mae', 'MAE']], ctx.ui.paretoMetric);
    this.macs = select('pareto-macs', [['percent', l10n.t("% of the dense backbone's MACs")], ['gmacs', l10n.t('GMACs per sample')]], ctx.ui.paretoMacs);
    this.logX = box('pareto-log-x', ctx.ui.paretoLogX);
    this.logY = box('pareto-log-y', ctx.ui.paretoLogY);
    this.logChosen = ctx.ui.paretoLogX !== undefined || ctx.ui.paretoLogY !== undefined;
    const changed = () => {
      ctx.persist('paretoMetric', this.metric.value);
      ctx.persist('paretoMacs', this.macs.value);
      onChange();
    };
    const logChanged = () => {
      this.logChosen = true;
      ctx.persist('paretoLogX', this.logX.checked);
      ctx.persist('paretoLogY', this.logY.checked);
      onChange();
    };
    this.metric.addEventListener('change', changed);
    this.macs.addEventListener('change', changed);
    this.logX.addEventListener('change', logChanged);
    this.logY.addEventListener('change', logChanged);
    this.element = h('div', { class: 'toolbar pareto-controls', role: 'group', 'aria-label': l10n.t('Pareto view axes') },
      h('label', {}, l10n.t('Error '), this.metric), h('label', {}, l10n.t('Effective MACs '), this.macs),
      h('label', {}, this.logX, l10n.t('log x')), h('label', {}, this.logY, l10n.t('log y')));
  }

  /** Until the user chooses, log axes follow whether the values span orders of magnitude. */
  suggestLog(x: boolean, y: boolean): void {
    if (this.logChosen) return;
    this.logX.checked = x;
    this.logY.checked = y;
  }

  /** Shows or hides the error metric (a trainer summary has MSE only). */
  showMetric(show: boolean): void {
    (this.metric.parentElement as HTMLElement).hidden = !show;
  }

  view(): ParetoView {
    return { metric: this.metric.value as ErrorMetric, macs: this.macs.value as MacsAxis, logX: this.logX.checked, logY: this.logY.checked };
  }
}
