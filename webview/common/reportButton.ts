/** The "Export HTML report" button: asks the host to write the engine's standalone report for the panel's checkpoint. */
import { post } from './api';
import { h } from './dom';

/** A toolbar button that posts `exportReport`. */
export function reportButton(): HTMLElement {
  return h('vscode-button', { secondary: true, icon: 'export', 'data-action': 'export-report', 'aria-label': 'Export HTML report', title: "Write the engine's standalone HTML report (same figures as the panels)", onclick: () => post({ type: 'exportReport' }) }, 'Export HTML report');
}
