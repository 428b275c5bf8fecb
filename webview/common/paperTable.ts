/** Renders one of the engine's paper-layout tables (Tables I-IV) as an HTML table with CSV export. */
import * as l10n from '@vscode/l10n';
import type { Table } from '../../src/core/schema/results';
import { post } from './api';
import { h } from './dom';
import { toCsv } from './format';

/** A titled table element; a table wider than its card scrolls inside the card instead of drawing over its neighbour. */
export function paperTable(name: string, t: Table): HTMLElement {
  return h('div', { class: 'card', 'data-table': name },
    h('div', { class: 'toolbar' }, h('strong', {}, t.title), h('vscode-button', { secondary: true, icon: 'export', 'aria-label': l10n.t('Export {0} as CSV', t.title), onclick: () => post({ type: 'exportCsv', name, csv: toCsv(t.columns, t.rows) }) }, 'CSV')),
    h('div', { class: 'table-scroll' }, h('table', { class: 'data' }, h('thead', {}, h('tr', {}, ...t.columns.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...t.rows.map((r) => h('tr', {}, ...r.map((v) => h('td', {}, v))))))),
  );
}
