// Tail probabilities used by detectors: binomial upper tail, normal tail, and the log-gamma they rest on.

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, |error| < 1e-13 over the range detectors use). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = 0.9999999999998099;
  const t = xx + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += LANCZOS[i]! / (xx + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

function logBinomPmf(n: number, k: number, p: number): number {
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p), summed in log space (exact for the n detectors see: entities or days).
 *
 * @example
 * binomialUpperTail(10, 10, 0.5) // 0.0009765625
 */
export function binomialUpperTail(n: number, k: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const first = logBinomPmf(n, k, p);
  if (first === -Infinity) return 0;
  // Sum terms k..n relative to the first one; terms shrink quickly past the mode.
  let sum = 0;
  let logTerm = first;
  for (let j = k; j <= n; j++) {
    if (j > k) logTerm += Math.log((n - j + 1) / j) + Math.log(p) - Math.log1p(-p);
    const rel = Math.exp(logTerm - first);
    sum += rel;
    if (rel < 1e-17 * sum && j > n * p) break;
  }
  return Math.min(1, Math.exp(first) * sum);
}

/**
 * P(X ≥ k) for X the number of successes among independent trials with probabilities `ps` (Poisson binomial),
 * by dynamic programming over the trials, O(n·k). Used for "k of these entities all repeated since the same day".
 * Only the first `n` entries of `ps` are trials (all of them by default), so a caller can pass a reused buffer.
 *
 * @example
 * poissonBinomialUpperTail([0.5, 0.5], 2) // 0.25
 * poissonBinomialUpperTail([0.1, 0.2, 0.9], 1) // 1 − 0.9·0.8·0.1 = 0.928
 */
export function poissonBinomialUpperTail(ps: ArrayLike<number>, k: number, n = ps.length): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return poissonBinomialUpperTails(ps, k, n)[k]!;
}

/**
 * poissonBinomialUpperTail(ps, k, n) for every k from 0 to kMax at once (index k), in about the time of the largest:
 * the chances of fewer than k successes do not depend on k, so one pass over the trials gives every tail, each to the
 * bit what its own call gives.
 *
 * @example
 * poissonBinomialUpperTails([0.5, 0.5], 2) // Float64Array [1, 0.75, 0.25]
 */
export function poissonBinomialUpperTails(ps: ArrayLike<number>, kMax: number, n = ps.length): Float64Array {
  const tails = new Float64Array(Math.max(0, kMax) + 1);
  tails[0] = 1;
  const K = Math.min(kMax, n);
  if (K >= 1) atLeastEach(ps, K, n, tails);
  for (let k = 1; k <= K; k++) tails[k] = Math.min(1, tails[k]!);
  // Tails past n stay 0: more successes than trials.
  return tails;
}

/**
 * P(X ≥ k) before it is capped at 1, for k = 1..K, into tails[k], by dynamic programming over the trials: dist[j] =
 * P(X = j) for j < K. Trials taken so far bound the entries that can be non-zero (dist[j] is 0 for seen < j < K, and
 * a trial leaves it 0 there), and a trial with p = 0 changes nothing, so neither is updated: the numbers of the full
 * update, to the bit. The loop sits in a function of its own that returns nothing after it: V8 compiles a long loop
 * while it runs (on-stack replacement), and code after the loop that has never run then sends every later call back
 * to the interpreter.
 */
function atLeastEach(ps: ArrayLike<number>, K: number, n: number, tails: Float64Array): void {
  const dist = new Float64Array(K);
  dist[0] = 1;
  let seen = 0;
  for (let t = 0; t < n; t++) {
    const p = Math.min(1, Math.max(0, ps[t]!));
    if (p === 0) continue;
    seen++;
    const q = 1 - p;
    const top = Math.min(K - 1, seen);
    // tails[k] takes dist[k − 1] before this trial's update. Past `top` dist is still 0, and 0·p adds nothing unless
    // p is NaN (then every tail takes it, as the full update would).
    if (Number.isNaN(p)) for (let k = top + 2; k <= K; k++) tails[k] = tails[k]! + dist[k - 1]! * p;
    for (let j = top; j >= 1; j--) {
      tails[j + 1] = tails[j + 1]! + dist[j]! * p;
      dist[j] = dist[j]! * q + dist[j - 1]! * p;
    }
    tails[1] = tails[1]! + dist[0] * p;
    dist[0] = dist[0] * q;
  }
}

/**
 * Upper tail of the standard normal, P(Z ≥ z) (Abramowitz–Stegun 7.1.26 via erfc; ~1e-7 absolute).
 *
 * @example
 * normalUpperTail(1.96) // ≈ 0.025
 */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes erfcc, fractional error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Lower tail of the chi-square distribution, P(X ≤ x) for X ~ χ²(k): the regularized lower incomplete gamma
 * P(k/2, x/2) by its series, accurate for the small x a collapsed variance gives.
 *
 * @example
 * chiSquareLowerTail(0.0125, 5) // ≈ 9e-7: six changes with 5 % of the usual spread
 */
export function chiSquareLowerTail(x: number, k: number): number {
  if (!(x > 0)) return 0;
  const a = k / 2;
  const z = x / 2;
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 500; n++) {
    term *= z / (a + n);
    sum += term;
    if (term < sum * 1e-15) break;
  }
  return Math.min(1, Math.exp(a * Math.log(z) - z - logGamma(a)) * sum);
}
