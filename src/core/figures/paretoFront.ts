/**
 * Pareto fronts of cost (effective MACs) against error: a point is on the
 * front when no other point of its group is at most as costly and at most as
 * wrong, and strictly better in one of the two.
 */

/** A (cost, error) pair; non-finite values are never on a front. */
export interface CostError {
  cost: number;
  error: number;
}

/** For each point, whether it is non-dominated (both coordinates minimised). */
export function nonDominated(points: readonly CostError[]): boolean[] {
  const ok = points.map((p) => Number.isFinite(p.cost) && Number.isFinite(p.error));
  return points.map((p, i) => ok[i] && !points.some((q, j) => j !== i && ok[j] && dominates(q, p)));
}

/** `a` is at most as costly and at most as wrong as `b`, and strictly better in one. */
export function dominates(a: CostError, b: CostError): boolean {
  return a.cost <= b.cost && a.error <= b.error && (a.cost < b.cost || a.error < b.error);
}

/** Indices of the front's points, by increasing cost (the order the front's line connects them). */
export function frontOrder(points: readonly CostError[]): number[] {
  const front = nonDominated(points);
  return points.map((_, i) => i).filter((i) => front[i]).sort((i, j) => points[i].cost - points[j].cost || points[i].error - points[j].error);
}

/** Groups items by a key, in the order keys first appear. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Whether positive values span at least `ratio` (default two orders of magnitude): a log axis then keeps small values readable. */
export function spansDecades(values: readonly number[], ratio = 100): boolean {
  const xs = values.filter((v) => Number.isFinite(v) && v > 0);
  return xs.length > 1 && Math.max(...xs) / Math.min(...xs) >= ratio;
}
