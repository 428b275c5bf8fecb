/**
 * Reads an ONNX model file: decodes the ModelProto (tensor payloads stay views
 * into the file buffer, nothing is copied), checks it is a usable model, and
 * checks every external-data reference (see externalData.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExternalDataStore } from './externalData';
import { ModelFileError } from './modelFileError';
import { decodeModelProto, type ModelProto } from './proto';
import { checkTensors } from './tensorChecks';

export { ModelFileError } from './modelFileError';

/** A decoded model and where it came from. */
export interface LoadedModel {
  /** Absolute path of the .onnx file. */
  file: string;
  /** Its folder (external data paths are relative to it). */
  dir: string;
  /** The decoded ModelProto (raw_data fields are views into `bytes`). */
  proto: ModelProto;
  /** The file's bytes. */
  bytes: Uint8Array;
  /** File size in bytes. */
  sizeBytes: number;
  /** External tensor data, loaded lazily; absent when the model has none or it was not requested. */
  external?: ExternalDataStore;
}

/** Options of readModel. */
export interface ReadModelOptions {
  signal?: AbortSignal;
  /** Check and attach external data (default true). When false, external tensors have no payload. */
  loadExternalData?: boolean;
  /** Largest model (and external-data) file read, in bytes (default DEFAULT_MAX_MODEL_BYTES). */
  maxBytes?: number;
}

/** Default size limit of a model file and of each external-data file: 2 GiB. */
export const DEFAULT_MAX_MODEL_BYTES = 2 * 1024 ** 3;

/** "2.0 GiB" */
function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/**
 * Reads and decodes an ONNX file. Throws ModelFileError (message: file and
 * problem) for a missing path, an empty file, bytes that are not an ONNX model,
 * a truncated model, and bad external-data references.
 */
export async function readModel(file: string, opts: ReadModelOptions = {}): Promise<LoadedModel> {
  const abs = path.resolve(file);
  let size: number;
  try {
    const st = await stat(abs);
    if (st.isDirectory()) throw new ModelFileError(file, 'is a directory, expected an .onnx file');
    size = st.size;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`);
  }
  if (size === 0) throw new ModelFileError(file, 'file is empty, expected an ONNX model');
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  if (size > maxBytes) {
    throw new ModelFileError(file, `file is ${size} bytes (${gib(size)}), over the ${maxBytes}-byte (${gib(maxBytes)}) limit for a model file`);
  }
  const bytes = await readFile(abs, { signal: opts.signal });
  const proto = decodeModel(file, bytes);
  const model: LoadedModel = { file: abs, dir: path.dirname(abs), proto, bytes, sizeBytes: size };
  if (opts.loadExternalData !== false) {
    const store = new ExternalDataStore(file, model.dir, proto, maxBytes);
    if (store.count > 0) model.external = store;
  }
  return model;
}

/**
 * Decodes bytes already in memory as a model (used by readModel and by code that
 * builds models in memory) and checks its stored tensors (tensorChecks.ts).
 * `file` is used in error messages only.
 */
export function decodeModel(file: string, bytes: Uint8Array): ModelProto {
  let proto: ModelProto;
  try {
    proto = decodeModelProto(bytes);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    const truncated = /index out of range/i.test(msg);
    throw new ModelFileError(
      file,
      truncated
        ? `not a complete ONNX model (truncated: protobuf data ends early, ${bytes.length} bytes read)`
        : `not an ONNX model (protobuf decode failed: ${msg})`,
    );
  }
  if (!proto.graph || (proto.graph.node ?? []).length === 0 && (proto.graph.output ?? []).length === 0) {
    throw new ModelFileError(file, 'not an ONNX model (no graph found)');
  }
  if (!proto.ir_version) throw new ModelFileError(file, 'not an ONNX model (ir_version missing)');
  if ((proto.opset_import ?? []).length === 0) {
    throw new ModelFileError(file, 'not a complete ONNX model (opset_import missing: truncated or not ONNX)');
  }
  checkTensors(file, proto);
  return proto;
}
