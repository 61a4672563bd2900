// Renders docs/detectors.md from the registry: what each detector flags, its options and a real example finding.
import type { Detector } from '../src/core/detector.js';
import type { FindingDraft } from '../src/core/finding.js';
import type { PayloadSchema } from '../src/core/observation.js';
import {
  countSeries,
  freeze,
  historyOf,
  metricOf,
  nowAfter,
  pollOf,
  rescale,
  sourceOf,
} from '../test/helpers/detector-series.js';
import { seeded } from '../src/core/random.js';
import { runOn } from '../test/helpers/detector-input.js';

type AnyDetector = Detector<Record<string, unknown>>;

const clean = (seed: number, level: number, days = 60) =>
  countSeries(seeded(seed), { days, level, weekdayAmp: 0.2, growth: 0.003 });

function panel(n: number, edit: (v: number[], e: number) => (number | null | undefined)[], days = 60) {
  const series: Record<string, (number | null | undefined)[]> = {};
  for (let e = 0; e < n; e++) series[`page_${e + 1}`] = edit(clean(500 + e, 80 + 40 * e, days), e);
  return historyOf(series, { metric: 'page_media_view', source: 'meta' });
}

/** A deterministic scenario per statistical detector, run to produce the example finding in the docs. */
const EXAMPLES: Record<string, (d: AnyDetector) => FindingDraft | undefined> = {
  'frozen-run': (d) =>
    runOn(
      d,
      panel(4, (v, e) => (e < 3 ? freeze(v, 53) : v)),
    )[0],
  'unit-scale': (d) =>
    runOn(
      d,
      panel(6, (v, e) => (e === 2 ? rescale(v, 55, 1000, true) : v)),
    )[0],
  'panel-scale': (d) =>
    runOn(
      d,
      panel(12, (v) => rescale(v, 58, 100, true)),
    )[0],
  'level-shift': (d) =>
    runOn(
      d,
      panel(30, (v) => rescale(v, 55, 0.7, true)),
    )[0],
  'representation-flip': (d) =>
    runOn(
      d,
      panel(8, (v) => v.map((x, i) => Math.round((i >= 58 ? 1 : 0.01) * (x / 100) * 1e4) / 1e4)),
      {
        kind: 'ratio',
      },
    )[0],
  'range-violated': (d) =>
    runOn(
      d,
      panel(5, (v, e) => (e === 0 ? v.map((x, i) => (i >= 58 ? -x : x)) : v)),
      { metric: metricOf('page_media_view', 'count') },
    )[0],
  'null-rate': (d) =>
    runOn(
      d,
      panel(20, (v, e) => (e < 6 ? v.map((x, i) => (i >= 59 ? null : x)) : v)),
    )[0],
  'volume-drop': (d) =>
    runOn(
      d,
      panel(20, (v, e) => (e < 7 ? v.map((x, i) => (i >= 59 ? undefined : x)) : v)),
    )[0],
  freshness: (d) =>
    runOn(
      d,
      panel(3, (v) => v.slice(0, 56)),
      { now: nowAfter(60) },
    )[0],
  'invariant-broken': (d) => {
    const views = panel(6, (v) => v);
    const rows = [...views.entities].map(([e, pts]) => [
      e,
      pts.map((p, i) => Math.round((p.value ?? 0) * 0.6) * (i >= 57 ? 100 : 1)),
    ]);
    const unique = historyOf(Object.fromEntries(rows) as Record<string, number[]>, {
      metric: 'page_total_media_view_unique',
      source: 'meta',
    });
    const metrics = [metricOf('page_total_media_view_unique'), metricOf('page_media_view')];
    return d.detect({
      now: nowAfter(60),
      source: { ...sourceOf(metrics), name: 'meta' },
      metric: metrics[0]!,
      history: unique,
      metricHistories: new Map([
        ['page_total_media_view_unique', unique],
        ['page_media_view', views],
      ]),
      polls: [],
      docChanges: [],
      options: { ...d.defaults, atMost: 'page_media_view' },
    })[0];
  },
  'series-drift': (d) => {
    // A large, quiet page sliding −2 %/day for three weeks from day 45, seen on day 65.
    const v = countSeries(seeded(1), { days: 66, level: 3000, weekdayAmp: 0.2, noise: 0.03, shape: 1000 });
    const slid = v.map((x, t) => (t >= 45 ? Math.round(x * Math.exp(-0.02 * Math.min(t - 45, 21))) : x));
    const others = Object.fromEntries(
      [2, 3, 4].map((e) => [
        `page_${e}`,
        countSeries(seeded(10 + e), { days: 66, level: 800 * e, noise: 0.03 }),
      ]),
    );
    return runOn(d, historyOf({ page_1: slid, ...others }, { metric: 'page_media_view', source: 'meta' }))[0];
  },
  'payload-schema': (d) => {
    const base: PayloadSchema = { 'data[].name': { string: 3 }, 'data[].values[].value': { int: 9 } };
    const polls = [1, 2, 3, 4].map((i) => pollOf(i, `2026-03-0${i}T07:00:00Z`, { payloadSchema: base }));
    polls.push(
      pollOf(5, '2026-03-05T07:00:00Z', {
        payloadSchema: { ...base, 'data[].values[].value': { 'numeric-string': 9 } },
      }),
    );
    return d.detect({
      now: new Date('2026-03-05T07:00:00Z'),
      source: { ...sourceOf([]), name: 'meta' },
      polls,
      docChanges: [],
      options: d.defaults,
    })[0];
  },
};

