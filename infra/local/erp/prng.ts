/**
 * A small seeded pseudo-random generator for the sample ERP (mulberry32 by Tommy Ettinger, public
 * domain), with stream derivation: `rngFor(seed, stream, index)` gives every family of products,
 * every customer, its own independent sequence. So row N is the same whatever chunk size the
 * loader uses and whatever was generated before it, and a small sample is a prefix of a large one.
 *
 * Not for anything secret: it only has to be fast, small and the same on every machine.
 */

/** murmur3's 32-bit finaliser over a running hash: spreads nearby indices over the whole range. */
function mix(hash: number, value: number): number {
  let h = Math.imul(hash ^ (value >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('Rng.pick needs a non-empty list');
    return item;
  }

  /** `count` distinct items in random order (a partial Fisher-Yates shuffle of a copy). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, n);
  }
}

/** Stream ids for rngFor, one per kind of generated thing, kept apart so no two share draws. */
export const streams = { family: 1, customer: 2 } as const;

/** The generator of one stream element: same (seed, stream, index) -> same sequence. */
export function rngFor(seed: number, stream: number, index: number): Rng {
  return new Rng(mix(mix(mix(0x9e3779b9, seed), stream), index));
}
