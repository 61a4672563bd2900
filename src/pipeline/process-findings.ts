// After a poll: apply the findings lifecycle, audit it, recompute the gate and queue notifications, in one transaction.
import { addDays, isoDay } from '../core/clock.js';
import type { ContractSet, SourceContract } from '../core/contract.js';
import type { Finding } from '../core/finding.js';
import type { Decision } from '../core/decision.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { GateReport, GateState } from '../core/gate.js';
import type { PollOutcome } from '../core/observation.js';
import { planLifecycle, type FindingChange } from '../findings/lifecycle.js';
import { evaluateGate } from '../gate/evaluate.js';
import { gatedSources, verificationLookups, type GateStore } from '../gate/check-gate.js';
import { svgChart } from '../alerts/chart.js';
import { planNotifications, recipientsOf, type NotifyChange } from '../alerts/plan.js';
import { loadNoticeLog, queueMessages } from '../alerts/outbox.js';
import { ALERT_DEFAULTS, type AlertSettings, type ProcessDefaults } from '../alerts/settings.js';

export type { ProcessDefaults };

/** What processFindings writes to: a store through its ports. */
export type ProcessStore = GateStore;

export interface ProcessFindingsInput {
  store: ProcessStore;
  contracts: ContractSet;
  /** The polled source (or its name). */
  source: SourceContract | string;
  /** Findings detection returned for this poll (other sources' findings are ignored). */
  findings: readonly Finding[];
  pollOutcome: PollOutcome;
  now: Date;
  defaults?: ProcessDefaults;
  /** Metrics whose requests failed in a partial poll: their findings neither count as absent nor resolve. */
  unverifiedMetrics?: readonly string[];
}

export interface ProcessResult {
  /** First episodes and reopened fingerprints (episode > 1). */
  opened: FindingRecord[];
  escalated: FindingRecord[];
  /** Seen again (last-seen and evidence updated), including de-escalations. */
  updated: FindingRecord[];
  resolved: FindingRecord[];
  /** Feature states that changed with this poll. */
  featureChanges: { feature: string; from: GateState | undefined; to: GateState }[];
  /** The gate over every feature after this poll (write it to the status file). */
  gate: GateReport;
  /** Outbox rows queued. */
  queued: number;
}

const SYSTEM_ACTOR = 'upwatch';
const HOUR_MS = 3_600_000;

interface PriorEpisodes {
  lastEpisode: number;
  decision?: Decision;
  lastResolved?: FindingRecord;
}

/** For each fingerprint of this poll: its highest stored episode, the latest decision on it, its resolved episode. */
async function priorEpisodes(
  store: ProcessStore,
  findings: readonly Finding[],
): Promise<Map<string, PriorEpisodes>> {
  const out = new Map<string, PriorEpisodes>();
  for (const f of findings) {
    if (out.has(f.fingerprint)) continue;
    const decision = await store.decisions.latest(f.fingerprint);
    const lastResolved = await store.findings.lastResolvedEpisode(f.fingerprint);
    out.set(f.fingerprint, {
      lastEpisode: await store.findings.lastEpisode(f.fingerprint),
      ...(decision ? { decision } : {}),
      ...(lastResolved ? { lastResolved } : {}),
    });
  }
  return out;
}

/**
 * The charts a plan draws (the metric around each finding's onset), read before the plan that uses them: the plan asks
 * for charts synchronously and only for the first few findings of each mail. `plan` is run once with a stand-in
 * chart for every finding with a metric to learn which it asks for; those histories are read, and the returned lookup
 * draws them. A finding whose history turns out empty has no chart, as before.
 */
async function chartsFor(
  store: ProcessStore,
  plan: (chart: (f: FindingRecord) => string | undefined) => unknown,
  now: Date,
  settings: AlertSettings,
): Promise<(f: FindingRecord) => string | undefined> {
  const asked = new Map<string, FindingRecord>();
  plan((f) => {
    asked.set(f.fingerprint, f);
    return f.metric ? 'chart' : undefined;
  });
  const charts = new Map<string, string | undefined>();
  const today = isoDay(now);
  for (const f of asked.values()) {
    if (!f.metric) continue;
    const onset = isoDay(f.onset);
    const until = addDays(onset, settings.chartDaysAfter);
    const history = await store.metricHistory(f.source, f.metric, {
      sinceDay: addDays(onset, -settings.chartDaysBefore),
      untilDay: until < today ? until : today,
      withPoints: true,
    });
    charts.set(f.fingerprint, svgChart(history, { onset, entities: f.entities }));
  }
  return (f) => charts.get(f.fingerprint);
}

