/**
 * Heals a blank webview. In VS Code for the Web (code-server) webviews
 * created or restored in the same tick race for the webview service worker;
 * the loser's scripts fail to load (`net::ERR_NAME_NOT_RESOLVED`) and it never
 * says `ready`. A panel arms the watchdog whenever its html is set or it
 * becomes visible; when a visible webview has not said `ready` in time, the
 * watchdog sets its html again (a fresh nonce, so VS Code reloads the page),
 * a few times at most, logging one line each time. No VS Code API (tested in Node).
 */

/**
 * Time a visible webview has to say `ready` after its html was set (or after
 * it became visible again) before its html is set again. A page usually
 * answers within a second or two, but right after a window reload on a loaded
 * machine several webviews boot next to the engine worker and one took more
 * than 8 s; setting the html of a page that is merely slow replaces it with a
 * new one that may stay pending (an Overview once kept its placeholder), so the
 * wait is the 15 s the Graph panel gives a new panel to boot. Each further try
 * waits twice as long as the one before.
 */
export const WEBVIEW_BOOT_MS = 15_000;

/** Html re-sets after which a webview that stays blank is left alone (until it is hidden and shown again). */
export const WEBVIEW_BOOT_RETRIES = 3;

/** What the watchdog acts on: one panel's webview. */
export interface BootTarget {
  /** Name for the log line (panel kind and title). */
  readonly name: string;
  /** Whether the panel is visible now (a hidden webview is not loaded, so it cannot be late). */
  visible(): boolean;
  /** Sets the webview's html again (a new page, so it reloads). */
  reload(): void;
  /** Logs one warning line. */
  warn(text: string): void;
}

/** Timer functions (Node's by default; tests pass fakes). */
export interface BootTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const NODE_TIMERS: BootTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Reloads a visible webview that has not said `ready` in time; see the file comment. */
export class BootWatchdog {
  private timer: unknown = null;
  private retries = 0;
  private booted = false;
  /** Set when the retries are spent: no more reloads until the panel is hidden and shown again. */
  private gaveUp = false;
  private disposed = false;

  constructor(
    private readonly target: BootTarget,
    private readonly timeoutMs = WEBVIEW_BOOT_MS,
    private readonly maxRetries = WEBVIEW_BOOT_RETRIES,
    private readonly timers: BootTimers = NODE_TIMERS,
  ) {}

  /** The html was set: (re)starts the wait when the panel is visible and its page has not booted. */
  arm(): void {
    this.stop();
    if (this.disposed || this.booted || this.gaveUp || !this.target.visible()) return;
    this.timer = this.timers.set(() => this.expire(), this.timeoutMs * 2 ** this.retries);
  }

  /**
   * The panel's view state changed. Hidden, or moved to another editor group
   * (`rebuilt`: VS Code builds a new webview there), the page is gone and the
   * next must boot again; visible, the wait starts (a running wait is kept,
   * so focus changes do not postpone it).
   */
  viewStateChanged(rebuilt = false): void {
    if (rebuilt || !this.target.visible()) this.hidden();
    if (this.target.visible() && this.timer === null) this.arm();
  }

  /** The webview said `ready`: the page works. */
  ready(): void {
    this.booted = true;
    this.gaveUp = false;
    this.retries = 0;
    this.stop();
  }

  private hidden(): void {
    this.booted = false;
    this.gaveUp = false;
    this.retries = 0;
    this.stop();
  }

  /** Html re-sets made since the last `ready` or hide. */
  get attempts(): number {
    return this.retries;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private stop(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  private expire(): void {
    this.timer = null;
    if (this.disposed || this.booted || !this.target.visible()) return;
    if (this.retries >= this.maxRetries) {
      this.gaveUp = true;
      this.target.warn(`${this.target.name}: the webview is still blank after ${this.retries} reloads; close and reopen the panel`);
      return;
    }
    this.retries++;
    this.target.warn(`${this.target.name}: the webview did not start within ${(this.timeoutMs * 2 ** (this.retries - 1)) / 1000} s; reloading it (${this.retries}/${this.maxRetries})`);
    this.target.reload();
    this.arm();
  }
}
