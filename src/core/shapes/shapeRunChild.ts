/**
 * Child process of a budgeted shape run (budgetedRun.ts): receives one
 * ShapeRunRequest over IPC, runs it with onnxruntime, answers with the shapes
 * or the error message, and exits. The parent watches its memory and time and
 * kills it when it exceeds its budget. Bundled as dist/shapeRunChild.js.
 */
import { runOnZeros, type ShapeRunRequest } from './runtimeFallback';

/** What the child answers. */
export type ShapeRunReply = { ok: true; shapes: Map<string, number[]> } | { ok: false; message: string };

function answer(reply: ShapeRunReply): void {
  process.send!(reply, undefined, undefined, () => process.exit(0));
}

if (process.send) {
  // The parent went away (its watchers with it): stop at the next chance.
  process.once('disconnect', () => process.exit(1));
  process.once('message', (req: ShapeRunRequest) => {
    runOnZeros({ ...req, model: new Uint8Array(req.model) })
      .then((shapes) => answer({ ok: true, shapes }))
      .catch((e: unknown) => answer({ ok: false, message: e instanceof Error ? e.message : String(e) }));
  });
}