function optionRows(d: AnyDetector): string[] {
  const props = (d.optionsSchema['properties'] ?? {}) as Record<string, { type?: string }>;
  return Object.keys(props).map(
    (k) =>
      `| \`${k}\` | ${props[k]?.type ?? ''} | ${k in d.defaults ? `\`${JSON.stringify(d.defaults[k])}\`` : '—'} |`,
  );
}

/** The warm-up table: how much history each per-entity test needs before its findings may alert, and why. */
function warmUpSection(detectors: readonly AnyDetector[]): string[] {
  const rows: string[] = [];
  for (const d of detectors) {
    if (d.scope !== 'metric') continue;
    if (d.warmUp) {
      rows.push(
        `| \`${d.id}\` | ${d.warmUp.days(d.defaults)} days with values before the onset (enforced by the runner) | ${d.warmUp.why} |`,
      );
      continue;
    }
    const minHistory = d.defaults['minHistory'];
    if (typeof minHistory === 'number')
      rows.push(
        `| \`${d.id}\` | ${minHistory} days of baseline (option \`minHistory\`) | the detector compares recent values with a baseline and stays silent until the baseline has that many days |`,
      );
  }
  return [
    '## Warm-up',
    '',
    'A statistical test needs history before it can tell a real change from chance. Until a metric has it, the',
    'finding is reported as `info` (visible in `status` and the report, no mail, no effect on the gate) and its',
    'explanation says what it is waiting for; a finding that persists past the warm-up alerts at its real severity.',
    'History counts the days with stored values for the metric, on any entity, before any re-baselining.',
    '',
    '| detector | history needed | why |',
    '|---|---|---|',
    ...rows,
    '',
    'Other detectors declare no warm-up; their options below say how much history they compare against.',
    '',
  ];
}

/**
 * The Markdown of docs/detectors.md for the given detectors (the registry, in stage order).
 *
 * @example
 * writeFileSync('docs/detectors.md', renderDetectorDocs(allDetectors()));
 */
export function renderDetectorDocs(detectors: readonly AnyDetector[]): string {
  const out: string[] = [
    '# Detectors',
    '',
    '<!-- Generated from src/detectors/registry.ts by `npx tsx scripts/detector-docs.ts`; a test keeps it fresh. -->',
    '',
    'Every poll runs the detectors below in stage order (schema → deprecation → volume → frozen → scale → drift).',
    'A finding names the rule, a severity (`block` for hard contract breaks, `warn` for statistical suspicions, `info`',
    'for undecidable cases), the affected entities and their share, the onset (first bad period, not the day it was',
    'noticed), evidence in numbers and a plain-language explanation. Findings about one metric and class share a',
    'fingerprint: a panel finding absorbs the per-entity findings it covers, an all-null, stopped or deprecated',
    'metric suppresses statistical findings on it, and a block-level, panel-wide scale change re-baselines the metric.',
    '',
    'Override any check per metric or per source in the contract:',
    '',
    '```yaml',
    'metrics:',
    '  - name: page_media_view',
    '    kind: count',
    '    checks:',
    '      frozen-run: { severity: warn, options: { alpha: 1.0e-8 } }',
    '      level-shift: { enabled: false }',
    '```',
    '',
    'Try them on your own export: `upwatch backtest --history export.csv [--contracts DIR] [--format json] [--workers N]`',
    '(`--workers`: threads the days are split between, default one per two cores; the output is the same with any number).',
    'A million rows take about 18 s in one thread (the default on two cores) at about 430 MB on a quiet two-core',
    'machine, and up to twice that on a slow or busy one; `--workers 2` is about a quarter faster, at about 760 MB, and',
    '`NODE_OPTIONS=--max-semi-space-size=32` (a larger young generation for V8) saves up to a tenth more for some 40 MB',
    '(BENCHMARKS.md, "Speed, eleventh round").',
    '',
    '| id | class | stage | scope | title |',
    '|---|---|---|---|---|',
    ...detectors.map(
      (d) => `| [\`${d.id}\`](#${d.id}) | ${d.class} | ${d.stage} | ${d.scope} | ${d.title} |`,
    ),
    '',
  ];
  out.push(...warmUpSection(detectors));
  for (const d of detectors) {
    out.push(
      `## ${d.id}`,
      '',
      `**${d.title}** — class \`${d.class}\`, stage \`${d.stage}\`, ${d.scope} scope.`,
      '',
      d.description,
      '',
    );
    const rows = optionRows(d);
    if (rows.length > 0) out.push('| option | type | default |', '|---|---|---|', ...rows, '');
    const example = EXAMPLES[d.id]?.(d);
    if (example) {
      out.push('Example finding:', '', '```json', JSON.stringify(example, null, 2), '```', '');
    } else if (d.id.startsWith('deprecation-')) {
      out.push('Examples: see [deprecations.md](deprecations.md).', '');
    }
  }
  return `${out.join('\n')}\n`;
}

/** Scenario ids with an example, for the docs test. */
export const DOCUMENTED_EXAMPLES: readonly string[] = Object.keys(EXAMPLES);
