// `upwatch demo` as a library call: the simulated upstream, a mail catcher and the real pipeline, one simulated day at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../core/clock.js';
import type { ContractSet } from '../core/contract.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import { UpwatchError } from '../core/errors.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { FindingClass } from '../core/finding.js';
import type { GateReport, GateState } from '../core/gate.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { PollOutcome } from '../core/observation.js';
import type { Severity } from '../core/contract.js';
import { hasErrors, loadContracts } from '../contracts/load.js';
import type { CycleResult } from '../pipeline/cycle.js';
import { simContractEnv, writeSimContracts } from '../sim/contracts.js';
import { startGraphSimulator, type SimulatorHandle } from '../sim/graph-simulator.js';
import { pollInstant, scenarioDate, type Scenario } from '../sim/scenario.js';
import { scenarioByName } from '../sim/scenarios/index.js';
import type { Store } from '../store/store.js';
import { createWatcher, type Watcher } from '../watcher.js';
import { OUTBOX_KINDS, type OutboxKind } from '../store/outbox-repo.js';
import { acceptFinding } from '../findings/accept.js';
import type { DecisionKind } from '../core/decision.js';
import { adviseStore } from '../advisor/advise-store.js';
import { trainingMask } from '../advisor/training-mask.js';
import {
  VERDICTS,
  type MaskAction,
  type SpanKind,
  type SpanWeight,
  type Verdict,
} from '../advisor/advice.js';
import type { TrainingWindow } from '../advisor/window.js';
import { relayUntilDrained } from '../alerts/deliver.js';
import type { Relay } from '../alerts/relay.js';
import { startSmtpCatcher, type CaughtMail, type SmtpCatcher } from './smtp-catcher.js';
import { upstreamNotes } from './story.js';

/** A finding as the timeline shows it. */
export interface DemoFinding {
  fingerprint: string;
  rule: string;
  class: FindingClass;
  severity: Severity;
  source: string;
  metric?: string;
  entities: string[];
  /** Short headline (the detector's title, or the first sentence of the explanation). */
  title: string;
  explanation: string;
  /** Set for escalations. */
  previousSeverity?: Severity;
  /** The declared event whose days hold the finding's onset (it explains the finding; warehouse stories). */
  event?: string;
}

/** What one poll of one source did. */
export interface DemoPoll {
  source: string;
  outcome: PollOutcome;
  values: number;
  requests: number;
  /** Extra attempts the HTTP client made (transient faults and throttling absorbed by retries). */
  retries: number;
  errorCode?: string;
  errorMessage?: string;
  /** Watched docs whose content changed in this poll. */
  docChanges: string[];
  /** True for rows a warehouse job pushed (`upwatch ingest`) rather than a poll. */
  pushed?: boolean;
}

/** An email the SMTP catcher received. */
export interface DemoEmail {
  to: string[];
  subject: string;
  /** What the outbox row it was sent from is: an alert, an hourly-cap digest, a reminder, a countdown, a resolved notice. */
  kind: OutboxKind;
}

/** A decision the story's consumers recorded on a held change (`upwatch accept`). */
export interface DemoDecision {
  fingerprint: string;
  rule: string;
  source: string;
  metric: string;
  kind: DecisionKind;
  factor?: number;
  by: string;
  reason: string;
}

/** The advisor's answer before a scheduled retrain (`upwatch advise` and `upwatch mask`). */
export interface DemoRetrain {
  model: string;
  window: TrainingWindow;
  verdict: Verdict;
  /** The spans that weigh (wait, fix), that a decision covers, and removals announced in the serving period. */
  spans: {
    kind: SpanKind;
    weight: SpanWeight;
    metric: string;
    action: MaskAction;
    factor?: number;
    waitUntil?: string;
    effectiveDate?: string;
  }[];
  /** Rows of the training mask by action. */
  mask: Record<MaskAction, number>;
  /** False when the verdict and its spans are the same as at the previous retrain check. */
  changed: boolean;
}

