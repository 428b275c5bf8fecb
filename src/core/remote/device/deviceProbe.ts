/**
 * Device probe: board model, L4T / JetPack, power mode, clocks, CPU, memory
 * and the runtimes present (tegrastats, trtexec, Python onnxruntime with its
 * providers, node and onnxruntime-node). One constant shell script runs with
 * the paths as positional arguments; missing pieces come back with what to
 * install, never as a crash.
 */
import type { DeviceOptions } from '../ssh/hostConfig';
import { joinCommand } from '../ssh/shellQuote';
import type { SshConnection } from '../ssh/sshConnection';

/** Something the device lacks, with the fix. */
export interface MissingPiece {
  what: string;
  /** What to run or install on the device. */
  install: string;
}

/** What the probe found. */
export interface DeviceFacts {
  /** `/proc/device-tree/model`, e.g. `NVIDIA Jetson AGX Orin Developer Kit`; null off-Jetson. */
  model: string | null;
  /** `R35.4.1` from `/etc/nv_tegra_release`. */
  l4t: string | null;
  /** JetPack release that ships this L4T, when known. */
  jetpack: string | null;
  /** `nvpmodel -q` mode name (e.g. `MAXN`) and id. */
  powerMode: { name: string; id: number | null } | null;
  /** `jetson_clocks --show` output, null when it needs a password (sudo). */
  clocks: string | null;
  kernel: string;
  cpuCount: number | null;
  memTotalMB: number | null;
  home: string;
  runtimes: {
    tegrastats: string | null;
    trtexec: string | null;
    pythonOrt: { version: string; providers: string[] } | null;
    node: string | null;
    nodeOrt: string | null;
  };
  missing: MissingPiece[];
}

/** L4T release -> JetPack (NVIDIA's release notes). */
const JETPACK: Record<string, string> = {
  'R32.7.1': '4.6.1', 'R32.7.2': '4.6.2', 'R32.7.3': '4.6.3', 'R32.7.4': '4.6.4', 'R32.7.5': '4.6.5',
  'R34.1.0': '5.0 DP', 'R34.1.1': '5.0.1 DP', 'R35.1.0': '5.0.2', 'R35.2.1': '5.1', 'R35.3.1': '5.1.1',
  'R35.4.1': '5.1.2', 'R35.5.0': '5.1.3', 'R35.6.0': '5.1.4', 'R36.2.0': '6.0 DP', 'R36.3.0': '6.0',
  'R36.4.0': '6.1', 'R36.4.3': '6.2', 'R36.4.4': '6.2.1',
};

/** Constant probe script; $1 device root, $2 python, $3 node, $4 onnxruntime-node module, $5 trtexec. */
const PROBE_SCRIPT = `
root="$1"; py="$2"; nd="$3"; ortm="$4"; trt="$5"
s() { printf '\\n@@%s\\n' "$1"; }
s model; tr -d '\\000' < "$root/proc/device-tree/model" 2>/dev/null
s l4t; head -n 1 "$root/etc/nv_tegra_release" 2>/dev/null
s nvpmodel; nvpmodel -q 2>/dev/null
s clocks; sudo -n jetson_clocks --show 2>/dev/null | head -n 60
s kernel; uname -srm
s cpus; nproc 2>/dev/null
s mem; grep -E '^MemTotal:' /proc/meminfo 2>/dev/null
s home; printf '%s' "$HOME"
s tegrastats; command -v tegrastats 2>/dev/null
s trtexec; command -v "$trt" 2>/dev/null || { [ -x /usr/src/tensorrt/bin/trtexec ] && echo /usr/src/tensorrt/bin/trtexec; }
s pyort; "$py" -c 'import onnxruntime as o; print(o.__version__); print(",".join(o.get_available_providers()))' 2>/dev/null
s node; "$nd" --version 2>/dev/null
s nodeort; "$nd" -e 'process.stdout.write(require(process.argv[1] + "/package.json").version)' "$ortm" 2>/dev/null
s end
`;

function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/\n@@([a-z0-9]+)\n/);
  for (let i = 1; i < parts.length; i += 2) out.set(parts[i], (parts[i + 1] ?? '').trim());
  return out;
}

