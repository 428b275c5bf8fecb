// UI benchmark (`npm run bench:ui`, not a test; implementation in scripts/ui/benchUi.ts).
// In Debian's Chromium, with the Masks panel served as the extension serves it
// (same template, CSP, bundles from `npm run build`) and the engine as the
// extension runs it (dist/engineWorker.js), on the bundled Dyna-Pruner SimVP and
// every window of the bundled storm series (split 'all': 57 windows):
//  1. command -> first rendered figure (page load and analysis start together,
//     messages forwarded as they stream), four ways in one run: the previous
//     engine path (checkpoint opened on the calling thread, first chunk of 8),
//     a cold engine worker, a worker started at activation, and a checkpoint
//     already prepared by the Overview; with the page-ready and engine times;
//  2. frame time while scrubbing the sample slider 64 times over the 57 samples
//     (each step waits until all seven maps and the stats show the sample),
//     against a baseline measured in the same run: the previous renderer, the
//     same seven maps as Plotly heatmaps updated with Plotly.react.
// Prints the numbers, the targets (first figure < 1.5 s, scrub < 33 ms/frame),
// the ratios and peak memory. DYNAPRUNER_CHECKPOINTS overrides the checkpoint folder.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'ui', 'benchUi.ts')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