/** One simulated day of the demo. */
export interface DemoDay {
  /** Simulated day number (0 = the scenario start). */
  day: number;
  /** ISO day. */
  date: string;
  /** The instant of the polls (ISO). */
  at: string;
  /** What the simulated upstream does today, in words (from the scenario). */
  upstream: string[];
  polls: DemoPoll[];
  opened: DemoFinding[];
  escalated: DemoFinding[];
  resolved: DemoFinding[];
  /** Decisions recorded before today's polls (the gate opens on them with today's polls). */
  decisions: DemoDecision[];
  /** The advisor's answer when a retrain is scheduled today (after the polls). */
  retrain?: DemoRetrain;
  /** Feature gate states that changed today (the initial computation on day 0 is not a change). */
  features: { feature: string; from: GateState; to: GateState }[];
  emails: DemoEmail[];
}

/** The whole run. */
export interface DemoResult {
  scenario: string;
  description: string;
  startDate: string;
  days: number;
  timeline: DemoDay[];
  /** Gate state of every feature after the last day. */
  finalStates: { feature: string; state: GateState }[];
  summary: {
    polls: Record<PollOutcome, number>;
    findingsOpened: Record<Severity, number>;
    escalations: number;
    resolutions: number;
    decisions: number;
    /** Retrain checks by verdict. */
    retrains: Record<Verdict, number>;
    featureChanges: number;
    emails: Record<DemoEmail['kind'], number>;
    /** Wall-clock duration of the run, ms. */
    elapsedMs: number;
  };
  /** Where the store, contracts and snapshots are, when kept (`keep` or a caller's `workDir`). */
  kept?: { workDir: string; store: string; snapshots: string; contracts: string };
  /** How values arrived: polled from the simulated APIs (default) or pushed by a warehouse job (`upwatch ingest`). */
  feed?: 'poll' | 'push';
  /** A warehouse story's conclusion: the finding that names the problem and the advice it ends with. */
  story?: DemoStory;
}

/** What a warehouse story concludes. */
export interface DemoStory {
  /** The finding that names the problem, the day it opened; undefined when upwatch missed it. */
  naming?: DemoFinding & { day: number; onset: string };
  /** The declared events the advisor linked findings to, by finding fingerprint. */
  eventLinks: { finding: string; rule: string; metric?: string; onset: string; event: string }[];
  /** `upwatch advise --model M --window FROM..TO`, as a training pipeline would ask it after the last push. */
  advice: { command: string; verdict: Verdict; text: string };
}

/** Progress after each simulated day. */
export interface DemoProgress {
  day: number;
  days: number;
  date: string;
}

export interface RunDemoOptions {
  /** A bundled scenario name or a scenario object. */
  scenario: string | Scenario;
  /** Simulated days to run (default: the scenario's own length). */
  days?: number;
  /** The virtual clock; it is set to each day's poll instant. Default: a new ManualClock. */
  clock?: ManualClock;
  /** Called after each day with its timeline entry. */
  onDay?: (day: DemoDay) => void | Promise<void>;
  onProgress?: (p: DemoProgress) => void;
  /**
   * Directory for the store (`upwatch.db`), the contracts and the doc snapshots. Default: a fresh folder under
   * os.tmpdir(), removed at the end unless `keep`. A directory given here is never removed.
   */
  workDir?: string;
  keep?: boolean;
  logger?: Logger;
  /** Called with every message the SMTP catcher accepts, raw MIME included (tests check what was mailed). */
  onMail?: (mail: CaughtMail) => void;
  /**
   * Called once after the last simulated day, before anything is stopped or removed, with the store, the contracts
   * and the simulated instant (`upwatch demo --report` writes its report here). What it throws fails the run.
   */
  onEnd?: (end: DemoEnd) => void | Promise<void>;
}

