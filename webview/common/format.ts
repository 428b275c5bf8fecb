/**
 * Number formatting of the panels: the shared formatters of src/core/figures
 * (the report and the figures' hovers use the same ones), plus CSV text.
 */
export { changeVsBackbone, denseBackboneMacs, formatCount, formatMacs, formatMetric as formatNumber, formatPercent, formatSi, formatSig, formatValue, siScale } from '../../src/core/figures/format';

/** CSV text of a header and rows (quotes cells that need it). */
export function toCsv(columns: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}
