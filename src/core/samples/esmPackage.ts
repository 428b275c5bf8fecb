/**
 * Loads an ESM-only package (h5wasm, zarrita) from code that may run as
 * CommonJS. Bundles (esbuild) resolve the literal `import()` the caller passes
 * and include the package; under tsx's CommonJS transform (tests, scripts)
 * that bare import cannot be resolved, so the package's entry file is found
 * in the nearest node_modules and imported by file URL.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Runs `load`; if the bare specifier cannot be resolved, imports `<node_modules>/<pkg>/<entry>` instead. */
export async function importEsm<T>(load: () => Promise<T>, pkg: string, entry: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const file = locate(pkg, entry);
    if (!file) throw error;
    return (await import(pathToFileURL(file).href)) as T;
  }
}

/** `<dir>/node_modules/<pkg>/<entry>` for the nearest folder above this file (or the working folder) that has it. */
function locate(pkg: string, entry: string): string | undefined {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', pkg, entry);
      if (existsSync(candidate)) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}