/** What `onEnd` receives: the pipeline's state after the last simulated day. */
export interface DemoEnd {
  store: Store;
  contracts: ContractSet;
  /** The virtual clock's instant after the last day's polls. */
  now: Date;
  /** Where the store, contracts and snapshots are (removed after the run unless kept). */
  paths: { workDir: string; store: string; snapshots: string; contracts: string };
  /** Whether `paths` survive the run. */
  kept: boolean;
}

function headline(f: FindingRecord): string {
  if (f.title) return f.title;
  const first = /^(.*?[.!?])(\s|$)/.exec(f.explanation)?.[1] ?? f.explanation;
  return first.length > 160 ? `${first.slice(0, 157)}…` : first;
}

/** A stored finding as the timeline shows it. */
export function toDemoFinding(f: FindingRecord, previousSeverity?: Severity): DemoFinding {
  return {
    fingerprint: f.fingerprint,
    rule: f.rule,
    class: f.class,
    severity: f.severity,
    source: f.source,
    ...(f.metric === undefined ? {} : { metric: f.metric }),
    entities: [...f.entities],
    title: headline(f),
    explanation: f.explanation,
    ...(previousSeverity ? { previousSeverity } : {}),
  };
}

/**
 * The outbox kind of each mail the catcher got, by its Message-ID (the relay sends a row's Message-ID unchanged). A
 * mail that no sent row accounts for means the demo and the relay disagree: that fails the run.
 */
export async function mailKinds(store: Store, mails: readonly CaughtMail[]): Promise<OutboxKind[]> {
  const sent = new Map((await store.outbox.list(['sent'])).map((r) => [r.messageId, r.kind]));
  return mails.map((m) => {
    const kind = sent.get(m.messageId);
    if (kind === undefined) {
      throw new UpwatchError(
        'INTERNAL',
        `demo: no sent outbox row has the Message-ID ${m.messageId} of "${m.subject}"`,
      );
    }
    return kind;
  });
}

function demoPoll(r: CycleResult): DemoPoll {
  const p = r.poll;
  return {
    source: r.source,
    outcome: p.outcome,
    values: p.observationCount,
    requests: p.requests.length,
    retries: p.requests.reduce((n, q) => n + Math.max(0, q.attempts - 1), 0),
    ...(p.errorCode ? { errorCode: p.errorCode } : {}),
    ...(p.errorMessage ? { errorMessage: p.errorMessage } : {}),
    docChanges: r.docChanges.map((d) => d.doc.name),
  };
}

/**
 * Record the scenario's decisions due on `day`, as `upwatch accept` would: every open change finding on the metric is
 * decided. A decision with nothing to decide means the story and the detectors disagree: that fails the run.
 */
async function recordDecisions(
  store: Store,
  scenario: Scenario,
  day: number,
  now: Date,
): Promise<DemoDecision[]> {
  const out: DemoDecision[] = [];
  for (const d of scenario.decisions ?? []) {
    if (d.day !== day) continue;
    const held = (await store.findings.active(d.source)).filter(
      (f) => f.metric === d.metric && f.lifecycle === 'change',
    );
    if (held.length === 0) {
      throw new UpwatchError(
        'INTERNAL',
        `scenario ${scenario.name}: day ${day} decides ${d.source}/${d.metric}, but no change finding is open on it`,
        { hint: 'the detectors no longer hold this change; check the scenario against the detectors' },
      );
    }
    for (const f of held) {
      const { decision } = await acceptFinding(store, {
        finding: f.fingerprint,
        as: d.as,
        reason: d.reason,
        by: d.by,
        ...(d.factor !== undefined ? { factor: d.factor } : {}),
        now,
      });
      out.push({
        fingerprint: f.fingerprint,
        rule: f.rule,
        source: d.source,
        metric: d.metric,
        kind: decision.kind,
        ...(decision.factor !== undefined ? { factor: decision.factor } : {}),
        by: decision.by,
        reason: decision.reason,
      });
    }
  }
  return out;
}

