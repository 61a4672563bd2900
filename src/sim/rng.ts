// Deterministic randomness for the simulator: a value is a pure function of (seed, keys), never of call order.
import { gamma, negBinomial, normal, poisson, type Rand } from '../core/random.js';

/** 32-bit FNV-1a hash of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A small seeded random stream (sfc32) whose state is derived from a seed and any keys, so
 * `rngFor(7, 'page-1', 'page_media_view', 42)` gives the same numbers in every process and request order.
 *
 * @example
 * const r = rngFor(7, 'page-1', 'day', 3); r.uniform(); r.normal(); r.poissonGamma(120, 10);
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seedText: string) {
    this.#a = fnv1a(`a:${seedText}`);
    this.#b = fnv1a(`b:${seedText}`);
    this.#c = fnv1a(`c:${seedText}`);
    this.#d = fnv1a(`d:${seedText}`) | 1;
    for (let i = 0; i < 12; i++) this.#next();
  }

  #next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    let u = this.#next();
    while (u === 0) u = this.#next();
    return u;
  }

  /** This stream as a plain uniform source for the shared samplers. */
  readonly #draw: Rand = () => this.uniform();

  /** Standard normal (Box–Muller). */
  normal(): number {
    return normal(this.#draw);
  }

  /** Gamma(shape, scale=1) by Marsaglia–Tsang (boosted for shape < 1). */
  gamma(shape: number): number {
    return gamma(this.#draw, shape);
  }

  /** Poisson(mean): inversion for small means, a rounded normal approximation above 500. */
  poisson(mean: number): number {
    return poisson(this.#draw, mean);
  }

  /**
   * Negative-binomial count as a Poisson–Gamma mixture: mean `mean`, dispersion `shape` (larger = less noisy). Unlike
   * `negBinomial`, a mean ≤ 0 draws nothing from the stream, so a zero day does not shift the numbers after it.
   */
  poissonGamma(mean: number, shape: number): number {
    if (mean <= 0) return 0;
    return negBinomial(this.#draw, mean, shape);
  }
}

/** A stream keyed by a seed and any number of keys. */
export function rngFor(seed: number, ...keys: (string | number)[]): Rng {
  return new Rng([seed, ...keys].join('|'));
}

/** A short opaque id like Meta's fbtrace_id (base64url-ish letters), deterministic for (seed, n). */
export function traceId(seed: number, n: number, length = 11): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  const r = rngFor(seed, 'trace', n);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(r.uniform() * alphabet.length)]!;
  return out;
}
