/**
 * A small seeded generator (sfc32, seeded through splitmix32). Every random choice in flatline
 * (jitter, toxicity, slicer sizes) draws from one of these so that the same seed gives the same trace.
 * `fork(label)` derives an independent stream whose values depend only on the parent seed and the
 * label, not on how many values other consumers drew: adding a toxic does not change a client's jitter.
 */
export class Rng {
  readonly seed: number;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    // sfc32's four words are four steps of splitmix32 from the seed (a plain function, not a closure: a proxy forks one of these per connection)
    const step = 0x9e3779b9;
    this.a = splitmix32(this.seed + step);
    this.b = splitmix32(this.seed + 2 * step);
    this.c = splitmix32(this.seed + 3 * step);
    this.d = splitmix32(this.seed + 4 * step);
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** A float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** An independent stream named by `label`. */
  fork(label: string): Rng {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    return new Rng(h >>> 0);
  }
}

/** splitmix32's output function for one state. */
function splitmix32(state: number): number {
  let z = state | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Runs `fn` with Math.random drawing from `rng`: for third-party code that rolls its own dice
 * (mqtt.js's default client id, a library's jitter) and has no seed option. Same seed, same dice.
 */
export function withSeededMathRandom<T>(rng: Rng, fn: () => T): T {
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