/**
 * The advisor's answer when the scenario schedules a retrain on `day`: the window is the `windowDays` days before
 * it, the question is the one a training pipeline asks (`upwatch advise --model M --window FROM..TO`).
 */
async function retrainCheck(
  store: Store,
  contracts: ContractSet,
  scenario: Scenario,
  day: number,
  now: Date,
  previous: DemoRetrain | undefined,
): Promise<DemoRetrain | undefined> {
  const r = scenario.retrain;
  if (!r || day < r.firstDay || (day - r.firstDay) % r.everyDays !== 0) return undefined;
  const window: TrainingWindow = {
    from: scenarioDate(scenario, day - r.windowDays),
    to: scenarioDate(scenario, day - 1),
  };
  const advice = await adviseStore({ store, contracts, model: r.model, window, now });
  const spans = advice.spans
    .filter((s) => s.weight !== 'note' || s.kind === 'sunset')
    .map((s) => ({
      kind: s.kind,
      weight: s.weight,
      metric: s.metric,
      action: s.action,
      ...(s.factor !== undefined ? { factor: s.factor } : {}),
      ...(s.waitUntil !== undefined ? { waitUntil: s.waitUntil } : {}),
      ...(s.effectiveDate !== undefined ? { effectiveDate: s.effectiveDate } : {}),
    }));
  const mask: Record<MaskAction, number> = { drop: 0, rescale: 0, ok: 0 };
  for (const row of trainingMask(advice)) mask[row.action] += 1;
  const key = (x: Pick<DemoRetrain, 'verdict' | 'spans'>) =>
    JSON.stringify([
      x.verdict,
      [...new Set(x.spans.map((s) => `${s.kind}|${s.weight}|${s.metric}|${s.action}`))].sort(),
    ]);
  const changed = previous === undefined || key(previous) !== key({ verdict: advice.verdict, spans });
  return { model: r.model, window, verdict: advice.verdict, spans, mask, changed };
}

export type DemoPaths = DemoEnd['paths'];

/**
 * Where a demo run keeps its store, contracts and snapshots: the caller's `workDir` (never removed), else a new
 * temporary folder (removed at the end unless `keep`).
 */
export function demoWorkspace(options: { workDir?: string; keep?: boolean }): {
  ownDir: boolean;
  workDir: string;
  paths: DemoPaths;
  keep: boolean;
} {
  const ownDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'upwatch-demo-'));
  const paths: DemoPaths = {
    workDir,
    store: join(workDir, 'upwatch.db'),
    snapshots: join(workDir, 'snapshots'),
    contracts: join(workDir, 'contracts'),
  };
  return { ownDir, workDir, paths, keep: options.keep === true || !ownDir };
}

/** Write the scenario's contracts (pointing at the running simulator) and load them; a contract issue fails the run. */
async function loadDemoContracts(
  paths: DemoPaths,
  scenario: Scenario,
  simUrl: string,
  now: Date,
): Promise<ContractSet> {
  writeSimContracts(paths.contracts, scenario, simUrl);
  const loaded = await loadContracts(paths.contracts, {
    env: simContractEnv(scenario),
    now,
    root: paths.workDir,
  });
  if (hasErrors(loaded.diagnostics)) {
    throw new UpwatchError(
      'CONTRACTS_INVALID',
      `the ${scenario.name} scenario contracts do not load:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`,
    );
  }
  return loaded.contracts;
}

