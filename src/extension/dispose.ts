/** A `Disposable` base that releases everything registered with {@link Disposable._register}. */
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  /** True once {@link dispose} ran. */
  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Registers a disposable released with this object (immediately if already disposed). */
  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
