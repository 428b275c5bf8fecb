/**
 * Samples of a checkpoint whose contract records a data set description
 * (docs/spec/dataset.md): each channel read from its files with the reader of
 * their format, cropped, masked, coarsened (mean of the valid values of each
 * block) and normalised (log1p for `log1p` channels, then the contract's
 * z-score), windowed inside one split. Lazy: only the time steps of the
 * windows analysed are read.
 */
import path from 'node:path';
import type { DatasetDescription, DescribedVariable } from '../contract/datasetDescription';
import type { BudgetMeter } from './budget';
import { SampleDataError } from './errors';
import { descKey, describedFiles, insideRoot, missingVariable, openSource } from './describedSources';
import type { GridSource } from './gridSource';
import type { SampleSet, SampleSpec } from './sampleSet';

/** Time steps read per reader call. */
const READ_BLOCK = 256;

/** One channel: its variable, its sources (concatenated along time) and the description key naming it. */
interface Channel {
  variable: DescribedVariable;
  key: string;
  sources: GridSource[];
}

/** What to load. */
export interface DescribedLoad {
  description: DatasetDescription;
  /** The checkpoint file (the description's root is relative to its folder). */
  checkpoint: string;
  /** Data files replacing the description's, in the same order (`--data`); default the description's own. */
  files?: string[];
  split: string;
  /** At most this many windows (the first ones) are read. */
  maxWindows?: number;
}

/** A reader's message with the description key (and the checkpoint) it concerns. */
function inKey(error: unknown, key: string, checkpoint: string): unknown {
  if (!(error instanceof SampleDataError) || !error.file) return error;
  const rest = error.message.slice(error.file.length + 2);
  return new SampleDataError(error.file, `${descKey(key)} (of ${checkpoint}): ${rest}`);
}

/**
 * `given` in the description's order: by file name where every name is one of
 * the description's (so `*storm.cdf` in any order fits), else as given.
 */
function inDescriptionOrder(own: string[], given: string[], checkpoint: string): string[] {
  if (given.length !== own.length) {
    throw new SampleDataError(checkpoint, `${descKey('files')}: expected ${own.length} data files (${own.map((f) => path.basename(f)).join(', ')}), found ${given.length}`);
  }
  const names = own.map((f) => path.basename(f));
  const byName = new Map(given.map((f) => [path.basename(f), f]));
  const unique = new Set(names).size === names.length && byName.size === given.length;
  return unique && names.every((n) => byName.has(n)) ? names.map((n) => byName.get(n)!) : given;
}

/** Opens every channel's sources; `files` replace the description's paths one for one. */
async function openChannels(load: DescribedLoad): Promise<Channel[]> {
  const { description: d, checkpoint } = load;
  const own = describedFiles(d, checkpoint);
  const files = load.files ? inDescriptionOrder(own, load.files, checkpoint) : own;
  const channels: Channel[] = [];
  let next = 0;
  try {
    for (const [i, entry] of d.files.entries()) {
      const paths = files.slice(next, next + entry.path.length);
      next += entry.path.length;
      for (const [j, variable] of entry.variables.entries()) {
        const key = `files[${i}].variables[${j}]`;
        const channel: Channel = { variable, key, sources: [] };
        channels.push(channel);
        for (const f of paths) {
          const src = await openSource(f, variable.name, { ...entry.select, ...variable.select }).catch((e: unknown) => {
            throw inKey(load.files ? missingVariable(e, channels.length - 1, variable.channel) : e, key, checkpoint);
          });
          channel.sources.push(src);
        }
      }
    }
  } catch (error) {
    closeChannels(channels);
    throw error;
  }
  return channels;
}

function closeChannels(channels: Channel[]): void {
  for (const c of channels) for (const s of c.sources) s.close();
}

/** Grid after crop and coarsening. */
function outputGrid(d: DatasetDescription, h: number, w: number): [number, number] {
  const ch = d.crop.y ? d.crop.y[1] - d.crop.y[0] : h;
  const cw = d.crop.x ? d.crop.x[1] - d.crop.x[0] : w;
  return [Math.floor(ch / d.coarsen), Math.floor(cw / d.coarsen)];
}

/** Total steps of each channel; refuses grids that differ from the checkpoint's and unequal lengths. */
function checkChannels(load: DescribedLoad, channels: Channel[], spec: SampleSpec): number {
  const d = load.description;
  let steps = -1;
  for (const c of channels) {
    for (const s of c.sources) {
      const crop = (d.crop.y && d.crop.y[1] > s.shape[1]) || (d.crop.x && d.crop.x[1] > s.shape[2]);
      const grid = outputGrid(d, s.shape[1], s.shape[2]);
      if (crop || grid[0] !== spec.grid[0] || grid[1] !== spec.grid[1]) {
        throw new SampleDataError(s.file, `${descKey(c.key)} (of ${load.checkpoint}): expected the checkpoint's grid ${spec.grid.join('x')} (after crop and coarsen ${d.coarsen}), found '${s.name}' on ${s.shape[1]}x${s.shape[2]}`);
      }
    }
    const t = c.sources.reduce((n, s) => n + s.shape[0], 0);
    if (steps >= 0 && t !== steps) throw new SampleDataError(c.sources[0].file, `${descKey(c.key)} (of ${load.checkpoint}): expected ${steps} time steps like the first channel, found ${t}`);
    steps = t;
  }
  return steps;
}