/** The real pipeline over a throwaway store, mailing the catcher, on the virtual clock. */
function demoWatcher(
  paths: DemoPaths,
  scenario: Scenario,
  contracts: ContractSet,
  clock: ManualClock,
  logger: Logger,
  smtpUrl: string,
): Watcher {
  return createWatcher({
    db: paths.store,
    // A throwaway store: commits need not reach the disk (a crash loses nothing that matters).
    storeOptions: { synchronous: 'normal' },
    contracts,
    secrets: simContractEnv(scenario),
    clock,
    logger,
    snapshotsDir: paths.snapshots,
    alerts: { secrets: [scenario.graph.accessToken, scenario.partner.token] },
    // Retry waits move the virtual clock instead of sleeping: a Retry-After of 1 s costs no real time.
    http: {
      sleep: (ms) => {
        clock.advanceMs(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    },
    mail: { smtpUrl },
  });
}

/** One running demo: its world and what it remembers from one day to the next. */
interface DemoRun {
  scenario: Scenario;
  clock: ManualClock;
  contracts: ContractSet;
  watcher: Watcher;
  catcher: SmtpCatcher;
  /** The watcher's relay, created before the first day. */
  relay: Pick<Relay, 'relayOnce'>;
  options: RunDemoOptions;
  /** Each feature's gate state at the end of the previous day. */
  states: Map<string, GateState>;
  /** Mails of the catcher already on the timeline. */
  mailSeen: number;
  lastRetrain?: DemoRetrain;
}

/** Poll every source once at the day's instant, then relay the mail, record what changed and ask the advisor. */
async function runDay(run: DemoRun, day: number): Promise<DemoDay> {
  const { scenario, clock, contracts, watcher, catcher, options, states } = run;
  const { store } = watcher;
  clock.set(pollInstant(scenario, day));
  const at = clock.now().toISOString();
  const entry: DemoDay = {
    day,
    date: scenarioDate(scenario, day),
    at,
    upstream: upstreamNotes(scenario, day),
    polls: [],
    opened: [],
    escalated: [],
    resolved: [],
    decisions: await recordDecisions(store, scenario, day, clock.now()),
    features: [],
    emails: [],
  };
  let gate: GateReport | undefined;
  for (const source of contracts.sources) {
    const r = await watcher.cycle(source);
    entry.polls.push(demoPoll(r));
    const p = r.processed;
    if (!p) continue;
    entry.opened.push(...p.opened.map((f) => toDemoFinding(f)));
    for (const f of p.escalated) {
      const before = entry.opened.find((o) => o.fingerprint === f.fingerprint);
      entry.escalated.push(toDemoFinding(f, before?.severity));
    }
    entry.resolved.push(...p.resolved.map((f) => toDemoFinding(f)));
    gate = p.gate;
  }
  // Feature changes from the end of the previous day to the end of this one (every feature starts `ok`): a
  // state seen only between two sources' cycles of the same day is not a change.
  for (const f of gate?.features ?? []) {
    const from = states.get(f.feature) ?? 'ok';
    if (f.state !== from) entry.features.push({ feature: f.feature, from, to: f.state });
    states.set(f.feature, f.state);
  }
  // The relay sends what the day queued (and retries what is due) over real SMTP to the catcher.
  await relayUntilDrained(run.relay, clock);
  const caught = catcher.received.slice(run.mailSeen);
  const kinds = await mailKinds(store, caught);
  caught.forEach((m, i) => {
    entry.emails.push({ to: [...m.to], subject: m.subject, kind: kinds[i]! });
    options.onMail?.(m);
  });
  run.mailSeen = catcher.received.length;
  const retrain = await retrainCheck(store, contracts, scenario, day, clock.now(), run.lastRetrain);
  if (retrain) {
    entry.retrain = retrain;
    run.lastRetrain = retrain;
  }
  return entry;
}

/** The run's counts, from its timeline (the wall-clock time is the caller's). */
/** Run `days` simulated days in order with `runOne`, telling the caller of each (`onDay`, `onProgress`). */
export async function runDays(
  days: number,
  options: Pick<RunDemoOptions, 'onDay' | 'onProgress'>,
  runOne: (day: number) => Promise<DemoDay>,
): Promise<DemoDay[]> {
  const timeline: DemoDay[] = [];
  for (let day = 0; day < days; day++) {
    const entry = await runOne(day);
    timeline.push(entry);
    await options.onDay?.(entry);
    options.onProgress?.({ day, days, date: entry.date });
  }
  return timeline;
}

export function summarize(timeline: readonly DemoDay[]): Omit<DemoResult['summary'], 'elapsedMs'> {
  const polls: Record<PollOutcome, number> = { ok: 0, partial: 0, failed: 0 };
  const findingsOpened: Record<Severity, number> = { block: 0, warn: 0, info: 0 };
  const emails = Object.fromEntries(OUTBOX_KINDS.map((k) => [k, 0])) as Record<OutboxKind, number>;
  let escalations = 0;
  let resolutions = 0;
  let decisions = 0;
  const retrains = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  let featureChanges = 0;
  for (const d of timeline) {
    for (const p of d.polls) polls[p.outcome] += 1;
    for (const f of d.opened) findingsOpened[f.severity] += 1;
    for (const e of d.emails) emails[e.kind] += 1;
    escalations += d.escalated.length;
    resolutions += d.resolved.length;
    decisions += d.decisions.length;
    if (d.retrain) retrains[d.retrain.verdict] += 1;
    featureChanges += d.features.length;
  }
  return { polls, findingsOpened, escalations, resolutions, decisions, retrains, featureChanges, emails };
}

/** Run each stop step even when an earlier one failed; a failure is logged, not thrown. */
export async function stopAll(steps: readonly (() => unknown)[], logger: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      logger.warn('demo cleanup step failed', { error: (e as Error).message });
    }
  }
}

