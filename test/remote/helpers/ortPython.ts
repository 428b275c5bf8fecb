/**
 * A Python that imports onnxruntime and numpy, for running the Python device
 * runner (ort_runner.py) here: DYNAPRUNER_ORT_PYTHON, else `python3` on PATH;
 * null when none does (CI: no onnxruntime in Debian, no PyPI).
 */
import { spawnSync } from 'node:child_process';

export function ortPython(): string | null {
  for (const py of [process.env.DYNAPRUNER_ORT_PYTHON, 'python3'].filter((p): p is string => !!p)) {
    if (spawnSync(py, ['-c', 'import onnxruntime, numpy'], { encoding: 'utf8' }).status === 0) return py;
  }
  return null;
}

/** The skip reason of a test that needs {@link ortPython}. */
export const NO_ORT_PYTHON = 'no Python with onnxruntime here (set DYNAPRUNER_ORT_PYTHON)';
