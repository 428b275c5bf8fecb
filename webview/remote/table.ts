/** The Orin panel's tables: a header row and text cells, named by `data-table` for tests and styles. */
import { h } from '../common/dom';

/** A `<table class="grid" data-table=name>` of `rows` under `head`. */
export function table(name: string, head: string[], rows: string[][]): HTMLTableElement {
  return h('table', { class: 'grid', 'data-table': name }, h('thead', {}, h('tr', {}, ...head.map((title) => h('th', {}, title)))), h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}