/** Window starts inside the split (stride of the description), at most `maxWindows`. */
function windowStarts(load: DescribedLoad, spec: SampleSpec, steps: number, file: string): number[] {
  const d = load.description;
  const range = load.split === 'all' ? [0, steps] : spec.splits[load.split];
  if (!range) throw new SampleDataError(load.checkpoint, `the checkpoint's dataset has no '${load.split}' split (has: ${Object.keys(spec.splits).join(', ')})`);
  const win = spec.tIn + spec.tOut;
  const key = descKey(`split.${load.split}`);
  if (range[1] > steps || range[1] - range[0] < win) {
    throw new SampleDataError(file, `${key} (of ${load.checkpoint}): expected at least ${Math.max(range[1], range[0] + win)} time steps for one window of t_in + t_out = ${win} in [${range[0]}, ${range[1]}), found ${steps}`);
  }
  const starts: number[] = [];
  for (let s = range[0]; s + win <= range[1] && starts.length < (load.maxWindows ?? Infinity); s += d.stride) starts.push(s);
  return starts;
}

/** The sorted distinct steps the windows need, grouped into contiguous runs [from, to). */
function neededRuns(starts: number[], win: number): [number, number][] {
  const runs: [number, number][] = [];
  for (const s of starts) {
    const last = runs[runs.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], s + win);
    else runs.push([s, s + win]);
  }
  return runs;
}

/** Reads steps [t0, t0 + count) of a channel across its sources, `READ_BLOCK` at a time; calls `frame` per step. */
async function readChannelSteps(c: Channel, t0: number, count: number, frame: (t: number, values: Float32Array, valid: Uint8Array) => void): Promise<void> {
  let base = 0;
  for (const src of c.sources) {
    const [n, h, w] = src.shape;
    const from = Math.max(t0, base);
    const to = Math.min(t0 + count, base + n);
    for (let a = from; a < to; a += READ_BLOCK) {
      const b = Math.min(to, a + READ_BLOCK);
      const block = await src.readSteps(a - base, b - a);
      for (let t = a; t < b; t++) {
        const o = (t - a) * h * w;
        frame(t, block.values.subarray(o, o + h * w), block.valid.subarray(o, o + h * w));
      }
    }
    base += n;
  }
}

/** Cropped, masked and coarsened plane (block mean of the valid values; a block with none is invalid). */
function reducePlane(d: DatasetDescription, h: number, w: number, values: Float32Array, valid: Uint8Array, mask: Uint8Array | null, out: [number, number]): { x: Float64Array; ok: Uint8Array } {
  const [y0, x0] = [d.crop.y?.[0] ?? 0, d.crop.x?.[0] ?? 0];
  const cw = (d.crop.x ? d.crop.x[1] : w) - x0;
  const k = d.coarsen;
  const x = new Float64Array(out[0] * out[1]);
  const ok = new Uint8Array(out[0] * out[1]);
  for (let i = 0; i < out[0]; i++) {
    for (let j = 0; j < out[1]; j++) {
      let sum = 0;
      let n = 0;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          const yy = i * k + a;
          const xx = j * k + b;
          const p = (y0 + yy) * w + x0 + xx;
          if (valid[p] && (!mask || mask[yy * cw + xx])) {
            sum += values[p];
            n++;
          }
        }
      }
      x[i * out[1] + j] = n > 0 ? sum / n : 0;
      ok[i * out[1] + j] = n > 0 ? 1 : 0;
    }
  }
  return { x, ok };
}

/** The normalised value of a physical one: log1p for `log1p` channels, then the contract's z-score, as float32. */
function normaliser(v: DescribedVariable, mean: number, std: number): (x: number) => number {
  return v.normalisation === 'log1p' ? (x) => (Math.log1p(Math.max(x, 0)) - mean) / std : (x) => (x - mean) / std;
}

