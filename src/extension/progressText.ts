/**
 * The engine's progress messages in the user's words for the notification and
 * the panel: "sweep: 381 of 801 evaluations" instead of the sweep's internal
 * phase names ("allCut: 381/801 rows").
 */

const SWEEP_ROWS = /^(full|tauCut|dataCut|allCut): (\d+)\/(\d+) rows$/;
const ANALYSED = /^analysed (\d+)\/(\d+) samples$/;

/** Rewrites one engine progress message; unknown messages pass through unchanged. */
export function userProgress(message: string): string {
  const rows = SWEEP_ROWS.exec(message);
  if (rows) return `sweep: ${Number(rows[2]).toLocaleString('en-US')} of ${Number(rows[3]).toLocaleString('en-US')} evaluations`;
  if (message === 'clean pass') return 'sweep: evaluating the clean model';
  const analysed = ANALYSED.exec(message);
  if (analysed) return `analysed ${analysed[1]} of ${analysed[2]} samples`;
  return message;
}
