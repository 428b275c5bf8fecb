/**
 * Step "probe" of a profile run: what the device is and has, its work
 * folder resolved against the remote home, and a clear error when the
 * chosen backend cannot run there.
 */
import { probeDevice, type DeviceFacts } from '../device/deviceProbe';
import { RemoteError } from '../errors';
import type { SshConnection } from '../ssh/sshConnection';
import type { MeasureBackend } from './backends/measureBackend';
import type { EmitEvent, ProfileRequest } from './profileTypes';

/** The probed facts and the absolute remote work folder. */
export interface ProbedDevice {
  facts: DeviceFacts;
  workDir: string;
}

/** Probes the device and checks that `backend` can run on it. */
export async function probeForProfile(conn: SshConnection, req: ProfileRequest, backend: MeasureBackend, emit: EmitEvent): Promise<ProbedDevice> {
  emit({ kind: 'stage', message: 'probing the device' });
  const facts = await probeDevice(conn, req.host.device, req.signal);
  emit({ kind: 'probe', facts });
  const workDir = req.host.device.workDir.replace(/^~(?=\/|$)/, facts.home);
  if (!workDir.startsWith('/')) throw new Error(`remote work folder '${workDir}' is not absolute (remote $HOME is '${facts.home}')`);
  const missing = backend.missing(facts);
  if (missing) throw new RemoteError(missing);
  return { facts, workDir };
}
