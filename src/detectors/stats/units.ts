// The unit-factor catalog and snapping a log-factor to it (×60, ×100, ×1000, ×1024, …, and reciprocals).

/** Per-series catalog: ×10 is deliberately absent, viral ×10 bursts are normal. */
export const SERIES_UNIT_FACTORS = [60, 100, 1000, 1024, 3600, 86400, 1e6] as const;
/** Panel catalog: ×10 is safe once many entities agree. */
export const PANEL_UNIT_FACTORS = [10, ...SERIES_UNIT_FACTORS] as const;

/** The nearest catalog factor to a log-factor. */
export interface UnitSnap {
  /** Signed factor: 100 for ×100, 0.01 for ÷100. */
  factor: number;
  /** Distance |ln κ̂| − ln u, in log units. */
  distance: number;
}

/**
 * Snap a log-factor to the nearest catalog unit, comparing |Δ| with ln u (reciprocals via the sign).
 *
 * @example
 * snapToUnit(Math.log(98), SERIES_UNIT_FACTORS) // { factor: 100, distance: ≈0.02 }
 */
export function snapToUnit(logFactor: number, catalog: readonly number[]): UnitSnap {
  const a = Math.abs(logFactor);
  let best = catalog[0]!;
  let dist = Infinity;
  for (const u of catalog) {
    const d = Math.abs(a - Math.log(u));
    if (d < dist) {
      dist = d;
      best = u;
    }
  }
  return { factor: logFactor >= 0 ? best : 1 / best, distance: dist };
}

/** True when a unit string names a binary quantity (bytes), where ×1024 is more likely than ×1000. */
export function isBinaryUnit(unit: string | undefined): boolean {
  return unit !== undefined && /byte|^b$|^[kmgt]i?b$/i.test(unit);
}

/**
 * ×1000 and ×1024 lie 2.4 % apart, closer than one series can tell: prefer the decimal factor unless the metric's
 * unit is binary (bytes). A panel with many entities can separate them and passes `binary` undefined.
 */
export function preferDecimal(
  snap: UnitSnap,
  logFactor: number,
  tolerance: number,
  binary: boolean,
): UnitSnap {
  const a = Math.abs(logFactor);
  const pick = (u: number): UnitSnap => ({
    factor: logFactor >= 0 ? u : 1 / u,
    distance: Math.abs(a - Math.log(u)),
  });
  const near1000 = Math.abs(a - Math.log(1000)) <= tolerance;
  const near1024 = Math.abs(a - Math.log(1024)) <= tolerance;
  if (near1000 && near1024) return binary ? pick(1024) : pick(1000);
  return snap;
}

/**
 * A factor for people: `×100`, `÷1000`, `×2.4`.
 *
 * @example
 * formatFactor(0.01) // '÷100'
 */
export function formatFactor(f: number): string {
  if (!Number.isFinite(f) || f <= 0) return `×${f}`;
  if (f >= 1) return `×${formatNumber(f)}`;
  return `÷${formatNumber(1 / f)}`;
}

/**
 * A number with about three significant digits, no exponent below 1e7.
 *
 * @example
 * formatNumber(0.000123456) // '0.000123'
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e7 || a < 1e-6) return x.toExponential(2);
  if (Number.isInteger(x)) return String(x);
  if (a >= 100) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

/** A probability for people: `3.2e-9`, `0.0004`. */
export function formatProbability(p: number): string {
  if (p === 0) return '<1e-300';
  if (p < 1e-3) return p.toExponential(1);
  return String(Number(p.toPrecision(2)));
}
