/**
 * Mulberry32: a small seeded generator, so generated test data is the same on every run and a failure
 * names a case that can be replayed (the benchmarks' dataset splits use it too: the same on every
 * machine).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