// eslint-disable-next-line max-lines-per-function -- one case per lifecycle change, each writing its episode and its audit entry side by side
async function apply(
  store: ProcessStore,
  change: FindingChange,
  at: string,
): Promise<{
  record: FindingRecord;
  notify?: NotifyChange;
  bucket: 'opened' | 'escalated' | 'updated' | 'resolved' | 'none';
}> {
  switch (change.kind) {
    case 'opened': {
      const record = await store.findings.insert(change.record);
      const reopened = record.episode > 1;
      await store.audit.write({
        at,
        actor: SYSTEM_ACTOR,
        action: reopened ? 'reopened' : 'opened',
        targetKind: 'finding',
        target: record.fingerprint,
        reason: record.explanation,
        details: {
          episode: record.episode,
          severity: record.severity,
          rule: record.rule,
          source: record.source,
          metric: record.metric ?? null,
          ...(change.quiet ? { quiet: true } : {}),
        },
      });
      // A quiet reopening (back within the hysteresis window, no more severe) is on the gate, not mailed.
      if (change.quiet) return { record, bucket: 'opened' };
      return { record, notify: { kind: reopened ? 'reopened' : 'new', finding: record }, bucket: 'opened' };
    }
    case 'escalated':
    case 'deescalated': {
      await store.findings.update(change.after);
      await store.audit.write({
        at,
        actor: SYSTEM_ACTOR,
        action: change.kind,
        targetKind: 'finding',
        target: change.after.fingerprint,
        reason: change.after.explanation,
        details: {
          episode: change.after.episode,
          from: change.before.severity,
          to: change.after.severity,
          rule: change.after.rule,
        },
      });
      if (change.kind === 'deescalated') return { record: change.after, bucket: 'updated' };
      return {
        record: change.after,
        notify: { kind: 'escalated', finding: change.after, previousSeverity: change.before.severity },
        bucket: 'escalated',
      };
    }
    case 'seen':
    case 'absent':
      await store.findings.update(change.after);
      return { record: change.after, bucket: change.kind === 'seen' ? 'updated' : 'none' };
    case 'resolved':
      await store.findings.update(change.after);
      await store.audit.write({
        at,
        actor: SYSTEM_ACTOR,
        action: 'resolved',
        targetKind: 'finding',
        target: change.after.fingerprint,
        reason:
          change.after.resolution === 'reverted'
            ? `the upstream returned to the old scale on ${change.revertedOn ?? at.slice(0, 10)}`
            : `absent for ${change.after.goodPollsSinceAbsent} consecutive good polls`,
        details: {
          episode: change.after.episode,
          resolution: change.after.resolution ?? 'absent',
          lifecycle: change.after.lifecycle,
        },
      });
      return {
        record: change.after,
        notify: { kind: 'resolved', finding: change.after },
        bucket: 'resolved',
      };
    case 'ack-expired':
      await store.findings.update(change.after);
      await store.audit.write({
        at,
        actor: SYSTEM_ACTOR,
        action: 'ack-expired',
        targetKind: 'finding',
        target: change.after.fingerprint,
        reason: `acknowledgement by ${change.before.ack?.by ?? '?'} expired at ${change.before.ack?.until ?? '?'}`,
        details: { episode: change.after.episode },
      });
      return { record: change.after, bucket: 'none' };
  }
}

/**
 * Apply one poll's findings to the store: open new fingerprints, update the ones seen again (escalation notifies),
 * resolve those absent for N good polls, reopen resolved fingerprints as a new episode, write every change to the
 * audit log, recompute and store feature states, and queue the notification rows — all in one transaction, so a
 * finding change and its outbox rows commit together or not at all. A failed poll opens and resolves nothing.
 *
 * @example
 * const result = processFindings({ store, contracts, source, findings, pollOutcome: 'ok', now: clock.now() });
 * writeStatusFile('snapshots/status.json', result.gate);
 */
export async function processFindings(input: ProcessFindingsInput): Promise<ProcessResult> {
  const { store, contracts, now } = input;
  const sourceName = typeof input.source === 'string' ? input.source : input.source.name;
  const settings: AlertSettings = { ...ALERT_DEFAULTS };
  for (const [k, v] of Object.entries(input.defaults ?? {})) {
    if (v !== undefined && k in ALERT_DEFAULTS) (settings as unknown as Record<string, unknown>)[k] = v;
  }
  const at = now.toISOString();

  return store.transaction(async () => {
    const changes = await lifecycleChanges(input, sourceName);
    const result: ProcessResult = {
      opened: [],
      escalated: [],
      updated: [],
      resolved: [],
      featureChanges: [],
      gate: undefined!,
      queued: 0,
    };
    const notify: NotifyChange[] = [];
    for (const change of changes) {
      const applied = await apply(store, change, at);
      if (applied.bucket !== 'none') result[applied.bucket].push(applied.record);
      if (applied.notify) notify.push(applied.notify);
    }
    // Gate over every feature, with every source's findings.
    const allActive = await store.findings.active();
    const { gate, featureChanges } = await recomputeGate(store, contracts, allActive, now);
    result.gate = gate;
    result.featureChanges = featureChanges;
    result.queued = await queueNotices(input, settings, notify, allActive, gate);
    return result;
  });
}

