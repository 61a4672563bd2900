// Labelled benchmark of the retrain advisor on real polls: scripted upstream breaks in the simulated Graph API, the
// whole pipeline (poll → store → detectors → findings), then the advisor on the last 28 days. `npm run bench --
// advise-labelled`.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { adviseStore } from '../src/advisor/advise-store.js';
import type { Advice, SpanKind, MaskAction, Verdict } from '../src/advisor/advice.js';
import { addDays, daysBetween, isoDay, ManualClock } from '../src/core/clock.js';
import { loadContractTexts } from '../src/contracts/load.js';
import { runDemo } from '../src/demo/run-demo.js';
import { simContractEnv } from '../src/sim/contracts.js';
import { scenarioDate, type Scenario, type ScenarioEvent } from '../src/sim/scenario.js';
import { quiet } from '../src/sim/scenarios/quiet.js';
import { openStore } from '../src/store/store.js';

const DAYS = 56;

/** One labelled case: the scripted events, the span the advisor must name, and what the verdict must not be. */
interface Case {
  name: string;
  events: ScenarioEvent[];
  /** The unfit span expected: metric, kind, action, first bad day (scenario day), factor. */
  expect?: { metric: string; kind: SpanKind; action: MaskAction; day: number; factor?: number };
  /** The verdicts allowed. */
  verdicts: Verdict[];
}

const CASES: Case[] = [
  { name: 'clean', events: [], verdicts: ['retrain'] },
  {
    name: 'views ÷1000',
    events: [{ kind: 'unit-change', day: 40, metric: 'page_media_view', factor: 0.001 }],
    expect: { metric: 'page_media_view', kind: 'scale-change', action: 'rescale', day: 40, factor: 0.001 },
    verdicts: ['retrain after fixes'],
  },
  {
    name: 'rate fraction → percent',
    events: [{ kind: 'unit-change', day: 40, metric: 'page_engagement_rate', factor: 100 }],
    expect: { metric: 'page_engagement_rate', kind: 'scale-change', action: 'rescale', day: 40, factor: 100 },
    verdicts: ['retrain after fixes'],
  },
  {
    name: 'video views frozen on every page',
    events: [
      { kind: 'freeze', day: 38, metric: 'page_video_views', pages: Array.from({ length: 12 }, (_, i) => i) },
    ],
    expect: { metric: 'page_video_views', kind: 'frozen', action: 'drop', day: 38 },
    verdicts: ['retrain after fixes'],
  },
  {
    name: 'video views frozen on 3 of 12 pages',
    events: [{ kind: 'freeze', day: 38, metric: 'page_video_views', pages: [0, 1, 2] }],
    expect: { metric: 'page_video_views', kind: 'frozen', action: 'drop', day: 38 },
    verdicts: ['retrain after fixes'],
  },
  {
    name: 'engagements removed (#100)',
    events: [{ kind: 'metric-removed', day: 40, metric: 'page_post_engagements' }],
    expect: { metric: 'page_post_engagements', kind: 'removed', action: 'drop', day: 40 },
    verdicts: ['retrain after fixes'],
  },
  {
    name: 'a viral burst that came back',
    events: [{ kind: 'viral-burst', day: 40, page: 2, days: 3, factor: 6 }],
    expect: { metric: 'page_media_view', kind: 'unstable', action: 'ok', day: 40 },
    verdicts: ['retrain'],
  },
  {
    name: 'views ÷1000 three days ago',
    events: [{ kind: 'unit-change', day: DAYS - 3, metric: 'page_media_view', factor: 0.001 }],
    verdicts: ['do not retrain yet'],
  },
];

interface Outcome {
  name: string;
  verdict: Verdict;
  verdictOk: boolean;
  found?: boolean;
  onsetError?: number;
  factor?: number;
  seconds: number;
}

async function runCase(c: Case): Promise<Outcome> {
  const scenario: Scenario = { ...quiet, name: c.name, description: c.name, events: c.events };
  const workDir = mkdtempSync(join(tmpdir(), 'upwatch-bench-advise-labelled-'));
  try {
    const clock = new ManualClock('2020-01-01T00:00:00Z');
    await runDemo({ scenario, days: DAYS, workDir, clock });
    const dir = join(workDir, 'contracts');
    const files = readdirSync(dir).map((n) => ({ path: n, text: readFileSync(join(dir, n), 'utf8') }));
    const contracts = loadContractTexts(files, { env: simContractEnv(scenario), now: clock.now() }).contracts;
    const to = addDays(isoDay(clock.now()), -1);
    const store = openStore(join(workDir, 'upwatch.db'), { readonly: true });
    const t0 = performance.now();
    let advice: Advice;
    try {
      advice = await adviseStore({
        store,
        contracts,
        window: { from: addDays(to, -27), to },
        now: clock.now(),
      });
    } finally {
      await store.close();
    }
    const seconds = (performance.now() - t0) / 1000;
    const out: Outcome = {
      name: c.name,
      verdict: advice.verdict,
      verdictOk: c.verdicts.includes(advice.verdict),
      seconds,
    };
    if (c.expect) {
      const want = c.expect;
      const day = scenarioDate(scenario, want.day);
      const match = advice.spans
        .filter((s) => s.metric === want.metric && s.kind === want.kind && s.action === want.action)
        .map((s) => ({ s, err: Math.abs(daysBetween(day, s.onset ?? s.from)) }))
        .sort((a, b) => a.err - b.err)[0];
      out.found =
        match !== undefined &&
        match.err <= 1 &&
        (want.factor === undefined || match.s.factor === want.factor);
      if (match) out.onsetError = match.err;
      if (match?.s.factor !== undefined) out.factor = match.s.factor;
    }
    return out;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Run every labelled case and return a Markdown table. */
export async function run(): Promise<string> {
  const load = loadavg()[0]!.toFixed(1);
  const outcomes: Outcome[] = [];
  for (const c of CASES) outcomes.push(await runCase(c));
  const rows = outcomes.map(
    (o) =>
      `| ${o.name} | ${o.verdict} | ${o.verdictOk ? 'yes' : '**no**'} | ${o.found === undefined ? '—' : o.found ? 'yes' : '**no**'} | ${o.onsetError ?? '—'} | ${o.factor ?? '—'} | ${o.seconds.toFixed(2)} s |`,
  );
  const table = [
    `load average at start: ${load} (2 cores); ${DAYS} simulated days polled per case, advice on the last 28 days`,
    '',
    '| case | verdict | verdict as labelled | span found (kind, action, onset ±1 day, factor) | onset error (days) | factor | advise |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(table);
  return table;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
