/** A sortable data table (click a header to sort) with CSV export through the host. */
import * as l10n from '@vscode/l10n';
import { post } from './api';
import { clear, h } from './dom';
import { toCsv } from './format';

/** A column: header, cell text, sort value. */
export interface Column<R> {
  title: string;
  text: (r: R) => string;
  sort?: (r: R) => number | string;
}

/** Renders rows into a table element; sorting is kept across updates. */
export class SortableTable<R> {
  readonly element: HTMLElement;
  private rows: R[] = [];
  private sortBy = -1;
  private descending = true;
  private readonly table: HTMLTableElement;

  constructor(
    private readonly name: string,
    private readonly columns: Column<R>[],
    private readonly rowClass: (r: R) => string = () => '',
  ) {
    this.table = h('table', { class: 'data', 'data-table': name });
    const csv = h('vscode-button', { secondary: true, icon: 'export', 'data-export': 'csv', 'aria-label': l10n.t('Export the table as CSV'), onclick: () => this.exportCsv() }, l10n.t('Export CSV'));
    this.element = h('div', {}, h('div', { class: 'toolbar' }, csv), this.table);
  }

  /** Replaces the rows. */
  update(rows: R[]): void {
    this.rows = rows;
    this.render();
  }

  private sorted(): R[] {
    if (this.sortBy < 0) return this.rows;
    const col = this.columns[this.sortBy];
    const key = col.sort ?? col.text;
    return [...this.rows].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return this.descending ? -c : c;
    });
  }

  private render(): void {
    clear(this.table);
    const head = h('tr', {}, ...this.columns.map((c, i) => h('th', { class: 'sortable', 'aria-sort': i === this.sortBy ? (this.descending ? 'descending' : 'ascending') : 'none', onclick: () => this.sort(i) }, c.title + (i === this.sortBy ? (this.descending ? ' ▾' : ' ▴') : ''))));
    const body = this.sorted().map((r) => h('tr', { class: this.rowClass(r) }, ...this.columns.map((c) => h('td', {}, c.text(r)))));
    this.table.append(h('thead', {}, head), h('tbody', {}, ...body));
  }

  /** Sorts by a column (a second click flips the order). */
  sort(i: number): void {
    if (this.sortBy === i) this.descending = !this.descending;
    else {
      this.sortBy = i;
      this.descending = true;
    }
    this.render();
  }

  private exportCsv(): void {
    post({ type: 'exportCsv', name: this.name, csv: toCsv(this.columns.map((c) => c.title), this.sorted().map((r) => this.columns.map((c) => c.text(r)))) });
  }
}
