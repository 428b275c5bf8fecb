/** Seeded randomness for sweeps: reproducible noise, flips and random masks. */

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed mixed from several integers and strings (FNV-1a). */
export function mixSeed(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Standard normal samples (Box-Muller) from a uniform generator. */
export function gaussian(next: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Indices 0..n-1 in random order (Fisher-Yates). */
export function shuffled(n: number, next: () => number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/**
 * `x + sigma * N(0, 1)` elementwise (seeded), in one tight loop: inlined
 * mulberry32 and Box-Muller pairs (about 10x faster than the closures above
 * on a 256k-element batch).
 */
export function addGaussianNoise(x: Float32Array, sigma: number, seed: number): Float32Array {
  const out = new Float32Array(x.length);
  addGaussianNoiseInto(x, sigma, seed, out, 0);
  return out;
}

/**
 * Writes `x + sigma * N(0, 1)` (seeded, same stream as {@link addGaussianNoise})
 * into `out` starting at `offset`: no allocation, for filling batch buffers.
 */
export function addGaussianNoiseInto(x: Float32Array, sigma: number, seed: number, out: Float32Array, offset: number): void {
  let a = seed >>> 0;
  const n = x.length;
  for (let i = 0; i < n; i += 2) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u1 = (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
    a = (a + 0x6d2b79f5) | 0;
    t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u2 = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    const r = sigma * Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u2;
    out[offset + i] = x[i] + r * Math.cos(th);
    if (i + 1 < n) out[offset + i + 1] = x[i + 1] + r * Math.sin(th);
  }
}
