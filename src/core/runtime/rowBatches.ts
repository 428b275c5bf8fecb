/**
 * Row-batched inference for sweeps: every (sample x configuration x seed) is
 * one row; rows of any configuration that run through the same graph variant
 * are packed into large onnxruntime batches (the model's batch dimension is
 * dynamic). The next batch is filled while the previous one runs in the
 * worker, so input preparation (noise, masks) overlaps inference.
 */
import { DATA_MASK, IMPORTANCE, INPUT, PREDICTION } from '../checkpoint/checkpoint';
import type { ModelRunner, VariantName } from './modelRunner';
import type { WireTensor } from './workerProtocol';

/** One row's outputs: views into the batch's output buffers (never reused, safe to keep). */
export interface RowOutputs {
  /** [T_out, C, H, W] */
  prediction: Float32Array;
  /** [H*W] (variant 'full' only) */
  dataMask: Float32Array | null;
  /** [H*W] (variant 'full' only) */
  importance: Float32Array | null;
  /** Per gate tensor (ck.gateTensors order), [K]; empty for 'allCut' and 'cleanDense'. */
  gates: Float32Array[];
  /** Per gate tensor, [K] ('full' and 'dataCut' only; empty otherwise). */
  scores: Float32Array[];
}

/** One row of a batched run. */
export interface RowJob {
  /** Writes this row's input window (T_in x C x H x W floats) into `dst` at `offset`. */
  fillInput(dst: Float32Array, offset: number): void;
  /** Data mask to inject (H*W, 0/1); null or absent = all ones. Ignored by 'full' and 'cleanDense'. */
  dataMask?: ArrayLike<number> | null;
  /** Gate masks to inject ('allCut'; ck.gateTensors order; null = all ones). */
  gates?: (ArrayLike<number> | null)[];
  /** Each gate tensor's threshold ('tauCut'; ck.gateTensors order). */
  taus?: ArrayLike<number>;
  /** Receives this row's outputs. */
  done(out: RowOutputs): void;
}

/** Options of {@link runRows}. */
export interface RunRowsOptions {
  /** Rows per onnxruntime call. */
  rowsPerCall: number;
  signal?: AbortSignal;
  /** Called after each batch with the number of rows it finished. */
  onRows?: (rows: number) => void;
}

/** Builds the feeds of one batch of rows for a variant (fresh buffers: they are transferred). */
function buildFeeds(runner: ModelRunner, variant: VariantName, rows: RowJob[]): Record<string, WireTensor> {
  const ck = runner.ck;
  const s = ck.spec;
  const [H, W] = s.grid;
  const plane = H * W;
  const n = rows.length;
  const xi = s.tIn * s.channels.length * plane;
  const x = new Float32Array(n * xi);
  rows.forEach((r, j) => r.fillInput(x, j * xi));
  const feeds: Record<string, WireTensor> = { [INPUT]: { data: x, dims: [n, s.tIn, s.channels.length, H, W] } };
  if (variant !== 'full' && variant !== 'cleanDense' && ck.hasDataMask) {
    const m = new Float32Array(n * plane);
    rows.forEach((r, j) => (r.dataMask ? m.set(r.dataMask, j * plane) : m.fill(1, j * plane, (j + 1) * plane)));
    feeds[DATA_MASK] = { data: m, dims: [n, 1, H, W] };
  }
  if (variant === 'allCut') {
    ck.gateTensors.forEach((g, i) => {
      const m = new Float32Array(n * g.channels);
      rows.forEach((r, j) => {
        const row = r.gates?.[i];
        if (row) m.set(row, j * g.channels);
        else m.fill(1, j * g.channels, (j + 1) * g.channels);
      });
      feeds[g.mask] = { data: m, dims: [n, g.channels] };
    });
  }
  if (variant === 'tauCut') {
    const thresholds = ck.gateThresholds ?? [];
    thresholds.forEach((t, i) => {
      const v = new Float32Array(n);
      rows.forEach((r, j) => {
        if (!r.taus) throw new Error(`row ${j} of a tauCut batch has no thresholds`);
        v[j] = r.taus[i];
      });
      feeds[t.input] = { data: v, dims: [n, 1] };
    });
  }
  return feeds;
}

/** Splits a batch's outputs into per-row views and hands each row its own. */
function deliver(runner: ModelRunner, rows: RowJob[], out: Record<string, WireTensor>): void {
  const ck = runner.ck;
  const n = rows.length;
  const per = (name: string): ((j: number) => Float32Array) | null => {
    const t = out[name];
    if (!t) return null;
    const size = t.data.length / n;
    return (j) => t.data.subarray(j * size, (j + 1) * size);
  };
  const pred = per(PREDICTION)!;
  const dm = per(DATA_MASK);
  const imp = per(IMPORTANCE);
  const gates = ck.gateTensors.map((g) => per(g.mask)).filter((f): f is (j: number) => Float32Array => f !== null);
  const scores = ck.gateTensors.map((g) => per(g.score)).filter((f): f is (j: number) => Float32Array => f !== null);
  rows.forEach((r, j) => r.done({
    prediction: pred(j),
    dataMask: dm ? dm(j) : null,
    importance: imp ? imp(j) : null,
    gates: gates.map((f) => f(j)),
    scores: scores.map((f) => f(j)),
  }));
}

/**
 * Runs `jobs` through one graph variant in batches of `rowsPerCall` rows,
 * calling each job's `done` with its outputs (in job order). Checks `signal`
 * between batches; at most one batch waits while another runs.
 */
export async function runRows(runner: ModelRunner, variant: VariantName, jobs: Iterable<RowJob>, options: RunRowsOptions): Promise<void> {
  const size = Math.max(1, options.rowsPerCall);
  const outputs = runner.outputsOf(variant);
  const it = jobs[Symbol.iterator]();
  type InFlight = { rows: RowJob[]; result: Promise<Record<string, WireTensor>> };
  let pending = null as InFlight | null;
  for (;;) {
    options.signal?.throwIfAborted();
    const rows: RowJob[] = [];
    while (rows.length < size) {
      const r = it.next();
      if (r.done) break;
      rows.push(r.value);
    }
    let next: InFlight | null = null;
    if (rows.length > 0) {
      const result = runner.runVariant(variant, buildFeeds(runner, variant, rows), outputs, options.signal);
      result.catch(() => {}); // awaited below; avoid an unhandled rejection while the previous batch is awaited
      next = { rows, result };
    }
    if (pending) {
      deliver(runner, pending.rows, await pending.result);
      options.onRows?.(pending.rows.length);
    }
    if (!next) break;
    pending = next;
  }
}
