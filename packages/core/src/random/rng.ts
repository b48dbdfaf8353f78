import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { InvalidArgumentError } from '../errors/retain-error.js';

/** The named streams one experiment seed is split into. Any other name works too. */
export type StreamName = 'init' | 'shuffle' | 'permutation' | 'masks' | 'search' | 'sampling' | (string & {});

type Generator = ReturnType<typeof xoroshiro128plusFromState>;

/** splitmix32: a well-known integer mixer, used only to expand a seed into a generator state. */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a stream name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError('seed', seed, 'a non-negative safe integer');
  }
}

/**
 * Seeded pseudo-random numbers (xoroshiro128+ from pure-rand). One experiment
 * seed derives independent named streams with {@link Rng.stream}, so adding a
 * consumer of randomness never shifts the numbers another consumer sees.
 */
export class Rng {
  private readonly gen: Generator;
  /** The state this generator started from: streams derive from it, never from the current state. */
  private readonly origin: readonly number[];
  private spareNormal: number | undefined;

  private constructor(gen: Generator) {
    this.gen = gen;
    this.origin = [...gen.getState()];
  }

  /** The root generator of an experiment. */
  static fromSeed(seed: number): Rng {
    checkSeed(seed);
    return Rng.fromWords(seed % 0x100000000, Math.floor(seed / 0x100000000), 0);
  }

  private static fromWords(low: number, high: number, salt: number): Rng {
    const mixer = { value: (low ^ Math.imul(high, 0x27d4eb2d) ^ salt) | 0 };
    const state = [splitmix32(mixer), splitmix32(mixer), splitmix32(mixer), splitmix32(mixer)];
    if (!state.some((w) => w !== 0)) state[0] = 1;
    return new Rng(xoroshiro128plusFromState(state.map((w) => w | 0)));
  }

  /**
   * An independent generator for `name`: a pure function of this generator's
   * starting state and the name, however many numbers were drawn since.
   */
  stream(name: StreamName): Rng {
    const [a = 0, b = 0, c = 0, d = 0] = this.origin;
    return Rng.fromWords((a ^ c) >>> 0, (b ^ d) >>> 0, hashName(name));
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new InvalidArgumentError('n', n, 'an integer in [1, 2^32]');
    }
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextFloat();
  }

  /** Standard normal sample (Box-Muller, the pair's second value cached). */
  nextNormal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** The generator's current state, for checkpoints. */
  getState(): number[] {
    return [...this.gen.getState()];
  }

  /** Restores a generator from {@link Rng.getState}. */
  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w))) {
      throw new InvalidArgumentError('state', state, 'four 32-bit integers from Rng.getState()');
    }
    return new Rng(xoroshiro128plusFromState(state));
  }
}
