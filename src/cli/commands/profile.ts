/**
 * `dynapruner profile <ckpt> --host <alias> [--host <alias> ...] [--backend ort|trtexec|node]
 *  [--variants ckpt,dense,l1,l1c,sparse] [--compare-with other.onnx] [--iterations N] [--json out]`:
 * latency, power and energy of a checkpoint and the variants built from it
 * (clean dense, static L1, sparse) on Jetson devices over SSH, next to their
 * mask-aware MACs; saved under .dynapruner/runs/.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { CliError, type CliCommand, type CliIO } from '../command';
import { parseCommandArgs, type FlagSpecs } from '../args/parse';
import { CONNECT_TIMEOUT_MS, ITERATIONS, PER_SAMPLE, WARMUP } from '../args/limits';
import { choice, intValue } from '../args/values';
import { checkOutputs, fileOutput } from '../outputs';
import { writeFileAtomic } from '../../core/runs/atomicWrite';
import { refuseOutputsOverInputs } from '../../core/runs/outputGuard';
import type { ConnectOptions } from '../../core/remote/ssh/sshConnection';
import { profileOnDevices, type ProfileEvent, type ProfileProgress, type ProfileVariantInput } from '../../core/remote/profile/profileRun';
import { planProfile } from '../../core/remote/profile/profilePlan';
import { LAYER_ROUNDS, PROFILE_BACKENDS, PROFILE_DEFAULTS } from '../../core/remote/profile/profileDefaults';
import { SELECTABLE_VARIANT_KINDS, VARIANT_KINDS, type VariantKind } from '../../core/remote/profile/variants';
import type { ProfileBackend, ProfileResult } from '../../core/schema/profileResult';
import { saveProfileRun } from '../../core/runs/profileRunStore';
import { DENSE_RUNTIME_NOTE, macsVersusLatency } from '../../core/remote/profile/macsVersusLatency';
import { resolveAlias, shippedRunner, validateHostSettings } from '../../core/remote/device/remoteEnvironment';
import { predictionText, profileLayersText } from './profileLayers';
import { profileSparsePlan } from './profileSparsePlan';
import { sparsePlanText } from '../../core/export/sparsePlanText';
import { SPARSE_PLAN_ROUNDS } from '../../core/remote/profile/sparsePlanSource';

const PROFILE_FLAGS: FlagSpecs = {
  host: { type: 'string', multiple: true, value: 'ALIAS' },
  backend: { type: 'string', value: 'node|ort|trtexec' },
  iterations: { type: 'string', value: 'N' },
  warmup: { type: 'string', value: 'N' },
  samples: { type: 'string', value: 'FILE.npy' },
  variant: { type: 'string', multiple: true, value: 'ID=FILE' },
  variants: { type: 'string', value: 'LIST' },
  'compare-with': { type: 'string', multiple: true, value: 'FILE' },
  'per-sample': { type: 'string', value: 'N' },
  providers: { type: 'string', value: 'LIST' },
  'hosts-file': { type: 'string', value: 'FILE' },
  'known-hosts': { type: 'string', value: 'FILE' },
  'connect-timeout': { type: 'string', value: 'MS' },
  json: { type: 'string', value: 'OUT' },
  workspace: { type: 'string', value: 'DIR' },
  runner: { type: 'string', value: 'FILE' },
  layers: { type: 'boolean' },
  'sparse-plan': { type: 'string', value: 'calibrate|none|FILE.onnx' },
  'calibrate-rounds': { type: 'string', value: 'N' },
  'layer-rounds': { type: 'string', value: 'N' },
};

const HELP = `Usage: dynapruner profile <checkpoint.onnx> --host <alias> [options]

Profiles a checkpoint on one or more Jetson devices over SSH: warm-up, N timed
inferences, per-sample inference on the samples, tegrastats power per rail
and energy per inference. Results go to .dynapruner/runs/<id>/profile.json.

By default a Dyna-Pruner checkpoint is profiled as exported (ckpt) and as two
variants built from it in memory with the engine's graph transforms: clean
dense (dense: every mask folded away as all ones, no Mul by ones, no mask
generator or gate heads) and static L1 (l1: the engine's
L1 filter masks at the contract's s_w, data mask all ones). Each device's
outputs are checked against the engine's own run of the same variant.

MACs vs latency: the table shows each variant's mask-aware MACs per sample and
its latency, both relative to clean dense. A dense runtime (onnxruntime,
TensorRT without sparsity) does the same work whatever the masks hold, so a
MAC saving only becomes a latency saving with a sparse executor.

Options:
  --host <alias>          ~/.ssh/config Host alias or an entry of --hosts-file (repeat for several devices at once)
  --backend <b>           node (onnxruntime-node, default), ort (Python onnxruntime), trtexec (TensorRT)
  --iterations <N>        timed inferences per variant (default 100)
  --warmup <N>            untimed inferences first (default 10)
  --samples <file.npy>    float32 inputs [S, T_in, C, H, W] (default <checkpoint>.inputs.npy, else the
                          first 16 test windows of the contract's data set, e.g. demo/data/ncl)
  --per-sample <N>        samples run one by one and checked against the engine (default 8)
  --variants <list>       which variants to build and time: ckpt,dense,l1 (default: all that apply; plain
                          ONNX models without the contract's mask tensors only have ckpt); l1c (static L1
                          with the pruned filters removed) and sparse (active filters gathered per
                          sample, batch 1) only when listed
  --compare-with <file>   also profile a separate model, e.g. simvp_dense.onnx (repeatable)
  --variant <id=file>     also profile another ONNX file under your own id (repeatable)
  --providers <list>      execution providers for node/ort runners, e.g. tensorrt,cuda,cpu (default cpu)
  --hosts-file <json>     JSON array of host entries (same shape as the setting dynapruner.remote.hosts)
  --known-hosts <file>    known_hosts to verify against and record into (default ~/.ssh/known_hosts)
  --connect-timeout <ms>  (default 10000)
  --json <out>            also write the results (array, one per host that succeeded) to this file;
                          not written (an earlier file is kept) when no host succeeded
  --workspace <dir>       where .dynapruner/runs lives (default: current folder)
  --runner <file>         runner to ship instead of the bundled one (dist/remoteRunner.js or ort_runner.py)
  --layers                node/ort backends: also profile each variant node by node on the device and print,
                          per layer, its share of MACs beside its share of measured time (local: dynapruner latency)
                          and the latency model's predicted vs measured per-sample latency of ckpt, dense, l1c and
                          sparse (fitted on the same run's per-node profile: in-sample); trtexec: the same table
                          from trtexec's per-layer profile (--dumpProfile --separateProfileRun --exportProfile)
  --layer-rounds <N>      --layers: profiled passes over the per-sample inputs (default ${LAYER_ROUNDS}; each sample's median)
  --sparse-plan <p>       with sparse in --variants: where its per-unit plan (each gated unit gathered, or dense
                          conv then the Mul by its gate) comes from:
                            calibrate (default)  measured on each profiled host just before it is timed there,
                                                 through the same backend and runner (the timing of
                                                 'export --calibrate <host>': the all-gathered graph against each
                                                 unit alone dense, then clean dense against the plan); the first
                                                 --per-sample samples, --calibrate-rounds rounds
                            none                 every gatherable unit gathered, nothing timed
                            FILE.onnx            the plan recorded in a sparse export of this checkpoint
                                                 (dynapruner export --variant sparse)
                          The plan (units gathered and dense, measured ratio to clean dense, verdict) is printed
                          per host and saved with the result (variants[].sparsePlan)
  --calibrate-rounds <N>  timed rounds over the calibration samples (default ${SPARSE_PLAN_ROUNDS})

Host keys are verified against known_hosts; a changed key is refused. An unknown key,
a key passphrase or a password is asked for on the terminal (never stored by the CLI).
`;

/** Host-key, passphrase and password prompts on the terminal. */
function terminalPrompts(io: CliIO): Pick<ConnectOptions, 'confirmHostKey' | 'askPassphrase' | 'askPassword'> {
  return {
    confirmHostKey: async (p) =>
      /^y(es)?$/i.test(
        (await ask(io, `The authenticity of host '${p.host}' can't be established.\n${p.keyType} key fingerprint is ${p.fingerprint}.\nTrust it and record it in known_hosts (yes/no)? `, false)) ?? '',
      ),
    askPassphrase: (file, retry) => ask(io, `${retry ? 'Wrong passphrase. ' : ''}Passphrase for ${file}: `, true),
    askPassword: (target) => ask(io, `Password for ${target}: `, true),
  };
}

