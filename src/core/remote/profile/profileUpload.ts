/**
 * Step "upload" of a profile run: every variant, the samples and the runner
 * go to the device content-addressed (an object already there by sha256 is
 * not sent again); each upload is reported and recorded for the result.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ensureUploaded, type UploadSource, type UploadedObject } from '../device/contentStore';
import type { SshConnection } from '../ssh/sshConnection';
import type { ProfileResult } from '../../schema/profileResult';
import type { EmitEvent, ProfileRequest, ProfileVariantInput } from './profileTypes';

/** A variant as it is on the device. */
export interface RemoteVariant {
  id: string;
  label: string;
  remote: UploadedObject;
  input: ProfileVariantInput;
  /** The ONNX bytes that were sent (for the local outputs reference). */
  bytes: Uint8Array;
}

/** The samples as sent: local bytes, their label for messages, and the device copy. */
export interface RemoteSamples {
  bytes: Uint8Array;
  label: string;
  remote: UploadedObject;
}

/** Everything the measurement needs on the device. */
export interface UploadedInputs {
  variants: RemoteVariant[];
  samples: RemoteSamples;
  runner?: UploadedObject;
  /** One entry per upload, in order, for the result. */
  uploads: ProfileResult['uploads'];
}

async function variantBytes(v: ProfileVariantInput): Promise<Uint8Array> {
  const bytes = v.bytes ?? (v.file ? await fs.readFile(v.file) : undefined);
  if (!bytes) throw new Error(`variant '${v.id}': neither bytes nor file given`);
  return bytes;
}

/** Uploads the variants, then the samples, then the runner (when the backend ships one). */
export async function uploadForProfile(conn: SshConnection, workDir: string, req: ProfileRequest, emit: EmitEvent): Promise<UploadedInputs> {
  emit({ kind: 'stage', message: 'uploading' });
  const uploads: ProfileResult['uploads'] = [];
  const upload = async (src: UploadSource, label: string): Promise<UploadedObject> => {
    const u = await ensureUploaded(conn, workDir, src, req.signal);
    uploads.push({ name: label, sha256: u.sha256, bytes: u.bytes, uploaded: u.uploaded });
    emit({ kind: 'upload', name: label, uploaded: u.uploaded, bytes: u.bytes });
    return u;
  };
  const variants: RemoteVariant[] = [];
  for (const v of req.variants) {
    const bytes = await variantBytes(v);
    const name = v.file ? path.basename(v.file) : `${path.basename(req.checkpoint, '.onnx')}.${v.id}.onnx`;
    variants.push({ id: v.id, label: v.label, remote: await upload({ bytes, name }, name), input: v, bytes });
  }
  const given = req.samples;
  const { bytes, name, label } =
    typeof given === 'string' ? { bytes: await fs.readFile(given), name: path.basename(given), label: given } : { ...given, label: given.name };
  const samples: RemoteSamples = { bytes, label, remote: await upload({ bytes, name }, name) };
  const runner = req.runnerScript ? await upload({ file: req.runnerScript }, path.basename(req.runnerScript)) : undefined;
  return { variants, samples, runner, uploads };
}
