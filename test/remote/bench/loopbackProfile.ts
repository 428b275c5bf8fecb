/**
 * `npm run bench:remote`: the shipped CLI (dist/cli.js) profiles the bundled
 * Dyna-Pruner checkpoint, its dense mode and static-L1 variants and
 * simvp_dense.onnx on a loopback OpenSSH sshd standing in for an Orin
 * (fixture tegrastats, real onnxruntime-node runner over SSH). Dense mode,
 * measured in the same run, is the baseline: the CLI's table prints each
 * variant's MAC ratio next to its latency ratio. Also prints the CLI's peak
 * memory (GNU time). Needs `npm run build` first.
 *   npm run bench:remote -- [--iterations N] [--checkpoint file.onnx]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fixtureDeviceRoot, repoRoot, startSshd } from '../helpers/sshdTestEnv';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200' }, checkpoint: { type: 'string' } } });
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  if (!existsSync(cli) || !existsSync(path.join(repoRoot, 'dist', 'remoteRunner.js'))) throw new Error('dist/cli.js or dist/remoteRunner.js missing: run `npm run build` first');
  const checkpoint = values.checkpoint ?? path.join(repoRoot, 'demo', 'checkpoints', 'simvp_dynapruner.onnx');
  if (!existsSync(checkpoint)) throw new Error(`${checkpoint}: not found (give --checkpoint)`);
  const dense = path.join(repoRoot, 'demo', 'checkpoints', 'simvp_dense.onnx');
  const env = await startSshd();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dynapruner-bench-remote-'));
  try {
    const hostsFile = path.join(dir, 'hosts.json');
    writeFileSync(hostsFile, JSON.stringify([{ alias: 'loopback-orin', hostName: '127.0.0.1', port: env.port, user: env.user, identityFiles: [env.userKey], deviceRoot: fixtureDeviceRoot, workDir: path.join(dir, 'work'), ortModulePath: path.join(repoRoot, 'node_modules', 'onnxruntime-node'), tegrastatsIntervalMs: 100 }]));
    const args = [cli, 'profile', checkpoint, '--host', 'loopback-orin', '--hosts-file', hostsFile, '--known-hosts', env.knownHostsFile, '--iterations', values.iterations!, '--warmup', '10', '--workspace', dir, '--json', path.join(dir, 'out.json')];
    if (existsSync(dense) && !values.checkpoint) args.push('--compare-with', dense);
    console.log(`$ dynapruner ${args.slice(1).map((a) => a.replace(dir, '<tmp>')).join(' ')}`);
    const started = Date.now();
    const r = spawnSync('/usr/bin/time', ['-f', 'peak RSS of the CLI process: %M KiB', process.execPath, ...args], { encoding: 'utf8', cwd: repoRoot });
    process.stdout.write(r.stdout);
    process.stdout.write(r.stderr.split('\n').filter((l) => /^\[|peak RSS|note:/.test(l)).join('\n') + '\n');
    console.log(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s on ${os.cpus().length} CPUs (load average ${os.loadavg()[0].toFixed(1)})`);
    if (r.status !== 0) throw new Error(`the CLI exited with ${r.status}`);
  } finally {
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
