// Upper tail of the chi-square distribution, for tests whose statistic can be large (G-tests of a category mix).
import { logGamma } from './probability.js';

/** Regularized lower incomplete gamma P(a, x) by its series (converges fast for x < a + 1). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 1000; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * 1e-15) break;
  }
  return sum * Math.exp(a * Math.log(x) - x - logGamma(a));
}

/** Regularized upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz; for x ≥ a + 1). */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(a * Math.log(x) - x - logGamma(a)) * h;
}

/**
 * P(X ≥ x) for X ~ χ²(k): the regularized upper incomplete gamma Q(k/2, x/2), accurate far into the tail (a
 * continued fraction past the mode, so a statistic of 500 gives a p-value near 1e-100 rather than 0 or 1).
 *
 * @example
 * chiSquareUpperTail(3.841, 1) // ≈ 0.05
 * chiSquareUpperTail(16.27, 3) // ≈ 0.001
 */
export function chiSquareUpperTail(x: number, k: number): number {
  if (!(x > 0)) return 1;
  if (!(k > 0)) return 0;
  const a = k / 2;
  const z = x / 2;
  if (z < a + 1) return Math.max(0, Math.min(1, 1 - lowerSeries(a, z)));
  return Math.max(0, Math.min(1, upperFraction(a, z)));
}

/** Continued fraction of the regularized incomplete beta (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/**
 * P(F ≥ f) for F ~ F(d1, d2): a χ² statistic per degree of freedom divided by a dispersion estimated on `d2` degrees
 * of freedom (the quasi-likelihood test, which allows for the dispersion being an estimate).
 *
 * @example
 * fUpperTail(3.0, 4, 100) // ≈ 0.022
 */
export function fUpperTail(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  return Math.max(0, Math.min(1, incompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2)));
}
