/**
 * What a profile run is asked to do, and how the command asks for it:
 * devices (several at once), backend and timed iterations, defaulting to the
 * profile settings; the samples are found beside the checkpoint or in its
 * contract's data set, else asked for.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { openCheckpoint } from '../../core/checkpoint/checkpoint';
import { PROFILE_BACKENDS } from '../../core/remote/profile/profileDefaults';
import { profileSamples } from '../../core/remote/profile/profileSamples';
import type { ProfileBackend, ProfileResult } from '../../core/schema/profileResult';
import { profileDefaults } from './remoteSettings';

/** A profile request, as the panel's Re-run needs it again. */
export interface ProfileRequestSpec {
  checkpoint: string;
  /** Explicit inputs; absent: <checkpoint>.inputs.npy or the contract's data set. */
  samples?: string;
  aliases: string[];
  backend: ProfileBackend;
  warmup: number;
  iterations: number;
  perSample: number;
}

const BACKEND_TITLES: Record<ProfileBackend, string> = { node: 'onnxruntime-node', ort: 'Python onnxruntime', trtexec: 'TensorRT trtexec' };

async function askBackend(preferred: ProfileBackend): Promise<ProfileBackend | undefined> {
  const order = [preferred, ...PROFILE_BACKENDS.filter((b) => b !== preferred)];
  const picked = await vscode.window.showQuickPick(
    order.map((b) => ({ label: b, description: BACKEND_TITLES[b] + (b === preferred ? ' (setting dynapruner.remote.profile.backend)' : '') })),
    { title: vscode.l10n.t('Backend: onnxruntime-node, Python onnxruntime, or TensorRT trtexec') },
  );
  return picked?.label as ProfileBackend | undefined;
}

async function askSamples(checkpoint: string): Promise<{ file?: string } | undefined> {
  try {
    await profileSamples(checkpoint, await openCheckpoint(checkpoint).catch(() => null), { maxSamples: 1 });
    return {};
  } catch {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { NumPy: ['npy'] }, title: vscode.l10n.t('Float32 inputs [S, T_in, C, H, W]') });
    return chosen?.[0] ? { file: chosen[0].fsPath } : undefined;
  }
}

/** Asks for the devices, backend and iterations of a run of `checkpoint`; undefined when the user cancels. */
export async function askProfileRequest(checkpoint: string, aliases: string[]): Promise<ProfileRequestSpec | undefined> {
  const defaults = profileDefaults();
  const picked = await vscode.window.showQuickPick(aliases, { canPickMany: true, title: vscode.l10n.t('Devices to profile on (several run at once)') });
  if (!picked?.length) return undefined;
  const backend = await askBackend(defaults.backend);
  if (!backend) return undefined;
  const iterText = await vscode.window.showInputBox({
    title: vscode.l10n.t('Timed iterations'),
    value: String(defaults.iterations),
    prompt: vscode.l10n.t('Per variant, after {0} warm-up inferences (settings dynapruner.remote.profile.*)', defaults.warmup),
    validateInput: (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'a positive integer'),
  });
  if (!iterText) return undefined;
  const samples = await askSamples(checkpoint);
  if (!samples) return undefined;
  return { checkpoint, samples: samples.file, aliases: picked, backend, warmup: defaults.warmup, iterations: Number(iterText), perSample: defaults.perSample };
}

/** The request that made a saved run, or undefined when its checkpoint is gone. */
export function requestOfSavedRun(r: ProfileResult): ProfileRequestSpec | undefined {
  if (!existsSync(r.checkpoint.path)) return undefined;
  const { warmup, iterations, perSample } = r.settings;
  return { checkpoint: r.checkpoint.path, aliases: [r.host.alias], backend: r.backend, warmup, iterations, perSample };
}
