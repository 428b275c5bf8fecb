/**
 * onnxruntime's profile trace (Chrome trace JSON, as written by
 * `enable_profiling` in every onnxruntime binding): one `model_run` session
 * event per run and one `<node>_kernel_time` node event per kernel, `dur` in
 * microseconds, `args.op_name` the op type. Pure: the device runners parse
 * their traces with it too.
 */

/** One kernel run of one runtime node. */
export interface NodeEvent {
  /** The runtime node's name (after graph optimisation and fusion). */
  name: string;
  /** Its op type (`args.op_name`). */
  op: string;
  durUs: number;
}

/** The node events of one model run. */
export interface ProfiledRun {
  nodes: NodeEvent[];
  /** Duration of the whole run as the profiler saw it, microseconds. */
  runUs: number;
}

interface TraceEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string };
}

/**
 * Splits an onnxruntime Chrome trace into runs: each `model_run` session
 * event with the `*_kernel_time` node events inside its time span.
 */
export function parseTrace(trace: unknown, source: string): ProfiledRun[] {
  if (!Array.isArray(trace)) throw new Error(`${source}: expected a JSON array of trace events, found ${typeof trace}`);
  const events = trace as TraceEvent[];
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  const nodes = events.filter((e) => e.cat === 'Node' && typeof e.name === 'string' && e.name.endsWith('_kernel_time'));
  const out: ProfiledRun[] = runs.map((r) => ({ nodes: [], runUs: r.dur ?? 0 }));
  let k = 0;
  for (const e of [...nodes].sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0))) {
    const ts = e.ts ?? 0;
    while (k < runs.length && ts > (runs[k].ts ?? 0) + (runs[k].dur ?? 0)) k++;
    if (k >= runs.length) break;
    if (ts < (runs[k].ts ?? 0)) continue;
    out[k].nodes.push({ name: e.name!.slice(0, -'_kernel_time'.length), op: e.args?.op_name ?? 'unknown', durUs: e.dur ?? 0 });
  }
  return out;
}
