/**
 * Zoom and pan of a map canvas inside its frame: the wheel zooms around the
 * pointer (1x to 16x), dragging pans, a double click resets. The canvas is
 * moved with a CSS transform, so repainting and the hover read-out (which
 * reads the canvas's on-screen box) are unaffected; `followers` (overlays
 * laid over the target, e.g. coastlines) get the same transform.
 */

const MAX_ZOOM = 16;

/** Current view of a zoomable element. */
export interface ZoomState {
  scale: number;
  x: number;
  y: number;
}

/** Makes `target` zoomable and pannable inside `frame` (which clips it); returns a reader of the state. */
export function zoomPan(frame: HTMLElement, target: HTMLElement, followers: HTMLElement[] = []): () => ZoomState {
  const state: ZoomState = { scale: 1, x: 0, y: 0 };
  const apply = () => {
    // Keep the map covering the frame: no panning past its edges.
    const w = frame.clientWidth;
    const hgt = frame.clientHeight;
    state.x = Math.min(0, Math.max(w - w * state.scale, state.x));
    state.y = Math.min(0, Math.max(hgt - hgt * state.scale, state.y));
    const transform = state.scale === 1 ? '' : `translate(${state.x}px, ${state.y}px) scale(${state.scale})`;
    for (const el of [target, ...followers]) el.style.transform = transform;
    frame.dataset.zoom = state.scale.toFixed(2);
  };
  frame.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = frame.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    const next = Math.min(MAX_ZOOM, Math.max(1, state.scale * Math.exp(-e.deltaY * 0.002)));
    // The point under the pointer stays put.
    state.x = px - ((px - state.x) * next) / state.scale;
    state.y = py - ((py - state.y) * next) / state.scale;
    state.scale = next;
    apply();
  }, { passive: false });
  let drag: { x: number; y: number } | null = null;
  frame.addEventListener('pointerdown', (e) => {
    if (state.scale === 1) return;
    drag = { x: e.clientX - state.x, y: e.clientY - state.y };
    frame.setPointerCapture(e.pointerId);
  });
  frame.addEventListener('pointermove', (e) => {
    if (!drag) return;
    state.x = e.clientX - drag.x;
    state.y = e.clientY - drag.y;
    apply();
  });
  frame.addEventListener('pointerup', () => (drag = null));
  frame.addEventListener('dblclick', () => {
    state.scale = 1;
    state.x = 0;
    state.y = 0;
    apply();
  });
  return () => ({ ...state });
}
