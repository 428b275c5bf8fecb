/** A value computed once per profile run id (a failed computation is dropped, so the next request tries again). */
export class RunCache<T> {
  private readonly values = new Map<string, Promise<T>>();

  constructor(private readonly compute: (runId: string) => Promise<T>) {}

  get(runId: string): Promise<T> {
    let hit = this.values.get(runId);
    if (!hit) {
      hit = this.compute(runId);
      this.values.set(runId, hit);
      hit.catch(() => this.values.delete(runId));
    }
    return hit;
  }
}
