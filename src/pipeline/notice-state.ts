// The present as the relay sees it before sending: findings, decisions and the gate over the contracts' features.
import type { ContractSet, Severity } from '../core/contract.js';
import { featuresTouching } from '../alerts/plan.js';
import {
  REVISED_KINDS,
  reviseNotice,
  type CurrentFeature,
  type QueuedNotice,
  type NoticeItem,
  type NoticeReviser,
  type NoticeState,
} from '../alerts/revise.js';
import { ALERT_DEFAULTS } from '../alerts/settings.js';
import { checkGate, type GateStore } from '../gate/check-gate.js';
import { UpwatchError } from '../core/errors.js';
import { compareSeverity } from '../core/finding.js';
import type { Decision } from '../core/decision.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { FeatureGate } from '../core/gate.js';
import type { OutboxPayload } from '../store/outbox-repo.js';

/**
 * The current state of the findings `rows` are about, for one relay round: each episode, its decision and the gate
 * (computed once) are read when the round starts; what a row's recipient was already told is read when that row is
 * checked, so a row sees the mails sent earlier in the same round. Asking about an episode no row carries is a bug
 * and throws.
 *
 * @example
 * const stateOf = await storeNoticeState(store, contracts, now, rows);
 * (await stateOf(rows[0])).finding(fp, 1)?.status // 'acknowledged'
 */
export async function storeNoticeState(
  store: GateStore,
  contracts: ContractSet,
  now: Date,
  rows: readonly QueuedNotice[],
): Promise<(row: QueuedNotice) => Promise<NoticeState>> {
  const revised = rows.filter((r) => REVISED_KINDS.includes(r.kind));
  const findings = new Map<string, FindingRecord | undefined>();
  const decisions = new Map<string, Decision | undefined>();
  for (const row of revised) {
    for (const item of itemsOf(row)) {
      const key = `${item.fingerprint}|${item.episode}`;
      if (findings.has(key)) continue;
      findings.set(key, await store.findings.episode(item.fingerprint, item.episode));
      decisions.set(key, await store.decisions.of(item.fingerprint, item.episode));
    }
  }
  const gate =
    revised.length > 0
      ? new Map((await checkGate({ store, contracts, now })).features.map((f) => [f.feature, f]))
      : new Map<string, FeatureGate>();
  const read = <T>(map: Map<string, T>, key: string): T => {
    if (!map.has(key))
      throw new UpwatchError(
        'INTERNAL',
        `the send-time check asked about ${key}, which no claimed row carries`,
        {
          hint: 'report this: storeNoticeState reads what the rows of the round name',
        },
      );
    return map.get(key) as T;
  };
  const features = (f: FindingRecord): CurrentFeature[] =>
    featuresTouching(contracts, f).map((feat): CurrentFeature => {
      const effect = feat.policy.blockOn.includes(f.severity)
        ? ('block' as const)
        : feat.policy.warnOn.includes(f.severity)
          ? ('warn' as const)
          : undefined;
      const g = gate.get(feat.name);
      return {
        name: feat.name,
        state: g?.state ?? 'ok',
        ...(effect ? { effect } : {}),
        ...(g?.override ? { override: g.override } : {}),
      };
    });
  return async (row) => {
    const told = new Map<string, Severity | undefined>();
    if (row.kind === 'alert')
      for (const item of itemsOf(row))
        told.set(
          `${row.recipient}|${item.fingerprint}|${item.episode}|${row.id}`,
          highestTold(
            await store.outbox.sentAlertPayloads(row.recipient, item.fingerprint, item.episode, row.id),
            item.fingerprint,
            item.episode,
          ),
        );
    return {
      finding: (fingerprint, episode) => read(findings, `${fingerprint}|${episode}`),
      decision: (fingerprint, episode) => read(decisions, `${fingerprint}|${episode}`),
      alreadyTold: (recipient, fingerprint, episode, exceptOutboxId) =>
        read(told, `${recipient}|${fingerprint}|${episode}|${exceptOutboxId}`),
      features,
    };
  };
}

function itemsOf(row: QueuedNotice): NoticeItem[] {
  return (row.payload.notice?.items ?? []) as unknown as NoticeItem[];
}

/** The highest severity at which sent alert payloads told about this episode. */
function highestTold(
  payloads: readonly OutboxPayload[],
  fingerprint: string,
  episode: number,
): Severity | undefined {
  let told: Severity | undefined;
  for (const p of payloads) {
    const items = (p.notice?.items ?? []) as unknown as NoticeItem[];
    for (const i of items)
      if (
        i.fingerprint === fingerprint &&
        i.episode === episode &&
        (told === undefined || compareSeverity(i.severity, told) > 0)
      )
        told = i.severity;
  }
  return told;
}

/**
 * The relay's reviser over a store and its contracts: each claimed alert or countdown is checked against the state
 * at send time (see alerts/revise.ts).
 *
 * @example
 * createMailRelay({ store, smtpUrl, clock, revise: storeNoticeReviser({ store, contracts }) });
 */
export function storeNoticeReviser(options: {
  store: GateStore;
  contracts: ContractSet;
  /** Exact secret values to scrub from a rewritten mail. */
  secrets?: readonly string[];
  maxFindingsPerMail?: number;
  /** Dashboard base URL for the links of a rewritten mail (AlertSettings.publicUrl). */
  publicUrl?: string;
}): NoticeReviser {
  return async (now, rows) => {
    // Read once per relay round: the rows of a round are checked against the same present.
    const stateOf = await storeNoticeState(options.store, options.contracts, now, rows);
    const settings = {
      now,
      maxFindings: options.maxFindingsPerMail ?? ALERT_DEFAULTS.maxFindingsPerMail,
      secrets: options.secrets ?? [],
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    };
    return async (row) => reviseNotice(row, await stateOf(row), settings);
  };
}
