/** Locates and reads the plotly.js strict bundle (no eval) that the report inlines. */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const FILE = 'plotly-strict.min.js';

/** The text of plotly.js-strict-dist-min, from node_modules (or `DYNAPRUNER_PLOTLY` when set). */
export function loadPlotlySource(): string {
  return readFileSync(plotlyFile(), 'utf8');
}

/** {@link loadPlotlySource} without blocking the thread (the extension host). */
export async function readPlotlySource(): Promise<string> {
  return readFile(plotlyFile(), 'utf8');
}

function plotlyFile(): string {
  const env = process.env.DYNAPRUNER_PLOTLY;
  const candidates: string[] = [];
  if (env) candidates.push(env);
  try {
    candidates.push(require.resolve(`plotly.js-strict-dist-min/${FILE}`));
  } catch {
    // not resolvable from here (bundled): fall back to paths relative to this file
  }
  const here = path.dirname(__filename);
  for (const up of ['..', '../..', '../../..']) candidates.push(path.join(here, up, 'node_modules', 'plotly.js-strict-dist-min', FILE));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`plotly.js-strict-dist-min not found (looked in ${candidates.join(', ')}); run 'npm ci'`);
  return found;
}