function ask(io: CliIO, question: string, hidden: boolean): Promise<string | undefined> {
  if (!process.stdin.isTTY) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const rlAny = rl as unknown as { _writeToOutput: (s: string) => void };
    if (hidden) {
      const original = rlAny._writeToOutput.bind(rl);
      rlAny._writeToOutput = (s: string) => (s.startsWith(question) ? original(s) : undefined);
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) io.err('\n');
      resolve(answer);
    });
  });
}

/** Live progress per host: a rewritten status line on a terminal, one line per finished phase otherwise. */
class HostProgress {
  private readonly state = new Map<string, string>();
  /** Last line printed per host (non-terminal output), so a phase end is printed once. */
  private readonly printed = new Map<string, string>();
  private lastLine = 0;

  constructor(private readonly io: CliIO, aliases: string[]) {
    for (const a of aliases) this.state.set(a, 'waiting');
  }

  event(e: ProfileEvent, alias: string): void {
    if (e.kind === 'stage') this.line(alias, e.message);
    else if (e.kind === 'upload') this.line(alias, `${e.uploaded ? 'uploaded' : 'already on device (same sha256)'}: ${e.name}`);
    else if (e.kind === 'probe') for (const m of e.facts.missing) this.line(alias, `missing ${m.what}: ${m.install}`);
    else if (e.kind === 'progress') this.progress(alias, e.progress);
  }

