/** A small seeded PRNG (mulberry32) so generated weights are the same on every run and machine. */

/** Returns a function yielding uniform floats in [-amplitude, amplitude). */
export function uniformSource(seed: number, amplitude: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return (unit * 2 - 1) * amplitude;
  };
}

/** FNV-1a hash of a string mixed with a seed: a distinct, stable stream per tensor name. */
export function seedFor(name: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
