/** Plain-text table rendering for CLI output (right-aligns numeric columns). */

/** A column: header and whether it is right-aligned (numbers). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Truncate cells longer than this (with an ellipsis). */
  maxWidth?: number;
}

/** Renders rows of cells as an aligned text table with a header rule. */
export function renderTable(columns: Column[], rows: string[][]): string {
  const cut = (s: string, c: Column) => (c.maxWidth && s.length > c.maxWidth ? s.slice(0, c.maxWidth - 1) + '…' : s);
  const cells = rows.map((r) => r.map((s, i) => cut(s, columns[i])));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((s, i) => (columns[i].align === 'right' ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/** 4090000000 -> "4.09 G", 300000 -> "300.00 K". */
export function humanCount(n: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toFixed(2)} ${u}`;
  return String(n);
}

/** 123456789 -> "117.7 MiB". */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** [1, 3, 224, 224] -> "1x3x224x224"; [] -> "scalar". */
export function shapeText(shape: readonly number[] | null | undefined): string {
  if (!shape) return '?';
  return shape.length === 0 ? 'scalar' : shape.join('x');
}