/** The lifecycle changes this poll's findings of `sourceName` make, planned over what the store holds. */
async function lifecycleChanges(input: ProcessFindingsInput, sourceName: string): Promise<FindingChange[]> {
  const { store } = input;
  const findings = input.findings.filter((f) => f.source === sourceName);
  // What the lifecycle asks about this poll's fingerprints, read before planning (the plan is a pure function).
  const known = await priorEpisodes(store, findings);
  return planLifecycle({
    active: await store.findings.active(sourceName),
    lastEpisode: (fp) => known.get(fp)?.lastEpisode ?? 0,
    decisionOn: (fp) => known.get(fp)?.decision,
    lastResolved: (fp) => known.get(fp)?.lastResolved,
    findings,
    pollOutcome: input.pollOutcome,
    now: input.now,
    unverifiedMetrics: input.unverifiedMetrics ?? [],
    options: {
      ...(input.defaults?.resolveAfterGoodPolls !== undefined
        ? { resolveAfterGoodPolls: input.defaults.resolveAfterGoodPolls }
        : {}),
      ...(input.defaults?.quietReopenDays !== undefined
        ? { quietReopenDays: input.defaults.quietReopenDays }
        : {}),
    },
  });
}

/**
 * The gate over every feature after the changes, stored per feature with an audit entry for each state that changed;
 * overrides that ran out since the last computation are audited as expired (they expire by themselves).
 */
async function recomputeGate(
  store: ProcessStore,
  contracts: ContractSet,
  allActive: readonly FindingRecord[],
  now: Date,
): Promise<{ gate: GateReport; featureChanges: ProcessResult['featureChanges'] }> {
  const at = now.toISOString();
  const gate = evaluateGate({
    contracts,
    findings: allActive,
    overrides: await store.overrides.active(now),
    ...(await verificationLookups(store, gatedSources(contracts))),
    now,
  });
  const before = await store.overrides.featureStates();
  const lastComputed = [...before.values()].reduce<string | undefined>(
    (m, s) => (m === undefined || s.updatedAt > m ? s.updatedAt : m),
    undefined,
  );
  if (lastComputed !== undefined) {
    for (const o of await store.overrides.expiredBetween(lastComputed, now)) {
      await store.audit.write({
        at,
        actor: SYSTEM_ACTOR,
        action: 'override-expired',
        targetKind: 'override',
        target: o.feature,
        reason: `override ${o.action} by ${o.by} expired at ${o.until}: ${o.reason}`,
        details: { overrideId: o.id, until: o.until },
      });
    }
  }
  const featureChanges: ProcessResult['featureChanges'] = [];
  await store.overrides.saveFeatureStates(
    gate.features.map((f) => ({ feature: f.feature, state: f.state, reasons: f.reasons, at })),
  );
  for (const f of gate.features) {
    const prev = before.get(f.feature)?.state;
    if (prev === f.state) continue;
    featureChanges.push({ feature: f.feature, from: prev, to: f.state });
    await store.audit.write({
      at,
      actor: SYSTEM_ACTOR,
      action: 'state-changed',
      targetKind: 'feature',
      target: f.feature,
      reason: stateReason(f),
      details: { from: prev ?? null, to: f.state, findings: f.reasons.map((r) => r.fingerprint) },
    });
  }
  return { gate, featureChanges };
}

/** Why a feature is in its state, in one audit line. */
function stateReason(f: GateReport['features'][number]): string {
  if (f.override) return `override ${f.override.action} by ${f.override.by}: ${f.override.reason}`;
  if (f.reasons.length)
    return f.reasons.map((r) => `${r.severity} ${r.rule} ${r.metric ?? r.source}`).join('; ');
  if (f.unverified.length)
    return `unverified: ${f.unverified.flatMap((u) => u.metrics.map((m) => `${u.source}/${m}`)).join(', ')}`;
  return 'no open findings';
}

/**
 * Notifications for what changed in this poll, plus due reminders and countdowns, planned over what the store says
 * was already told and queued in the outbox. Returns how many rows were queued.
 */
async function queueNotices(
  input: ProcessFindingsInput,
  settings: AlertSettings,
  notify: readonly NotifyChange[],
  allActive: readonly FindingRecord[],
  gate: GateReport,
): Promise<number> {
  const { store, contracts, now } = input;
  const states = new Map(gate.features.map((f) => [f.feature, f.state]));
  // Reminders and countdowns look at every source's open findings: whichever poll comes first after a reminder
  // falls due sends one mail per recipient for all of them, and the other sources' polls find nothing due.
  const about = [...notify.map((c) => c.finding), ...allActive];
  const log = await loadNoticeLog(store, {
    episodes: about,
    recipients: about.flatMap((f) => recipientsOf(contracts, f, settings.recipients)),
    capWindowStart: new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS).toISOString(),
  });
  const plan = (chart: (f: FindingRecord) => string | undefined) =>
    planNotifications({
      contracts,
      changes: notify,
      active: allActive,
      gate: states,
      log,
      chart,
      now,
      settings,
      secrets: input.defaults?.secrets ?? [],
    });
  return queueMessages(store, plan(await chartsFor(store, plan, now, settings)), now);
}