/**
 * Run the demo: start the simulated Graph/partner APIs and an SMTP catcher on loopback, write the scenario's
 * contracts, and for each simulated day run the real pipeline for every source (poll → store → detect → findings →
 * gate → outbox) and then the real mail relay over SMTP. Returns the timeline. Everything it started is stopped
 * (and the temporary folder removed unless `keep`) even when it fails.
 *
 * @example
 * const result = await runDemo({ scenario: 'meta-2024', days: 180 });
 * result.timeline.filter((d) => d.opened.length > 0).map((d) => d.day); // [0, 30, 70, 77, …]
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const scenario = typeof options.scenario === 'string' ? scenarioByName(options.scenario) : options.scenario;
  const days = options.days ?? scenario.days;
  if (!Number.isInteger(days) || days < 1) {
    throw new UpwatchError('USAGE', `days must be a whole number ≥ 1 (got ${days})`);
  }
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? new ManualClock(pollInstant(scenario, 0));
  clock.set(pollInstant(scenario, 0));
  const { ownDir, workDir, paths, keep } = demoWorkspace(options);

  let sim: SimulatorHandle | undefined;
  let catcher: SmtpCatcher | undefined;
  let watcher: Watcher | undefined;
  try {
    sim = await startGraphSimulator({ clock, scenario });
    catcher = await startSmtpCatcher();
    // Loaded as of the simulated start: the built-in knowledge flags page_engaged_users after its real removal.
    const contracts = await loadDemoContracts(paths, scenario, sim.url, clock.now());
    watcher = demoWatcher(paths, scenario, contracts, clock, logger, catcher.url);
    const run: DemoRun = {
      scenario,
      clock,
      contracts,
      watcher,
      catcher,
      relay: watcher.mailRelay()!.relay,
      options,
      states: new Map(),
      mailSeen: 0,
    };
    const timeline = await runDays(days, options, (day) => runDay(run, day));
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
    };
  } finally {
    // Stop in reverse order of dependence; each step runs even if an earlier one failed.
    await stopAll(
      [
        () => watcher?.close(),
        () => sim?.close(),
        () => catcher?.close(),
        () => {
          if (ownDir && options.keep !== true) rmSync(workDir, { recursive: true, force: true });
        },
      ],
      logger,
    );
  }
}
