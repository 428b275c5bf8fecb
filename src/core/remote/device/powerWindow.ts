/**
 * Power and energy over a time window from device-timestamped tegrastats
 * samples: mean power per rail and in total, GPU load, and energy per
 * inference = mean total power x window length / inferences.
 */
import { totalPowerMw, type TegrastatsSample } from './tegrastats';

/** A tegrastats sample with the device clock (ms) at which it was printed. */
export interface TimedTegrastats {
  t: number;
  sample: TegrastatsSample;
}

/** Power summary of one window. */
export interface PowerSummary {
  /** Samples averaged (window samples, or the nearest ones when the window is shorter than the interval). */
  samples: number;
  /** Mean current reading per rail, mW. */
  railsMw: Record<string, number>;
  /** Mean total module power, mW (input rail, or the sum of rails). */
  totalMw: number;
  /** Mean GR3D load, %, when printed. */
  gpuLoadPercent: number | null;
  /** Window length in ms. */
  windowMs: number;
  /** Energy per inference in millijoules. */
  energyPerInferenceMj: number;
  /** True when the window held no sample and the nearest ones stood in. */
  nearestOnly: boolean;
}

/** Summarises power over `[t0, t1]` for `inferences` runs; null without any usable sample. */
export function powerOverWindow(samples: TimedTegrastats[], t0: number, t1: number, inferences: number): PowerSummary | null {
  const usable = samples.filter((s) => totalPowerMw(s.sample) !== null);
  if (usable.length === 0 || inferences <= 0) return null;
  let chosen = usable.filter((s) => s.t >= t0 && s.t <= t1);
  let nearestOnly = false;
  if (chosen.length === 0) {
    // Window shorter than the sampling interval: the last sample before and the first after.
    const before = usable.filter((s) => s.t < t0).at(-1);
    const afterSample = usable.find((s) => s.t > t1);
    chosen = [before, afterSample].filter((s): s is TimedTegrastats => !!s);
    nearestOnly = true;
  }
  const rails: Record<string, number> = {};
  for (const s of chosen) for (const [name, r] of Object.entries(s.sample.rails)) rails[name] = (rails[name] ?? 0) + r.currentMw / chosen.length;
  const totalMw = chosen.reduce((a, s) => a + (totalPowerMw(s.sample) ?? 0), 0) / chosen.length;
  const loads = chosen.map((s) => s.sample.gpu?.loadPercent).filter((v): v is number => v !== undefined);
  const windowMs = Math.max(0, t1 - t0);
  return {
    samples: chosen.length,
    railsMw: rails,
    totalMw,
    gpuLoadPercent: loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : null,
    windowMs,
    // mW x ms = microjoules; / 1000 -> millijoules.
    energyPerInferenceMj: (totalMw * windowMs) / 1000 / inferences,
    nearestOnly,
  };
}

/** Parses a `<epoch ms> <tegrastats line>` line from the timestamping wrapper. */
export function splitTimestamped(line: string): { t: number; text: string } | null {
  const m = /^(\d{10,})\s(.*)$/.exec(line);
  return m ? { t: Number(m[1]), text: m[2] } : null;
}
