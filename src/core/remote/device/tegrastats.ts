/**
 * Parser for `tegrastats` lines as printed on Jetson (Orin first, older
 * boards tolerated). Handles every variant seen on Orin:
 *  - `GR3D_FREQ N%`, `GR3D_FREQ N%@F`, `GR3D_FREQ N%@[F,F]` (one per GPC);
 *  - rails `NAME cur mW/avg mW` and `NAME cur mW/avg mW/max mW` (newer L4T),
 *    and the older unit-less `NAME cur/avg`;
 *  - `EMC_FREQ` absent (no sudo, or newer L4T);
 *  - CPU cores that read `off` (power modes that park cores);
 *  - temperatures `name@T C` and `name@T C/max C`; -256 C marks an absent sensor.
 */

/** Load and clock of one engine (`%@MHz`). */
export interface EngineLoad {
  loadPercent: number;
  /** MHz; several for multi-GPC `@[F,F]`, empty when not printed. */
  freqMHz: number[];
}

/** One power rail in milliwatts. */
export interface RailReading {
  currentMw: number;
  averageMw: number;
  /** Only printed by newer L4T (`cur/avg/max`). */
  maxMw?: number;
}

/** One parsed tegrastats line. */
export interface TegrastatsSample {
  /** `MM-DD-YYYY HH:MM:SS` when the line starts with a timestamp. */
  stamp?: string;
  ramUsedMB?: number;
  ramTotalMB?: number;
  /** One entry per core; `null` for a core that reads `off`. */
  cpu: Array<EngineLoad | null>;
  /** Absent when tegrastats does not print EMC_FREQ. */
  emc?: EngineLoad;
  /** GR3D_FREQ (the GPU); absent on lines without it. */
  gpu?: EngineLoad;
  rails: Record<string, RailReading>;
  temperaturesC: Record<string, number>;
}

/** Rails that measure the whole module input; when present they are the total. */
const INPUT_RAILS = ['VDD_IN', 'POM_5V_IN'];
/** Names that look like `NAME a/b` but are not rails. */
const NOT_RAILS = new Set(['RAM', 'SWAP', 'IRAM', 'NC']);

function engine(load: string, freq?: string, freqList?: string): EngineLoad {
  const freqs = freqList !== undefined ? freqList.split(',').filter(Boolean).map(Number) : freq !== undefined ? [Number(freq)] : [];
  return { loadPercent: Number(load), freqMHz: freqs };
}

/** Parses one line; returns null for lines that are not tegrastats output. */
export function parseTegrastatsLine(line: string): TegrastatsSample | null {
  const text = line.trim();
  if (!/\bRAM \d+\/\d+MB\b|GR3D_FREQ|_FREQ \d+%/.test(text)) return null;
  const sample: TegrastatsSample = { cpu: [], rails: {}, temperaturesC: {} };
  const stamp = /^(\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2})\s/.exec(text);
  if (stamp) sample.stamp = stamp[1];
  const ram = /\bRAM (\d+)\/(\d+)MB/.exec(text);
  if (ram) {
    sample.ramUsedMB = Number(ram[1]);
    sample.ramTotalMB = Number(ram[2]);
  }
  const cpu = /\bCPU \[([^\]]*)\]/i.exec(text);
  if (cpu) {
    sample.cpu = cpu[1].split(',').map((c) => {
      const m = /^(\d+)%(?:@(\d+))?$/.exec(c.trim());
      return m ? engine(m[1], m[2]) : null;
    });
  }
  const emc = /\bEMC_FREQ (\d+)%(?:@(\d+))?/.exec(text);
  if (emc) sample.emc = engine(emc[1], emc[2]);
  const gpu = /\bGR3D_FREQ (\d+)%(?:@(?:\[([\d,]*)\]|(\d+)))?/.exec(text);
  if (gpu) sample.gpu = engine(gpu[1], gpu[3], gpu[2]);

  const railRe = /(?:^|\s)([A-Z][A-Z0-9_]*) (\d+)(mW)?\/(\d+)(?:mW)?(?:\/(\d+)(?:mW)?)?(?=\s|$)/g;
  for (const m of text.matchAll(railRe)) {
    const name = m[1];
    if (NOT_RAILS.has(name)) continue;
    const reading: RailReading = { currentMw: Number(m[2]), averageMw: Number(m[4]) };
    if (m[5] !== undefined) reading.maxMw = Number(m[5]);
    sample.rails[name] = reading;
  }
  // Single-value form `VDD_GPU_SOC 2171mW` (seen in some logs): current only.
  for (const m of text.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*) (\d+)mW(?=\s|$)/g)) {
    if (!NOT_RAILS.has(m[1]) && !sample.rails[m[1]]) sample.rails[m[1]] = { currentMw: Number(m[2]), averageMw: Number(m[2]) };
  }
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9_]*)@(-?\d+(?:\.\d+)?)C(?:\/(-?\d+(?:\.\d+)?)C)?(?=\s|$)/g)) {
    const t = Number(m[2]);
    if (t > -200) sample.temperaturesC[m[1]] = t;
  }
  return sample;
}

/**
 * Total module power of a sample in mW (current readings): the input rail
 * (`VDD_IN`, `POM_5V_IN`) when printed, else the sum of all rails (AGX Orin
 * prints VDD_GPU_SOC, VDD_CPU_CV, VIN_SYS_5V0, VDDQ_VDD2_1V8AO without VDD_IN).
 */
export function totalPowerMw(sample: TegrastatsSample): number | null {
  for (const name of INPUT_RAILS) if (sample.rails[name]) return sample.rails[name].currentMw;
  const values = Object.values(sample.rails);
  if (values.length === 0) return null;
  return values.reduce((a, r) => a + r.currentMw, 0);
}