/** Parses the probe output (exported for tests). */
export function parseProbeOutput(text: string, device: DeviceOptions): DeviceFacts {
  const sec = sections('\n' + text);
  const get = (k: string) => {
    const v = sec.get(k);
    return v ? v : null;
  };
  const l4tLine = get('l4t');
  const l4tMatch = l4tLine ? /#\s*R(\d+)\s*\(release\),\s*REVISION:\s*([\d.]+)/.exec(l4tLine) : null;
  const l4t = l4tMatch ? `R${l4tMatch[1]}.${l4tMatch[2].split('.').length === 1 ? `${l4tMatch[2]}.0` : l4tMatch[2]}` : null;
  const nvp = get('nvpmodel');
  const modeName = nvp ? /NV Power Mode:\s*(\S+)/.exec(nvp)?.[1] : undefined;
  const modeId = nvp ? /^\s*(\d+)\s*$/m.exec(nvp)?.[1] : undefined;
  const pyort = get('pyort')?.split('\n');
  const mem = get('mem');
  const facts: DeviceFacts = {
    model: get('model'),
    l4t,
    jetpack: l4t ? (JETPACK[l4t] ?? null) : null,
    powerMode: modeName ? { name: modeName, id: modeId ? Number(modeId) : null } : null,
    clocks: get('clocks'),
    kernel: get('kernel') ?? 'unknown',
    cpuCount: get('cpus') ? Number(get('cpus')) : null,
    memTotalMB: mem ? Math.round(Number(/(\d+)/.exec(mem)?.[1] ?? 0) / 1024) : null,
    home: get('home') ?? '',
    runtimes: {
      tegrastats: get('tegrastats'),
      trtexec: get('trtexec'),
      pythonOrt: pyort && pyort.length >= 2 ? { version: pyort[0], providers: pyort[1].split(',').filter(Boolean) } : null,
      node: get('node'),
      nodeOrt: get('nodeort'),
    },
    missing: [],
  };
  const m = facts.missing;
  if (!facts.model) m.push({ what: `board model (${device.deviceRoot.replace(/\/$/, '')}/proc/device-tree/model)`, install: 'not a Jetson, or deviceRoot is wrong; profiling still runs, without Jetson facts' });
  if (!facts.runtimes.tegrastats) m.push({ what: 'tegrastats (power and GPU load)', install: 'part of L4T (nvidia-l4t-tools): sudo apt install nvidia-l4t-tools' });
  if (!facts.powerMode) m.push({ what: 'nvpmodel (power mode)', install: 'part of L4T (nvidia-l4t-nvpmodel); results will not record the power mode' });
  if (!facts.runtimes.trtexec) m.push({ what: 'trtexec (TensorRT backend)', install: 'sudo apt install nvidia-jetpack (TensorRT); trtexec is /usr/src/tensorrt/bin/trtexec' });
  if (!facts.runtimes.pythonOrt) m.push({ what: 'Python onnxruntime (ort backend)', install: 'pip3 install onnxruntime-gpu from the Jetson Zoo wheel matching your JetPack, plus numpy' });
  if (!facts.runtimes.node) m.push({ what: 'node (Node runner)', install: 'Node.js 20 for arm64 (nodejs.org binaries or NodeSource), then set the host\'s nodePath' });
  else if (!facts.runtimes.nodeOrt) m.push({ what: 'onnxruntime-node (Node runner)', install: `npm install onnxruntime-node in a folder on the device and set ortModulePath (now '${device.ortModulePath}')` });
  return facts;
}

/** Runs the probe over an open connection. */
export async function probeDevice(conn: SshConnection, device: DeviceOptions, signal?: AbortSignal): Promise<DeviceFacts> {
  const args = [device.deviceRoot, device.pythonPath, device.nodePath, device.ortModulePath, device.trtexecPath];
  const r = await conn.exec(`sh -s -- ${joinCommand(args)}`, { stdin: PROBE_SCRIPT, signal });
  return parseProbeOutput(r.stdout, device);
}
