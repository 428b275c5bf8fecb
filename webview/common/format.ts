/** Number formatting shared by the panels. */

/** MACs as GMACs/MMACs with 3 significant digits. */
export function formatMacs(macs: number, unit: 'MACs' | 'FLOPs' = 'MACs'): string {
  const v = unit === 'FLOPs' ? macs * 2 : macs;
  if (!Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 1e9) return `${(v / 1e9).toPrecision(3)} G${unit}`;
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toPrecision(3)} M${unit}`;
  if (Math.abs(v) >= 1e3) return `${(v / 1e3).toPrecision(3)} k${unit}`;
  return `${v.toFixed(0)} ${unit}`;
}

/** 0.1234 -> "12.3%". */
export function formatPercent(f: number | null | undefined, digits = 1): string {
  return f === null || f === undefined || !Number.isFinite(f) ? '–' : `${(f * 100).toFixed(digits)}%`;
}

/** A metric with 4 significant digits, "–" for null. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(digits)).toString();
}

/** A value with a fixed number of decimals (tables that line up), "–" for null. */
export function formatFixed(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** Integer with thousands separators. */
export function formatCount(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** CSV text of a header and rows (quotes cells that need it). */
export function toCsv(columns: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}