  private progress(alias: string, p: ProfileProgress): void {
    const text = `${p.variant} ${p.phase} ${p.done}/${p.total} (${Math.round(p.fraction * 100)}%)`;
    this.state.set(alias, text);
    if (this.io.isTTY) {
      const now = Date.now();
      if (now - this.lastLine < 100 && p.done < p.total) return;
      this.lastLine = now;
      const all = [...this.state].map(([a, t]) => `[${a}] ${t}`).join('  |  ');
      this.io.err(`\r\x1b[K${all.slice(0, (process.stderr.columns || 160) - 1)}`);
    } else if (p.done >= p.total && this.printed.get(alias) !== text) {
      this.printed.set(alias, text);
      this.io.err(`[${alias}] ${text}\n`);
    }
  }

  private line(alias: string, text: string): void {
    this.io.err(`${this.io.isTTY ? '\r\x1b[K' : ''}[${alias}] ${text}\n`);
  }
}

const giga = (m: number | null) => (m === null ? '-' : (m / 1e9).toFixed(4));
const ratio = (r: number | null) => (r === null ? '-' : r.toFixed(2));

function table(results: ProfileResult[]): string {
  const gap = macsVersusLatency(results);
  const head = ['host', 'variant', 'mean ms', 'p50', 'p90', 'p99', 'qps', 'power W', 'mJ/inf', 'GMACs', 'MACs x', 'latency x'];
  let k = 0;
  const body = results.flatMap((r) =>
    r.variants.map((v) => {
      const g = gap[k++];
      return [
        r.host.alias,
        v.id,
        v.latencyMs.mean.toFixed(3),
        v.latencyMs.p50.toFixed(3),
        v.latencyMs.p90.toFixed(3),
        v.latencyMs.p99.toFixed(3),
        v.throughputQps.toFixed(1),
        v.power ? (v.power.totalMw / 1000).toFixed(2) : '-',
        v.power ? v.power.energyPerInferenceMj.toFixed(2) : '-',
        giga(g.macs),
        ratio(g.macsRatio),
        ratio(g.latencyRatio),
      ];
    }),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const refs = [...new Set(gap.map((g) => g.reference))];
  const lines = [fmt(head), ...body.map(fmt), '', `MACs x, latency x: relative to '${refs.join("' / '")}' on the same host (lower is better; GMACs per sample, mask-aware).`];
  if (gap.some((g) => g.macsRatio !== null && g.macsRatio < 0.9)) lines.push(DENSE_RUNTIME_NOTE);
  return lines.join('\n') + '\n';
}

export const profileCommand: CliCommand = {
  name: 'profile',
  summary: 'latency, power and energy of a checkpoint on Jetson devices over SSH',
  help: HELP,
  async run(args, io, signal) {
    const p = parseCommandArgs('profile', args, PROFILE_FLAGS);
    const values = {
      host: p.strings('host'),
      samples: p.string('samples'),
      variant: p.strings('variant'),
      variants: p.string('variants'),
      'compare-with': p.strings('compare-with'),
      providers: p.string('providers'),
      'hosts-file': p.string('hosts-file'),
      'known-hosts': p.string('known-hosts'),
      json: p.string('json'),
      workspace: p.string('workspace') ?? '.',
      runner: p.string('runner'),
    };
    const positionals = p.positionals;
    const checkpoint = positionals[0];
    if (!checkpoint) throw new CliError('profile: give a checkpoint (.onnx)', 2);
    if (positionals.length > 1) throw new CliError(`profile: expected one checkpoint, found ${positionals.map((a) => `'${a}'`).join(' ')}`, 2);
    if (!existsSync(checkpoint)) throw new CliError(`${checkpoint}: no such file`, 2);
    if (!values.host?.length) throw new CliError('profile: --host <alias> is required', 2);
    const backend = choice<ProfileBackend>('backend', p.string('backend'), PROFILE_BACKENDS, PROFILE_DEFAULTS.backend);
    const iterations = intValue('iterations', p.string('iterations'), ITERATIONS, PROFILE_DEFAULTS.iterations);
    const warmup = intValue('warmup', p.string('warmup'), WARMUP, PROFILE_DEFAULTS.warmup);
    const connectTimeoutMs = intValue('connect-timeout', p.string('connect-timeout'), CONNECT_TIMEOUT_MS);
    const perSample = intValue('per-sample', p.string('per-sample'), PER_SAMPLE, PROFILE_DEFAULTS.perSample);
    const outputs = await checkOutputs(values.json ? [fileOutput('--json', values.json)] : []);
    if (p.string('layer-rounds') !== undefined && !p.flag('layers')) throw new CliError('--layer-rounds applies with --layers', 2);
    const layerRounds = intValue('layer-rounds', p.string('layer-rounds'), { min: 1, max: 1000 }, LAYER_ROUNDS);
    const sparse = profileSparsePlan(p.string('sparse-plan'), p.string('calibrate-rounds'), values.variants, backend);
    const inputs = [checkpoint, values.samples, values['hosts-file'], values['known-hosts'], values.runner, sparse?.kind === 'file' ? sparse.file : undefined, ...(values['compare-with'] ?? [])];
    await refuseOutputsOverInputs(outputs, inputs.filter((f): f is string => Boolean(f)).map((f) => ({ role: `input ${f}`, path: f })));
    if (values.samples && !existsSync(values.samples)) throw new CliError(`--samples ${values.samples}: no such file`, 2);
    let hostsSettings: ReturnType<typeof validateHostSettings> = [];
    if (values['hosts-file']) {
      const file = values['hosts-file'];
      try {
        hostsSettings = validateHostSettings(JSON.parse(await fs.readFile(file, 'utf8')), file);
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message}`, 2);
      }
    }
    let kinds: VariantKind[] | undefined;
    if (values.variants !== undefined) {
      kinds = values.variants.split(',').map((k) => k.trim()).filter(Boolean) as VariantKind[];
      const bad = kinds.find((k) => !SELECTABLE_VARIANT_KINDS.includes(k));
      if (bad || kinds.length === 0) throw new CliError(`--variants: expected a comma-separated subset of ${VARIANT_KINDS.join(',')}, found '${values.variants}' (also accepted: ${SELECTABLE_VARIANT_KINDS.filter((k) => !VARIANT_KINDS.includes(k)).join(',')})`, 2);
    }
    for (const other of values['compare-with'] ?? []) if (!existsSync(other)) throw new CliError(`--compare-with ${other}: no such file`, 2);
    const extra: ProfileVariantInput[] = [];
    for (const spec of values.variant ?? []) {
      const m = /^([A-Za-z0-9_-]+)=(.+)$/.exec(spec);
      if (!m) throw new CliError(`--variant: expected id=file.onnx, found '${spec}'`, 2);
      if (!existsSync(m[2])) throw new CliError(`--variant ${m[1]}: ${m[2]}: no such file`, 2);
      extra.push({ id: m[1], label: path.basename(m[2]), file: m[2], description: `given with --variant ${m[1]}=${m[2]}` });
    }
    if (io.isTTY) io.err('building variants and counting MACs locally\n');
    let plan: Awaited<ReturnType<typeof planProfile>>;
    try {
      plan = await planProfile(checkpoint, { kinds, compareWith: values['compare-with'], samples: values.samples, perSample, sparsePlan: sparse ?? undefined, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new CliError((error as Error).message, 2);
    }
    for (const s of plan.skipped) io.err(`note: ${s.kind} not profiled: ${s.reason}\n`);
    const variants = [...plan.variants, ...extra];
    const dup = variants.find((v, i) => variants.findIndex((w) => w.id === v.id) !== i);
    if (dup) throw new CliError(`--variant ${dup.id}: that id is already used by a built variant`, 2);
    const hosts = await Promise.all(values.host.map((alias) => resolveAlias(alias, hostsSettings)));
    // Unset known_hosts and time-out fall back to the host's ~/.ssh/config entries
    // (UserKnownHostsFile, ConnectTimeout), then the defaults; prompts exist only on a terminal,
    // so a key that needs a passphrase is named as such when there is none.
    const connection: Omit<ConnectOptions, 'signal'> = {
      knownHostsFiles: values['known-hosts'] ? [values['known-hosts']] : undefined,
      connectTimeoutMs,
      ...(process.stdin.isTTY ? terminalPrompts(io) : {}),
      log: io.isTTY ? (l) => io.err(`  ${l}\n`) : undefined,
    };
    const runnerScript = values.runner ?? shippedRunner(backend, __dirname);
    const progress = new HostProgress(io, values.host);
    const settled = await profileOnDevices(hosts, {
      connection,
      checkpoint,
      variants,
      samples: { bytes: plan.samples.bytes, name: plan.samples.name },
      backend,
      warmup,
      iterations,
      perSample,
      runnerScript,
      providers: values.providers?.split(',').filter(Boolean),
      reference: plan.reference,
      profileLayers: p.flag('layers'),
      layerRounds,
      signal,
      onEvent: (e, alias) => progress.event(e, alias),
    }, plan);
    if (io.isTTY) io.err('\n');
    signal.throwIfAborted();
    const ok = settled.filter((s) => s.result).map((s) => s.result!);
    for (const s of settled) if (s.error) io.err(`[${s.alias}] failed: ${s.error.message}\n`);
    for (const r of ok) {
      const folder = await saveProfileRun(values.workspace!, r, ['profile', checkpoint, ...args.slice(1)]);
      io.err(`[${r.host.alias}] saved ${folder}\n`);
      for (const v of r.variants) {
        if (v.outputsCheck) io.err(`[${r.host.alias}] ${v.id}: outputs vs ${v.outputsCheck.reference === 'engine' ? "the engine's run of the same variant" : 'a local run of the same model'}: max |diff| ${v.outputsCheck.maxAbsDiff.toExponential(2)} on ${v.outputsCheck.samples} samples\n`);
      }
    }
    if (ok.length) io.out(table(ok));
    for (const r of ok) for (const v of r.variants) if (v.sparsePlan) io.out(`\n[${r.host.alias}] ${v.id}: ${sparsePlanText(v.sparsePlan)}`);
    if (ok.length && p.flag('layers')) io.out(`\n${await profileLayersText(checkpoint, variants, ok)}\n${predictionText(ok)}`);
    if (values.json && ok.length) {
      await writeFileAtomic(values.json, JSON.stringify(ok, null, 1));
      io.err(`wrote ${values.json}\n`);
    } else if (values.json) io.err(`${values.json} not written: no host was profiled\n`);
    return ok.length === settled.length ? 0 : 1;
  },
};
