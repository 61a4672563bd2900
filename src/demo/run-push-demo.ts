// `upwatch demo` for a warehouse story: each simulated day a job pushes rows through `upwatch ingest`'s path, then mail and advice.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adviseStore } from '../advisor/advise-store.js';
import { eventOf } from '../advisor/event-spans.js';
import { formatAdviceText } from '../advisor/format-advice.js';
import { relayUntilDrained } from '../alerts/deliver.js';
import { hasErrors, loadContracts } from '../contracts/load.js';
import { ManualClock } from '../core/clock.js';
import type { ContractSet } from '../core/contract.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import { UpwatchError } from '../core/errors.js';
import type { GateState } from '../core/gate.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { ingestSource } from '../ingest/ingest-source.js';
import type { PushedRow } from '../ingest/check-rows.js';
import { pushDate, pushedDays, pushInstant, scenarioRng, type PushScenario } from '../sim/push-scenario.js';
import { createWatcher, type Watcher } from '../watcher.js';
import {
  mailKinds,
  demoWorkspace,
  runDays,
  stopAll,
  summarize,
  toDemoFinding,
  type DemoDay,
  type DemoPaths,
  type DemoResult,
  type DemoStory,
  type RunDemoOptions,
} from './run-demo.js';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher.js';

/** Options of a warehouse story: those of `runDemo`, with a push scenario. */
export type RunPushDemoOptions = Omit<RunDemoOptions, 'scenario'> & { scenario: PushScenario };

/** The rows the job pushes on story day `n`, as `upwatch ingest` reads them from its CSV (one line each). */
export function pushRows(s: PushScenario, n: number): PushedRow[] {
  const rng = scenarioRng(s);
  const rows: PushedRow[] = [];
  for (const day of pushedDays(s, n))
    for (const v of s.values(day, rng))
      rows.push({
        date: pushDate(s, day),
        source: s.source,
        metric: v.metric,
        entity: v.entity,
        value: v.value,
        ...(v.category !== undefined ? { category: v.category } : {}),
        line: rows.length + 2,
      });
  return rows;
}

async function loadStoryContracts(paths: DemoPaths, s: PushScenario, now: Date): Promise<ContractSet> {
  mkdirSync(paths.contracts, { recursive: true });
  writeFileSync(join(paths.contracts, `${s.name}.yaml`), s.contracts);
  const loaded = await loadContracts(paths.contracts, { env: () => undefined, now, root: paths.workDir });
  if (hasErrors(loaded.diagnostics))
    throw new UpwatchError(
      'CONTRACTS_INVALID',
      `the ${s.name} scenario contracts do not load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`,
    );
  return loaded.contracts;
}

interface PushRun {
  scenario: PushScenario;
  clock: ManualClock;
  contracts: ContractSet;
  watcher: Watcher;
  catcher: SmtpCatcher;
  paths: DemoPaths;
  options: RunPushDemoOptions;
  states: Map<string, GateState>;
  mailSeen: number;
}

/** One story day: the push (check, store, detect, findings, gate, outbox), then the relay over real SMTP. */
async function pushDay(run: PushRun, day: number): Promise<DemoDay> {
  const { scenario, clock, watcher, catcher, states } = run;
  clock.set(pushInstant(scenario, day));
  const source = run.contracts.sources.find((x) => x.name === scenario.source)!;
  const rows = pushRows(scenario, day);
  const r = await ingestSource(
    {
      store: watcher.store,
      contracts: run.contracts,
      clock,
      statusFile: join(run.paths.snapshots, 'status.json'),
    },
    source,
    rows,
    `${scenario.source}-${pushDate(scenario, day)}.csv`,
  );
  const p = r.processed;
  const entry: DemoDay = {
    day,
    date: pushDate(scenario, day),
    at: clock.now().toISOString(),
    upstream: scenario.notes.filter((n) => n.day === day).map((n) => n.text),
    polls: [
      {
        source: r.source,
        outcome: 'ok',
        values: r.rows,
        requests: 0,
        retries: 0,
        docChanges: [],
        pushed: true,
      },
    ],
    opened: p.opened.map((f) => {
      const event = eventOf(f, run.contracts.events ?? [], run.contracts.features);
      return { ...toDemoFinding(f), ...(event ? { event: event.name } : {}) };
    }),
    escalated: p.escalated.map((f) => toDemoFinding(f)),
    resolved: p.resolved.map((f) => toDemoFinding(f)),
    decisions: [],
    features: [],
    emails: [],
  };
  for (const f of p.gate.features) {
    const from = states.get(f.feature) ?? 'ok';
    if (f.state !== from) entry.features.push({ feature: f.feature, from, to: f.state });
    states.set(f.feature, f.state);
  }
  await relayUntilDrained(watcher.mailRelay()!.relay, clock);
  const caught = catcher.received.slice(run.mailSeen);
  const kinds = await mailKinds(watcher.store, caught);
  caught.forEach((m, i) => {
    entry.emails.push({ to: [...m.to], subject: m.subject, kind: kinds[i]! });
    run.options.onMail?.(m);
  });
  run.mailSeen = catcher.received.length;
  return entry;
}

