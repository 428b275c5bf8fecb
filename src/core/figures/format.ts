/**
 * Number formatting for every surface that shows results: the panels (through
 * webview/common/format.ts), the figures' hovers and the HTML report. One
 * unit per quantity, chosen by magnitude; significant digits kept with their
 * trailing zeros (0.0550, not 0.055 or 0.05499); thousands separators or SI
 * prefixes instead of raw integers.
 */

const DASH = '–';

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** `digits` significant digits with trailing zeros (0.0550, 24.81); integers past that precision with separators. */
export function formatSig(v: number | null | undefined, digits = 3): string {
  if (!finite(v)) return DASH;
  if (v === 0) return '0';
  if (Math.abs(v) >= 10 ** digits) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) < 1e-4) return v.toExponential(digits - 1);
  return v.toPrecision(digits);
}

/** A metric (MSE, MAE, AUC) with 4 significant digits, "–" for null. */
export function formatMetric(v: number | null | undefined, digits = 4): string {
  return formatSig(v, digits);
}

/** 0.1234 -> "12.3%"; `signed` adds "+" to positive changes. */
export function formatPercent(f: number | null | undefined, digits = 1, signed = false): string {
  if (!finite(f)) return DASH;
  const s = `${(f * 100).toFixed(digits)}%`;
  return signed && f > 0 ? `+${s}` : s;
}

/** Integer with thousands separators (11,280,384). */
export function formatCount(v: number | null | undefined): string {
  return finite(v) ? Math.round(v).toLocaleString('en-US') : DASH;
}

/** SI prefix of a magnitude: G, M, k or none. */
export interface SiScale {
  prefix: '' | 'k' | 'M' | 'G' | 'T';
  factor: number;
}

/** The prefix whose mantissa for `magnitude` lies in [1, 1000). */
export function siScale(magnitude: number): SiScale {
  const a = Math.abs(magnitude);
  if (a >= 1e12) return { prefix: 'T', factor: 1e12 };
  if (a >= 1e9) return { prefix: 'G', factor: 1e9 };
  if (a >= 1e6) return { prefix: 'M', factor: 1e6 };
  if (a >= 1e3) return { prefix: 'k', factor: 1e3 };
  return { prefix: '', factor: 1 };
}

/** 11280384 -> "11.3 M" (3 significant digits); `scale` forces one prefix for a column. */
export function formatSi(v: number | null | undefined, unit = '', scale: SiScale = siScale(v ?? 0)): string {
  if (!finite(v)) return DASH;
  const text = scale.factor === 1 && Number.isInteger(v) ? formatCount(v) : formatSig(v / scale.factor, 3);
  return `${text} ${scale.prefix}${unit}`.trim();
}

/** `MACs` or `FLOPs` (= 2 x MACs). */
export type CountUnit = 'MACs' | 'FLOPs';

/** MACs (or FLOPs = 2 x MACs) with the prefix chosen by magnitude: "59.4 MMACs", "1.81 GMACs". */
export function formatMacs(macs: number | null | undefined, unit: CountUnit = 'MACs', scale?: SiScale): string {
  if (!finite(macs)) return DASH;
  const v = unit === 'FLOPs' ? macs * 2 : macs;
  return formatSi(v, unit, scale ?? siScale(v));
}

/** d3-format of hover values in the figures: 4 significant digits, trailing zeros trimmed. */
export const HOVER_FORMAT = '.4~g';

/** What {@link denseBackboneMacs} reads. */
export interface BackboneSource {
  denseMacs: number;
  layers: { denseMacs: number; overhead: boolean }[];
}

/**
 * Dense MACs of the backbone: the graph's dense total without the mask
 * generator and gate heads. The one denominator of every "vs dense backbone"
 * reduction (Compare, FLOPs, report), so a Dyna-Pruner checkpoint and the
 * separately trained dense model of the same backbone share it.
 */
export function denseBackboneMacs(a: BackboneSource): number {
  return a.denseMacs - a.layers.reduce((sum, l) => sum + (l.overhead ? l.denseMacs : 0), 0);
}

/** Change of effective MACs (overhead included) against the dense backbone: -0.613 for 0.0213 vs 0.0550 GMACs. */
export function changeVsBackbone(effectiveMacs: number | null | undefined, backboneMacs: number): number | null {
  return finite(effectiveMacs) && backboneMacs > 0 ? effectiveMacs / backboneMacs - 1 : null;
}

/** A Training value of the contract: integers with separators, other numbers to 4 significant digits (zeros trimmed), strings without JSON quotes. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? formatCount(v) : String(Number(v.toPrecision(4)));
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  if (v === null || v === undefined) return DASH;
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${formatValue(x)}`).join(', ');
}
