// UI benchmark (`npm run bench:ui`, not a test; implementation in scripts/ui/benchUi.ts).
// In Debian's Chromium, with the Masks panel served as the extension serves it
// (same template, CSP, bundles from `npm run build`) and the engine as the
// extension runs it (dist/engineWorker.js), on the bundled Dyna-Pruner SimVP and
// every window of the bundled storm series (split 'all': 57 windows):
//  1. command -> first rendered figure with a cold engine worker (started by the
//     command; page load and analysis start together, messages forwarded as they
//     stream; the code cache and the checkpoint's clean dense graph written by one
//     earlier start), in paired rounds, order alternating, against the previous cold
//     path measured in the same run (bundle compiled without the code cache, graphs
//     derived, every step after the previous one); medians, the page-ready floor, the engine's
//     step times and its CPU time to the first sample (every thread of this process:
//     less sensitive to load than wall time); then once each: worker started at
//     activation, checkpoint prepared by the Overview;
//  2. frame time while scrubbing the sample slider 64 times over the 57 samples
//     (each step waits until all seven maps and the stats show the sample),
//     against the previous renderer in the same run: the same seven maps as
//     Plotly heatmaps updated with Plotly.react;
//  3. hover read-out on the importance map: per-move cost (handler, read-out
//     text and its layout) over 120 moves, paired per move with the previous
//     renderer's hover (Plotly heatmap, Plotly.Fx.hover at the same cells).
// Prints the numbers, the targets (cold first figure <= 1.0 s, hover < 16 ms per
// move, scrub < 33 ms/frame), the ratios, machine load and peak memory.
// DYNAPRUNER_CHECKPOINTS overrides the checkpoint folder; BENCH_UI_ROUNDS the rounds (5);
// BENCH_UI_BASELINE_WORKER=<dist/engineWorker.js of an earlier commit's build>
// makes the cold rounds' baseline that commit's engine (code cache, overlapped)
// instead of this bundle's previous cold path, e.g.
//   git worktree add /tmp/wt-base <commit> && ln -s "$PWD/node_modules" /tmp/wt-base/
//   (cd /tmp/wt-base && node scripts/build.mjs)
//   BENCH_UI_BASELINE_WORKER=/tmp/wt-base/dist/engineWorker.js npm run bench:ui
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'ui', 'benchUi.ts')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
