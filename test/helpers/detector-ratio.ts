// Binomial draws for tests and benchmarks of ratio detectors (claims out of policies).
import { normal, type Rand } from '../../src/core/random.js';

/**
 * A Binomial(n, p) draw: by Bernoulli trials up to 200 trials, by the normal approximation above.
 *
 * @example
 * binomial(seeded(1), 4000, 0.02) // ≈ 80
 */
export function binomial(r: Rand, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (n <= 200) {
    let k = 0;
    for (let i = 0; i < n; i++) if (r() < p) k++;
    return k;
  }
  return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal(r))));
}