/** The naming finding, the event links and the advice after the last push. */
async function conclude(run: PushRun, timeline: readonly DemoDay[], days: number): Promise<DemoStory> {
  const s = run.scenario;
  const to = pushDate(s, days - 2);
  const window = { from: pushDate(s, days - 1 - s.advice.windowDays), to };
  const advice = await adviseStore({
    store: run.watcher.store,
    contracts: run.contracts,
    model: s.advice.model,
    window,
    now: run.clock.now(),
  });
  const stored = await run.watcher.store.findings.list();
  let naming: DemoStory['naming'];
  for (const d of timeline) {
    const f = d.opened.find((o) => o.rule === s.naming.rule && o.metric === s.naming.metric);
    if (f && !naming) {
      const onset = stored.find((x) => x.fingerprint === f.fingerprint)?.onset.slice(0, 10) ?? d.date;
      naming = { ...f, day: d.day, onset };
    }
  }
  return {
    ...(naming ? { naming } : {}),
    eventLinks: advice.eventLinks.map((l) => ({ ...l })),
    advice: {
      command: `upwatch advise --model ${s.advice.model} --window ${window.from}..${window.to}`,
      verdict: advice.verdict,
      text: formatAdviceText(advice),
    },
  };
}

/**
 * Run a warehouse story: an SMTP catcher on loopback, the scenario's contracts, and for each story day the rows the
 * job pushes, through the real ingest path (check → store → detect → findings → gate → outbox) and the real mail
 * relay; then the advice a training pipeline would get. Everything started is stopped (and the temporary folder
 * removed unless `keep`) even when it fails.
 *
 * @example
 * const r = await runPushDemo({ scenario: underwriting });
 * r.story?.naming?.rule // 'band-convergence'
 */
export async function runPushDemo(options: RunPushDemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const scenario = options.scenario;
  const days = options.days ?? scenario.days;
  if (!Number.isInteger(days) || days < 2)
    throw new UpwatchError('USAGE', `days must be a whole number ≥ 2 for a warehouse story (got ${days})`);
  const logger: Logger = options.logger ?? silentLogger;
  const clock = options.clock ?? new ManualClock(pushInstant(scenario, 0));
  clock.set(pushInstant(scenario, 0));
  const { ownDir, workDir, paths, keep } = demoWorkspace(options);
  let catcher: SmtpCatcher | undefined;
  let watcher: Watcher | undefined;
  try {
    catcher = await startSmtpCatcher();
    mkdirSync(paths.snapshots, { recursive: true });
    const contracts = await loadStoryContracts(paths, scenario, clock.now());
    watcher = createWatcher({
      db: paths.store,
      storeOptions: { synchronous: 'normal' },
      contracts,
      secrets: () => undefined,
      clock,
      logger,
      snapshotsDir: paths.snapshots,
      mail: { smtpUrl: catcher.url },
    });
    const run: PushRun = {
      scenario,
      clock,
      contracts,
      watcher,
      catcher,
      paths,
      options,
      states: new Map(),
      mailSeen: 0,
    };
    const timeline = await runDays(days, options, (day) => pushDay(run, day));
    const story = await conclude(run, timeline, days);
    await options.onEnd?.({ store: watcher.store, contracts, now: clock.now(), paths, kept: keep });
    return {
      scenario: scenario.name,
      description: scenario.description,
      startDate: scenario.startDate,
      days,
      timeline,
      finalStates: [...run.states].map(([feature, state]) => ({ feature, state })),
      summary: { ...summarize(timeline), elapsedMs: Math.round(performance.now() - started) },
      ...(keep ? { kept: paths } : {}),
      feed: 'push',
      story,
    };
  } finally {
    await stopAll(
      [
        () => watcher?.close(),
        () => catcher?.close(),
        () => {
          if (ownDir && options.keep !== true) rmSync(workDir, { recursive: true, force: true });
        },
      ],
      logger,
    );
  }
}
