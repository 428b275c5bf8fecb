/**
 * Derived graphs kept between engine starts, as V8's code cache keeps the
 * compiled bundle: the clean dense graph of a checkpoint costs a folding pass
 * and two evaluations (about 0.1 s of CPU) on every cold start. One file per
 * graph, `<dir>/<name>-<key>.onnx`, keyed by the checkpoint's sha256 and the
 * build of the engine that derived it (another build derives it again),
 * written atomically and ending with the sha256 of its bytes: an entry that is
 * missing, truncated or altered reads as absent and is derived again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A store of derived graphs. */
export interface GraphCache {
  /** The graph `name` derived from the checkpoint with this sha256, or null. */
  get(name: string, sha256: string): Uint8Array | null;
  /** Stores it (a failure to write is ignored: it is a cache). */
  put(name: string, sha256: string, bytes: Uint8Array): void;
}

const DIGEST = 32;

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** A {@link GraphCache} in `dir` for the engine build `build` (e.g. its bundle's size and mtime). */
export function diskGraphCache(dir: string, build: string): GraphCache {
  const file = (name: string, sha256: string) => path.join(dir, `${name}-${createHash('sha256').update(`${sha256}\n${build}`).digest('hex').slice(0, 32)}.onnx`);
  return {
    get(name, sha256) {
      let stored: Buffer;
      try {
        stored = readFileSync(file(name, sha256));
      } catch {
        return null;
      }
      if (stored.length <= DIGEST) return null;
      const bytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.length - DIGEST);
      return digest(bytes).equals(stored.subarray(stored.length - DIGEST)) ? bytes : null;
    },
    put(name, sha256, bytes) {
      const target = file(name, sha256);
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(tmp, Buffer.concat([bytes, digest(bytes)]));
        renameSync(tmp, target);
      } catch {
        // read-only or full temp folder: derive again next time
      }
    },
  };
}
