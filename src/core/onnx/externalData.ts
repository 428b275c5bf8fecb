/**
 * External tensor data (`data_location = EXTERNAL`): path checks and lazy loading.
 *
 * A tensor's `external_data` entries name `location` (a path relative to the
 * model's folder), `offset` and `length`. Locations are refused when absolute,
 * when they contain a `..` segment, or when their real path (symlinks resolved)
 * leaves the model's folder. Files are read once, on first use, and tensors get
 * views into that buffer.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ModelFileError } from './modelFileError';
import type { ModelProto, TensorProto } from './proto';
import { allTensors, isExternal } from './tensorWalk';
import { checkedElementCount, dataTypeSize } from './tensorChecks';

export { EXTERNAL, allTensors, isExternal } from './tensorWalk';

/** Where one external tensor's bytes are. */
export interface ExternalRef {
  /** Absolute, symlink-resolved path of the data file (inside the model folder). */
  file: string;
  offset: number;
  /** Byte count; undefined means "to the end of the file". */
  length: number | undefined;
}

/** Reads a tensor's `external_data` key/value list. */
function entries(tensor: TensorProto): Map<string, string> {
  return new Map((tensor.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
}

/**
 * Resolves and checks one external tensor reference against the model folder.
 * Throws ModelFileError (naming the model file, the tensor and the location).
 */
export function resolveExternal(modelFile: string, modelDir: string, tensor: TensorProto, maxBytes = Infinity): ExternalRef {
  const kv = entries(tensor);
  const location = kv.get('location');
  const what = `tensor '${tensor.name ?? ''}'`;
  if (!location) throw new ModelFileError(modelFile, `${what} has external data without a 'location' key`);
  if (path.isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location)) {
    throw new ModelFileError(modelFile, `${what}: external data location '${location}' is an absolute path (only paths inside the model's folder are allowed)`);
  }
  if (location.split(/[\\/]/).includes('..')) {
    throw new ModelFileError(modelFile, `${what}: external data location '${location}' leaves the model's folder ('..' is not allowed)`);
  }
  const realDir = realpathSync(modelDir);
  const joined = path.resolve(realDir, location);
  let real: string;
  try {
    real = realpathSync(joined);
  } catch {
    throw new ModelFileError(modelFile, `${what}: external data file '${location}' does not exist`);
  }
  if (real !== realDir && !real.startsWith(realDir + path.sep)) {
    throw new ModelFileError(modelFile, `${what}: external data location '${location}' resolves to '${real}', outside the model's folder`);
  }
  const size = statSync(real).size;
  const offset = parseIntEntry(modelFile, what, kv, 'offset') ?? 0;
  const length = parseIntEntry(modelFile, what, kv, 'length');
  if (offset > size || (length !== undefined && offset + length > size)) {
    throw new ModelFileError(
      modelFile,
      `${what}: external data range offset=${offset} length=${length ?? 'rest'} is beyond the size of '${location}' (${size} bytes)`,
    );
  }
  if (size > maxBytes) {
    throw new ModelFileError(modelFile, `${what}: external data file '${location}' is ${size} bytes, over the ${maxBytes}-byte limit`);
  }
  checkExternalLength(modelFile, tensor, length ?? size - offset);
  return { file: real, offset, length };
}

/** The external byte range must hold exactly the declared elements (fixed-size types). */
function checkExternalLength(modelFile: string, tensor: TensorProto, bytes: number): void {
  const size = dataTypeSize(tensor.data_type ?? 0);
  if (size === 0) return;
  const expected = checkedElementCount(modelFile, tensor) * size;
  if (bytes !== expected) {
    throw new ModelFileError(
      modelFile,
      `tensor '${tensor.name ?? ''}' dims [${(tensor.dims ?? []).map(Number).join(',')}]: external data range holds ${bytes} bytes, expected ${expected}`,
    );
  }
}

function parseIntEntry(modelFile: string, what: string, kv: Map<string, string>, key: string): number | undefined {
  const v = kv.get(key);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ModelFileError(modelFile, `${what}: external data '${key}' is '${v}', expected a non-negative integer`);
  return n;
}

/**
 * Lazily loaded external data of one model: checks every reference up front
 * (cheap: stat only) and reads each data file once, on first use.
 */
export class ExternalDataStore {
  private readonly refs = new Map<TensorProto, ExternalRef>();
  private readonly files = new Map<string, Buffer>();

  /** `maxBytes`: largest external-data file accepted. */
  constructor(modelFile: string, modelDir: string, proto: ModelProto, maxBytes = Infinity) {
    for (const t of allTensors(proto.graph)) {
      if (isExternal(t)) this.refs.set(t, resolveExternal(modelFile, modelDir, t, maxBytes));
    }
  }

  /** Number of tensors stored externally. */
  get count(): number {
    return this.refs.size;
  }

  /** The tensor's payload bytes (a view into the cached data file). */
  bytes(tensor: TensorProto): Uint8Array {
    const ref = this.refs.get(tensor);
    if (!ref) throw new Error(`tensor '${tensor.name ?? ''}' is not an external tensor of this model`);
    let buf = this.files.get(ref.file);
    if (!buf) {
      buf = readFileSync(ref.file);
      this.files.set(ref.file, buf);
    }
    const end = ref.length === undefined ? buf.length : ref.offset + ref.length;
    return buf.subarray(ref.offset, end);
  }
}