/** Fills the series rows [steps needed, C, H, W] of every channel; refuses a channel with no valid value. */
async function fillSeries(load: DescribedLoad, channels: Channel[], spec: SampleSpec, runs: [number, number][], mask: Uint8Array | null): Promise<{ series: Float32Array; valid: Uint8Array; row: Map<number, number> }> {
  const [H, W] = spec.grid;
  const C = channels.length;
  const row = new Map<number, number>();
  for (const [a, b] of runs) for (let t = a; t < b; t++) row.set(t, row.size);
  const series = new Float32Array(row.size * C * H * W);
  const valid = new Uint8Array(series.length);
  for (const [c, ch] of channels.entries()) {
    const norm = normaliser(ch.variable, spec.mean[c], spec.std[c]);
    const [h, w] = [ch.sources[0].shape[1], ch.sources[0].shape[2]];
    let any = false;
    for (const [a, b] of runs) {
      await readChannelSteps(ch, a, b - a, (t, values, ok) => {
        const plane = reducePlane(load.description, h, w, values, ok, mask, [H, W]);
        const o = (row.get(t)! * C + c) * H * W;
        for (let i = 0; i < H * W; i++) {
          if (!plane.ok[i]) continue;
          series[o + i] = norm(plane.x[i]);
          valid[o + i] = 1;
          any = true;
        }
      });
    }
    if (!any) throw new SampleDataError(ch.sources[0].file, `${descKey(ch.key)} (of ${load.checkpoint}): expected valid values in '${ch.variable.name}', found every value a fill value, NaN or masked`);
  }
  return { series, valid, row };
}

/** The description's mask, cropped, as 1 = may hold data; null when there is none. */
async function readMask(load: DescribedLoad, root: string, grid: [number, number]): Promise<Uint8Array | null> {
  const m = load.description.mask;
  if (!m) return null;
  const file = insideRoot(root, m.file, 'mask.file', load.checkpoint);
  const src = await openSource(file, m.variable ?? undefined, {}).catch((e: unknown) => {
    throw inKey(e, 'mask.variable', load.checkpoint);
  });
  try {
    if (src.shape[0] !== 1 || src.shape[1] !== grid[0] || src.shape[2] !== grid[1]) {
      throw new SampleDataError(file, `${descKey('mask.variable')} (of ${load.checkpoint}): expected one (y, x) field on the data's ${grid.join('x')} grid, found '${src.name}' of ${src.shape.join('x')}`);
    }
    const [h, w] = [src.shape[1], src.shape[2]];
    const { values, valid } = await src.readSteps(0, 1);
    const d = load.description;
    const [y0, y1, x0, x1] = [d.crop.y?.[0] ?? 0, d.crop.y?.[1] ?? h, d.crop.x?.[0] ?? 0, d.crop.x?.[1] ?? w];
    const out = new Uint8Array((y1 - y0) * (x1 - x0));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const nonzero = valid[y * w + x] === 1 && values[y * w + x] !== 0;
        out[(y - y0) * (x1 - x0) + x - x0] = (m.valid === 'nonzero' ? nonzero : !nonzero) ? 1 : 0;
      }
    }
    return out;
  } finally {
    src.close();
  }
}

/** Cuts the windows out of the series rows. */
function cutWindows(spec: SampleSpec, C: number, starts: number[], filled: { series: Float32Array; valid: Uint8Array; row: Map<number, number> }) {
  const frame = C * spec.grid[0] * spec.grid[1];
  const take = (from: number, n: number, src: Float32Array | Uint8Array, out: Float32Array | Uint8Array, k: number) => {
    const r = filled.row.get(from)!;
    out.set(src.subarray(r * frame, (r + n) * frame), k * n * frame);
  };
  const inputs = new Float32Array(starts.length * spec.tIn * frame);
  const inputValid = new Uint8Array(inputs.length);
  const targets = new Float32Array(starts.length * spec.tOut * frame);
  const valid = new Uint8Array(targets.length);
  starts.forEach((s, k) => {
    take(s, spec.tIn, filled.series, inputs, k);
    take(s, spec.tIn, filled.valid, inputValid, k);
    take(s + spec.tIn, spec.tOut, filled.series, targets, k);
    take(s + spec.tIn, spec.tOut, filled.valid, valid, k);
  });
  return { inputs, inputValid, targets, valid };
}

/** Loads the windows of `load.split` as the description says. */
export async function loadDescribed(load: DescribedLoad, spec: SampleSpec, meter: BudgetMeter): Promise<SampleSet> {
  const channels = await openChannels(load);
  try {
    const steps = checkChannels(load, channels, spec);
    const starts = windowStarts(load, spec, steps, channels[0].sources[0].file);
    const win = spec.tIn + spec.tOut;
    const runs = neededRuns(starts, win);
    const [H, W] = spec.grid;
    const C = channels.length;
    const needed = runs.reduce((n, [a, b]) => n + b - a, 0);
    meter.reserve(channels[0].sources[0].file, needed * C * H * W * 5 + starts.length * win * C * H * W * 5, `${starts.length} windows of ${spec.tIn} + ${spec.tOut} steps`);
    const root = path.resolve(path.dirname(load.checkpoint), load.description.root);
    const first = channels[0].sources[0];
    const mask = await readMask(load, root, [first.shape[1], first.shape[2]]);
    const filled = await fillSeries(load, channels, spec, runs, mask);
    const w = cutWindows(spec, C, starts, filled);
    return {
      count: starts.length, tIn: spec.tIn, tOut: spec.tOut, channels: C, height: H, width: W, ...w, starts,
      files: [...new Set(channels.flatMap((c) => c.sources.map((s) => s.file)))], format: 'netcdf', split: load.split,
    };
  } finally {
    closeChannels(channels);
  }
}
