// Deterministic randomness for the simulator: a value is a pure function of (seed, keys), never of call order.

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

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, scale=1) by Marsaglia–Tsang (boosted for shape < 1). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x ** 4) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Poisson(mean): inversion for small means, a rounded normal approximation above 500. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  /** Negative-binomial count as a Poisson–Gamma mixture: mean `mean`, dispersion `shape` (larger = less noisy). */
  poissonGamma(mean: number, shape: number): number {
    if (mean <= 0) return 0;
    return this.poisson((mean * this.gamma(shape)) / shape);
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
