// Speed of one detection pass: every registered detector over 10 metrics × 1,000 entities × 180 days.
import type { MetricHistory, SeriesPoint } from '../../src/core/detector.js';
import { addDays } from '../../src/core/clock.js';
import { withColumns } from '../../src/core/history-columns.js';
import { runDetectors } from '../../src/detectors/run.js';
import { defaultSource } from '../../src/backtest/replay.js';
import { generatePanel, START } from './generate.js';

/** The panel both detection-pass benches read: 10 metrics × 1,000 entities × 180 days, half shifted from day 150. */
export function detectionPassPanel(): ReturnType<typeof generatePanel> {
  return generatePanel(1001, { metrics: 10, entities: 1000, days: 180, injectFrom: 150, injectShare: 0.5 });
}

/** Build the histories of a 10 × 1,000 × 180 panel and time runDetectors over it (best of `repeats`). */
export function measureDetectionPass(repeats = 3): {
  series: number;
  days: number;
  ms: number[];
  cpuMs: number[];
  findings: number;
} {
  const panel = detectionPassPanel();
  const histories = new Map<string, MetricHistory>();
  for (const m of panel.metrics) {
    const entities = new Map<string, SeriesPoint[]>();
    for (const [e, values] of panel.values.get(m)!) {
      const pts: SeriesPoint[] = [];
      values.forEach((v, t) => {
        if (v === undefined) return;
        const day = addDays(START, t);
        const seen = `${addDays(day, 1)}T06:00:00.000Z`;
        pts.push({
          periodEnd: `${addDays(day, 1)}T00:00:00.000Z`,
          day,
          value: v,
          firstValue: v,
          jsonType: v === null ? 'null' : 'int',
          firstSeen: seen,
          lastSeen: seen,
        });
      });
      entities.set(e, pts);
    }
    // As the stores hand it over: the points and their columns.
    histories.set(m, withColumns({ source: panel.source, metric: m, entities }));
  }
  const source = defaultSource(panel.source, panel.metrics);
  const now = new Date(`${addDays(START, 180)}T06:00:00.000Z`);
  const ms: number[] = [];
  const cpuMs: number[] = [];
  let findings = 0;
  for (let i = 0; i < repeats; i++) {
    // Fresh history objects each time so no memoised grid or baseline is reused.
    const fresh = new Map([...histories].map(([k, h]) => [k, { ...h }]));
    // Collect the garbage of building the histories first (when run with --expose-gc), so it is not billed here.
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    findings = runDetectors({ source, histories: fresh, polls: [], docChanges: [], now }).length;
    const c = process.cpuUsage(c0);
    ms.push(performance.now() - t0);
    // CPU time of this (single-threaded) process: robust to other work on the machine.
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { series: 10_000, days: 180, ms, cpuMs, findings };
}
