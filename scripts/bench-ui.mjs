// UI benchmark (`npm run bench:ui`, not a test): in Debian's Chromium, with the
// Masks panel served as the extension serves it and the engine running the
// bundled Dyna-Pruner SimVP on the bundled storm data:
//  1. command -> first rendered figure: panel page load + engine start run
//     concurrently (as the command does), messages forwarded as they stream;
//  2. frame time while scrubbing the sample slider over 64 samples (every
//     step waits until all seven figures re-rendered), against a baseline
//     measured in the same run: the same frames drawn with Plotly.newPlot
//     (full redraw) instead of the panel's Plotly.react updates.
// Prints the numbers, the targets (first figure < 1.5 s, scrub < 33 ms/frame)
// and peak memory. Set DYNAPRUNER_CHECKPOINTS to use other checkpoints.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'ui', 'benchUi.ts')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
