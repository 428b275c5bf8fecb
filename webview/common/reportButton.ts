/** The "Export HTML report" button: asks the host to write the engine's standalone report for the panel's checkpoint. */
import * as l10n from '@vscode/l10n';
import { post } from './api';
import { h } from './dom';

/** A toolbar button that posts `exportReport`. */
export function reportButton(): HTMLElement {
  return h('vscode-button', { secondary: true, icon: 'export', 'data-action': 'export-report', 'aria-label': l10n.t('Export HTML report'), title: l10n.t("Write the engine's standalone HTML report (same figures as the panels)"), onclick: () => post({ type: 'exportReport' }) }, l10n.t('Export HTML report'));
}
