/**
 * Wall-clock times of the steps of one engine call (checkpoint opened, samples
 * read, sessions ready, first sample out), logged as one line so the Output
 * channel and the UI benchmark say where a slow first figure spent its time.
 */
import { performance } from 'node:perf_hooks';

/** Records named laps since its creation. */
export class StepTimes {
  private readonly start = performance.now();
  private readonly laps: [string, number][] = [];

  /** Records `step` as done now (the first time only). */
  lap(step: string): void {
    if (!this.laps.some(([s]) => s === step)) this.laps.push([step, performance.now() - this.start]);
  }

  /** `what: step 12 ms, step 40 ms` (times since the start, in the order they happened). */
  line(what: string): string {
    const laps = [...this.laps].sort((a, b) => a[1] - b[1]);
    return `${what}: ${laps.map(([s, t]) => `${s} ${Math.round(t)} ms`).join(', ')}`;
  }
}
