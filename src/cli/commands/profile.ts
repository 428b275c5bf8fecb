/**
 * `dynapruner profile <ckpt> --host <alias> [--host <alias> ...] [--backend ort|trtexec|node]
 *  [--iterations N] [--json out]`: latency, power and energy of a checkpoint on
 * Jetson devices over SSH, saved under .dynapruner/runs/.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { CliError, type CliCommand, type CliIO } from '../command';
import type { ConnectOptions } from '../../core/remote/sshConnection';
import { profileOnDevices, type ProfileEvent, type ProfileVariantInput } from '../../core/remote/profileRun';
import type { ProfileBackend, ProfileResult } from '../../core/remote/profileResult';
import { compareProfiles, saveProfileRun } from '../../core/remote/runStore';
import { defaultKnownHostsFiles, resolveAlias, shippedRunner, validateHostSettings } from '../../core/remote/remoteEnvironment';

const HELP = `Usage: dynapruner profile <checkpoint.onnx> --host <alias> [options]

Profiles a checkpoint on one or more Jetson devices over SSH: warm-up, N timed
inferences, per-sample inference on the samples, tegrastats power per rail
and energy per inference. Results go to .dynapruner/runs/<id>/profile.json.

Options:
  --host <alias>          ~/.ssh/config Host alias or an entry of --hosts-file (repeat for several devices at once)
  --backend <b>           node (onnxruntime-node, default), ort (Python onnxruntime), trtexec (TensorRT)
  --iterations <N>        timed inferences per variant (default 100)
  --warmup <N>            untimed inferences first (default 10)
  --samples <file.npy>    float32 inputs [S, T_in, C, H, W] (default <checkpoint>.inputs.npy)
  --variant <id=file>     also profile another ONNX file, e.g. --variant dense=simvp_dense_mode.onnx (repeatable)
  --providers <list>      execution providers for node/ort runners, e.g. tensorrt,cuda,cpu (default cpu)
  --hosts-file <json>     JSON array of host entries (same shape as the setting dynapruner.remote.hosts)
  --known-hosts <file>    known_hosts to verify against and record into (default ~/.ssh/known_hosts)
  --connect-timeout <ms>  (default 10000)
  --json <out>            also write the results (array, one per host) to this file
  --workspace <dir>       where .dynapruner/runs lives (default: current folder)
  --runner <file>         runner to ship instead of the bundled one (dist/remoteRunner.js or ort_runner.py)

Host keys are verified against known_hosts; a changed key is refused. An unknown key,
a key passphrase or a password is asked for on the terminal (never stored by the CLI).
`;

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

function describe(io: CliIO, e: ProfileEvent, alias: string): void {
  if (!io.isTTY) return;
  if (e.kind === 'stage') io.err(`[${alias}] ${e.message}\n`);
  if (e.kind === 'upload') io.err(`[${alias}] ${e.uploaded ? 'uploaded' : 'already on device (same sha256)'}: ${e.name}\n`);
  if (e.kind === 'probe') for (const m of e.facts.missing) io.err(`[${alias}] missing ${m.what}: ${m.install}\n`);
}

function table(results: ProfileResult[]): string {
  const rows = compareProfiles(results);
  const head = ['host', 'variant', 'mean ms', 'p50', 'p90', 'p99', 'qps', 'power W', 'mJ/inf'];
  const body = results.flatMap((r) =>
    r.variants.map((v) => [
      r.host.alias,
      v.id,
      v.latencyMs.mean.toFixed(3),
      v.latencyMs.p50.toFixed(3),
      v.latencyMs.p90.toFixed(3),
      v.latencyMs.p99.toFixed(3),
      v.throughputQps.toFixed(1),
      v.power ? (v.power.totalMw / 1000).toFixed(2) : '-',
      v.power ? v.power.energyPerInferenceMj.toFixed(2) : '-',
    ]),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  const lines = [fmt(head), ...body.map(fmt)];
  if (rows.some((r) => r.relativeToFirst !== 1)) {
    lines.push('', ...rows.filter((r) => r.relativeToFirst !== 1).map((r) => `${r.host}: ${r.variant} runs at ${(1 / r.relativeToFirst).toFixed(2)}x the speed of ${results.find((x) => x.host.alias === r.host)!.variants[0].id}`));
  }
  return lines.join('\n') + '\n';
}

export const profileCommand: CliCommand = {
  name: 'profile',
  summary: 'latency, power and energy of a checkpoint on Jetson devices over SSH',
  help: HELP,
  async run(args, io, signal) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        host: { type: 'string', multiple: true },
        backend: { type: 'string', default: 'node' },
        iterations: { type: 'string', default: '100' },
        warmup: { type: 'string', default: '10' },
        samples: { type: 'string' },
        variant: { type: 'string', multiple: true },
        providers: { type: 'string' },
        'hosts-file': { type: 'string' },
        'known-hosts': { type: 'string' },
        'connect-timeout': { type: 'string', default: '10000' },
        json: { type: 'string' },
        workspace: { type: 'string', default: '.' },
        runner: { type: 'string' },
      },
    });
    const checkpoint = positionals[0];
    if (!checkpoint) throw new CliError('profile: give a checkpoint (.onnx)', 2);
    if (!existsSync(checkpoint)) throw new CliError(`${checkpoint}: no such file`, 2);
    if (!values.host?.length) throw new CliError('profile: --host <alias> is required', 2);
    const backend = values.backend as ProfileBackend;
    if (!['node', 'ort', 'trtexec'].includes(backend)) throw new CliError(`--backend: expected node, ort or trtexec, found '${values.backend}'`, 2);
    const int = (name: string, v: string, min: number) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected an integer >= ${min}, found '${v}'`, 2);
      return n;
    };
    const iterations = int('iterations', values.iterations!, 1);
    const warmup = int('warmup', values.warmup!, 0);
    const connectTimeoutMs = int('connect-timeout', values['connect-timeout']!, 100);
    const samples = values.samples ?? checkpoint.replace(/\.onnx$/, '') + '.inputs.npy';
    if (!existsSync(samples)) throw new CliError(`${samples}: no samples file (give --samples <inputs.npy>)`, 2);
    let hostsSettings: ReturnType<typeof validateHostSettings> = [];
    if (values['hosts-file']) {
      const file = values['hosts-file'];
      try {
        hostsSettings = validateHostSettings(JSON.parse(await fs.readFile(file, 'utf8')), file);
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message}`, 2);
      }
    }
    const variants: ProfileVariantInput[] = [{ id: 'dynapruner', label: path.basename(checkpoint), file: checkpoint }];
    for (const spec of values.variant ?? []) {
      const m = /^([A-Za-z0-9_-]+)=(.+)$/.exec(spec);
      if (!m) throw new CliError(`--variant: expected id=file.onnx, found '${spec}'`, 2);
      if (!existsSync(m[2])) throw new CliError(`--variant ${m[1]}: ${m[2]}: no such file`, 2);
      variants.push({ id: m[1], label: path.basename(m[2]), file: m[2] });
    }
    const hosts = await Promise.all(values.host.map((alias) => resolveAlias(alias, hostsSettings)));
    const connection: Omit<ConnectOptions, 'signal'> = {
      knownHostsFiles: values['known-hosts'] ? [values['known-hosts']] : defaultKnownHostsFiles(),
      connectTimeoutMs,
      confirmHostKey: async (p) =>
        /^y(es)?$/i.test(
          (await ask(io, `The authenticity of host '${p.host}' can't be established.\n${p.keyType} key fingerprint is ${p.fingerprint}.\nTrust it and record it in known_hosts (yes/no)? `, false)) ?? '',
        ),
      askPassphrase: (file, retry) => ask(io, `${retry ? 'Wrong passphrase. ' : ''}Passphrase for ${file}: `, true),
      askPassword: (target) => ask(io, `Password for ${target}: `, true),
      log: io.isTTY ? (l) => io.err(`  ${l}\n`) : undefined,
    };
    const runnerScript = values.runner ?? shippedRunner(backend, __dirname);
    const settled = await profileOnDevices(hosts, {
      connection,
      checkpoint,
      variants,
      samples,
      backend,
      warmup,
      iterations,
      runnerScript,
      providers: values.providers?.split(',').filter(Boolean),
      signal,
      onEvent: (e) => describe(io, e, values.host!.length === 1 ? values.host![0] : 'devices'),
    });
    signal.throwIfAborted();
    const ok = settled.filter((s) => s.result).map((s) => s.result!);
    for (const s of settled) if (s.error) io.err(`[${s.alias}] failed: ${s.error.message}\n`);
    for (const r of ok) {
      const folder = await saveProfileRun(values.workspace!, r, ['profile', checkpoint, ...args.slice(1)]);
      io.err(`[${r.host.alias}] saved ${folder}\n`);
      for (const v of r.variants) if (v.outputsCheck) io.err(`[${r.host.alias}] ${v.id}: outputs vs local run max |diff| ${v.outputsCheck.maxAbsDiff.toExponential(2)} on ${v.outputsCheck.samples} samples\n`);
    }
    if (ok.length) io.out(table(ok));
    if (values.json) await fs.writeFile(values.json, JSON.stringify(ok, null, 1));
    return ok.length === settled.length ? 0 : 1;
  },
};
