/**
 * Synchronised zoom and pan of the A/B panel's maps: the user's wheel,
 * drag and double-click on one map are replayed, at the same relative point,
 * on the others, so every map's own zoom state (webview/common/zoomPan.ts)
 * moves the same way and the cell under the pointer is the same cell in all.
 */

/** A replayed drag carries this pointer id: no real pointer has it, so the followers do not take the pointer capture. */
const REPLAY_POINTER = 7_001;

function relayPoint(from: HTMLElement, to: HTMLElement, x: number, y: number): { clientX: number; clientY: number } {
  const a = from.getBoundingClientRect();
  const b = to.getBoundingClientRect();
  return { clientX: b.left + ((x - a.left) / Math.max(1, a.width)) * b.width, clientY: b.top + ((y - a.top) / Math.max(1, a.height)) * b.height };
}

function replay(e: Event, from: HTMLElement, to: HTMLElement): Event {
  if (e instanceof WheelEvent) return new WheelEvent('wheel', { ...relayPoint(from, to, e.clientX, e.clientY), deltaX: e.deltaX, deltaY: e.deltaY, deltaMode: e.deltaMode, cancelable: true });
  if (e instanceof PointerEvent) return new PointerEvent(e.type, { ...relayPoint(from, to, e.clientX, e.clientY), pointerId: REPLAY_POINTER, buttons: e.buttons, button: e.button });
  const m = e as MouseEvent;
  return new MouseEvent(e.type, { ...relayPoint(from, to, m.clientX, m.clientY), bubbles: false });
}

/** Ties the zoom of the frames (`.map-view` elements) together. */
export function syncZoom(frames: HTMLElement[]): void {
  for (const frame of frames) {
    // A replayed drag's capture request names a pointer that does not exist: ignore it instead of throwing.
    const capture = frame.setPointerCapture.bind(frame);
    frame.setPointerCapture = (id: number) => {
      if (id !== REPLAY_POINTER) capture(id);
    };
    for (const type of ['wheel', 'pointerdown', 'pointermove', 'pointerup', 'dblclick']) {
      frame.addEventListener(type, (e) => {
        if (!e.isTrusted) return;
        for (const other of frames) if (other !== frame) other.dispatchEvent(replay(e, frame, other));
      });
    }
  }
}
