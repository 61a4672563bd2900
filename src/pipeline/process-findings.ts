// After a poll: apply the findings lifecycle, audit it, recompute the gate and queue notifications, in one transaction.
import { addDays, isoDay } from '../core/clock.js';
import type { ContractSet, SourceContract } from '../core/contract.js';
import type { MetricHistory } from '../core/detector.js';
import type { Finding } from '../core/finding.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { GateReport, GateState } from '../core/gate.js';
import type { PollOutcome } from '../core/observation.js';
import { planLifecycle, type FindingChange } from '../findings/lifecycle.js';
import { evaluateGate } from '../gate/evaluate.js';
import { verificationLookups, type GateStore } from '../gate/check-gate.js';
import { svgChart } from '../alerts/chart.js';
import { planNotifications, type NotifyChange } from '../alerts/plan.js';
import { queueMessages, storeNoticeLog } from '../alerts/outbox.js';
import { ALERT_DEFAULTS, type AlertSettings, type ProcessDefaults } from '../alerts/settings.js';

export type { ProcessDefaults };
import {
  activeFindings,
  insertFinding,
  lastEpisode,
  lastResolvedEpisode,
  updateFinding,
} from '../store/findings-repo.js';
import { writeAudit } from '../store/audit-repo.js';
import { latestDecision } from '../store/decisions-repo.js';
import {
  activeOverrides,
  featureStates,
  overridesExpiredBetween,
  saveFeatureState,
} from '../store/overrides-repo.js';

/** What processFindings needs from the store (the polling area's `Store` satisfies it). */
export interface ProcessStore extends GateStore {
  metricHistory(
    source: string,
    metric: string,
    options?: { sinceDay?: string; untilDay?: string },
  ): MetricHistory;
}

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

function apply(
  store: ProcessStore,
  change: FindingChange,
  at: string,
): {
  record: FindingRecord;
  notify?: NotifyChange;
  bucket: 'opened' | 'escalated' | 'updated' | 'resolved' | 'none';
} {
  switch (change.kind) {
    case 'opened': {
      const record = insertFinding(store, change.record);
      const reopened = record.episode > 1;
      writeAudit(store, {
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
      updateFinding(store, change.after);
      writeAudit(store, {
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
      updateFinding(store, change.after);
      return { record: change.after, bucket: change.kind === 'seen' ? 'updated' : 'none' };
    case 'resolved':
      updateFinding(store, change.after);
      writeAudit(store, {
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
      updateFinding(store, change.after);
      writeAudit(store, {
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

  return await store.transaction(() => {
    const changes = planLifecycle({
      active: activeFindings(store, sourceName),
      lastEpisode: (fp) => lastEpisode(store, fp),
      decisionOn: (fp) => latestDecision(store, fp),
      lastResolved: (fp) => lastResolvedEpisode(store, fp),
      findings: input.findings.filter((f) => f.source === sourceName),
      pollOutcome: input.pollOutcome,
      now,
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
      const applied = apply(store, change, at);
      if (applied.bucket !== 'none') result[applied.bucket].push(applied.record);
      if (applied.notify) notify.push(applied.notify);
    }

    // Gate over every feature, with every source's findings.
    const allActive = activeFindings(store);
    const gate = evaluateGate({
      contracts,
      findings: allActive,
      overrides: activeOverrides(store, now),
      ...verificationLookups(store),
      now,
    });
    result.gate = gate;
    const before = featureStates(store);
    // Overrides that ran out since the last gate computation are audited as such (they expire by themselves).
    const lastComputed = [...before.values()].reduce<string | undefined>(
      (m, s) => (m === undefined || s.updatedAt > m ? s.updatedAt : m),
      undefined,
    );
    if (lastComputed !== undefined) {
      for (const o of overridesExpiredBetween(store, lastComputed, now)) {
        writeAudit(store, {
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
    for (const f of gate.features) {
      const prev = before.get(f.feature)?.state;
      saveFeatureState(store, { feature: f.feature, state: f.state, reasons: f.reasons, at });
      if (prev !== f.state) {
        result.featureChanges.push({ feature: f.feature, from: prev, to: f.state });
        writeAudit(store, {
          at,
          actor: SYSTEM_ACTOR,
          action: 'state-changed',
          targetKind: 'feature',
          target: f.feature,
          reason: f.override
            ? `override ${f.override.action} by ${f.override.by}: ${f.override.reason}`
            : f.reasons.length
              ? f.reasons.map((r) => `${r.severity} ${r.rule} ${r.metric ?? r.source}`).join('; ')
              : f.unverified.length
                ? `unverified: ${f.unverified.flatMap((u) => u.metrics.map((m) => `${u.source}/${m}`)).join(', ')}`
                : 'no open findings',
          details: { from: prev ?? null, to: f.state, findings: f.reasons.map((r) => r.fingerprint) },
        });
      }
    }

    // Notifications for what changed in this poll, plus due reminders and countdowns.
    const states = new Map(gate.features.map((f) => [f.feature, f.state]));
    const planned = planNotifications({
      contracts,
      changes: notify,
      // Reminders and countdowns look at every source's open findings: whichever poll comes first after a reminder
      // falls due sends one mail per recipient for all of them, and the other sources' polls find nothing due.
      active: allActive,
      gate: states,
      log: storeNoticeLog(store),
      chart: (f) => {
        if (!f.metric) return undefined;
        const onset = isoDay(f.onset);
        const today = isoDay(now);
        const until = addDays(onset, settings.chartDaysAfter);
        const history = store.metricHistory(f.source, f.metric, {
          sinceDay: addDays(onset, -settings.chartDaysBefore),
          untilDay: until < today ? until : today,
        });
        return svgChart(history, { onset, entities: f.entities });
      },
      now,
      settings,
      secrets: input.defaults?.secrets ?? [],
    });
    result.queued = queueMessages(store, planned, now);
    return result;
  });
}
