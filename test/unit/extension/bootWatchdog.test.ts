/** The boot watchdog: a visible webview that never says `ready` gets its html set again, a few times, with growing waits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BootWatchdog, type BootTimers } from '../../../src/extension/panels/bootWatchdog';

/** A manual clock: timers fire only when the test advances time. */
class Clock implements BootTimers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get armed(): number {
    return this.pending.size;
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }
}

/** A panel that counts its html sets (1: the first) and logs; its webview boots only when the test says `ready`. */
function panel(clock: Clock, visible = true) {
  const p = { visible, htmlSets: 1, log: [] as string[], reloadsAt: [] as number[] };
  const dog = new BootWatchdog({ name: 'flops panel', visible: () => p.visible, reload: () => (p.htmlSets++, p.reloadsAt.push(clock.now)), warn: (t) => p.log.push(t) }, 1000, 3, clock);
  return { p, dog };
}

describe('BootWatchdog', () => {
  it('re-sets the html of a visible webview that stays blank, three times with doubling waits, one log line each, then gives up with one line', () => {
    const clock = new Clock();
    const { p, dog } = panel(clock);
    dog.arm();
    clock.advance(60_000);
    assert.deepEqual(p.reloadsAt, [1000, 3000, 7000]);
    assert.equal(p.htmlSets, 4);
    assert.equal(p.log.length, 4, p.log.join('\n'));
    assert.match(p.log[0], /^flops panel: the webview did not start within 1 s; reloading it \(1\/3\)$/);
    assert.match(p.log[2], /within 4 s; reloading it \(3\/3\)$/);
    assert.match(p.log[3], /still blank after 3 reloads/);
    assert.equal(clock.armed, 0, 'no timer left');
    // Focus changes of the still-visible panel do not start it again.
    dog.viewStateChanged();
    clock.advance(60_000);
    assert.equal(p.htmlSets, 4);
  });

  it('leaves a webview that says ready alone, and one that heals after a reload', () => {
    const clock = new Clock();
    const { p, dog } = panel(clock);
    dog.arm();
    clock.advance(900);
    dog.ready();
    clock.advance(60_000);
    assert.equal(p.htmlSets, 1);
    assert.deepEqual(p.log, []);

    const second = panel(clock);
    second.dog.arm();
    clock.advance(1000);
    assert.equal(second.p.htmlSets, 2);
    second.dog.ready();
    clock.advance(60_000);
    assert.equal(second.p.htmlSets, 2, 'healed: no further reload');
    assert.equal(second.dog.attempts, 0);
  });

  it('does not time a hidden panel; the wait starts when it is shown, and a hide resets the count', () => {
    const clock = new Clock();
    const { p, dog } = panel(clock, false);
    dog.arm();
    clock.advance(60_000);
    assert.equal(p.htmlSets, 1, 'a hidden webview is not loaded, so it is never late');
    p.visible = true;
    dog.viewStateChanged();
    clock.advance(1000);
    assert.equal(p.htmlSets, 2);
    // Shown, booted, hidden, shown again: the rebuilt webview must say ready again.
    dog.ready();
    p.visible = false;
    dog.viewStateChanged();
    p.visible = true;
    dog.viewStateChanged();
    clock.advance(999);
    assert.equal(p.htmlSets, 2);
    clock.advance(1);
    assert.equal(p.htmlSets, 3, 'the first wait again (the count was reset), not a doubled one');
  });

  it('a panel moved to another group while visible is timed again: its new webview must say ready', () => {
    const clock = new Clock();
    const { p, dog } = panel(clock);
    dog.arm();
    dog.ready();
    dog.viewStateChanged(true);
    clock.advance(1000);
    assert.equal(p.htmlSets, 2);
    dog.ready();
    dog.viewStateChanged(false);
    clock.advance(60_000);
    assert.equal(p.htmlSets, 2, 'a focus change of a booted panel does nothing');
  });

  it('a focus change while waiting does not postpone the reload; dispose stops it', () => {
    const clock = new Clock();
    const { p, dog } = panel(clock);
    dog.arm();
    clock.advance(600);
    dog.viewStateChanged();
    clock.advance(400);
    assert.equal(p.htmlSets, 2);
    dog.dispose();
    clock.advance(60_000);
    assert.equal(p.htmlSets, 2);
    assert.equal(clock.armed, 0);
  });
});
