// Seeded random numbers and the samplers over them (normal, gamma, Poisson, negative binomial) for detector tests,
// the detection benchmark and the simulator (which draws from its own keyed stream, src/sim/rng.ts).

/** A source of uniform numbers in [0, 1): `seeded(…)`, or the simulator's keyed stream. */
export type Rand = () => number;

/**
 * A seeded uniform generator; the same seed gives the same sequence on every machine.
 *
 * @example
 * const r = seeded(42); r() // 0.6011…
 */
export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(r: Rand): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** A Gamma(shape, 1) draw (Marsaglia–Tsang). */
export function gamma(r: Rand, shape: number): number {
  if (shape < 1) return gamma(r, shape + 1) * Math.pow(r(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(r);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = r();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Poisson draw (inversion for small means, normal approximation above 500). */
export function poisson(r: Rand, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 500) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
  const L = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > L);
  return k - 1;
}

/** A negative-binomial (Gamma–Poisson) count with mean `mean` and shape `shape`. */
export function negBinomial(r: Rand, mean: number, shape: number): number {
  return poisson(r, (mean * gamma(r, shape)) / shape);
}
