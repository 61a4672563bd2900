// The present as the relay sees it before sending: findings, decisions and the gate over the contracts' features.
import type { ContractSet, Severity } from '../core/contract.js';
import { featuresTouching } from '../alerts/plan.js';
import {
  reviseNotice,
  type CurrentFeature,
  type NoticeItem,
  type NoticeReviser,
  type NoticeState,
} from '../alerts/revise.js';
import { ALERT_DEFAULTS } from '../alerts/settings.js';
import { checkGate, type GateStore } from '../gate/check-gate.js';
import { decisionOf } from '../store/decisions-repo.js';
import { findingEpisode } from '../store/findings-repo.js';
import { sentAlertPayloads } from '../store/outbox-repo.js';

const RANK: Record<Severity, number> = { info: 0, warn: 1, block: 2 };

/**
 * The current state of findings and features, read from the store at `now` (the gate is computed once).
 *
 * @example
 * storeNoticeState(store, contracts, now).finding(fp, 1)?.status // 'acknowledged'
 */
export function storeNoticeState(store: GateStore, contracts: ContractSet, now: Date): NoticeState {
  let gate: Map<string, ReturnType<typeof checkGate>['features'][number]> | undefined;
  const gateOf = () =>
    (gate ??= new Map(checkGate({ store, contracts, now }).features.map((f) => [f.feature, f])));
  return {
    finding: (fingerprint, episode) => findingEpisode(store, fingerprint, episode),
    decision: (fingerprint, episode) => decisionOf(store, fingerprint, episode),
    alreadyTold: (recipient, fingerprint, episode, exceptOutboxId) => {
      let told: Severity | undefined;
      for (const p of sentAlertPayloads(store, recipient, fingerprint, episode, exceptOutboxId)) {
        const items = (p.notice?.items ?? []) as unknown as NoticeItem[];
        for (const i of items)
          if (
            i.fingerprint === fingerprint &&
            i.episode === episode &&
            (told === undefined || RANK[i.severity] > RANK[told])
          )
            told = i.severity;
      }
      return told;
    },
    features: (f) =>
      featuresTouching(contracts, f).map((feat): CurrentFeature => {
        const effect = feat.policy.blockOn.includes(f.severity)
          ? ('block' as const)
          : feat.policy.warnOn.includes(f.severity)
            ? ('warn' as const)
            : undefined;
        const g = gateOf().get(feat.name);
        return {
          name: feat.name,
          state: g?.state ?? 'ok',
          ...(effect ? { effect } : {}),
          ...(g?.override ? { override: g.override } : {}),
        };
      }),
  };
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
  return (now) => {
    // Read once per relay round: the rows of a round are checked against the same present.
    const state = storeNoticeState(options.store, options.contracts, now);
    const settings = {
      now,
      maxFindings: options.maxFindingsPerMail ?? ALERT_DEFAULTS.maxFindingsPerMail,
      secrets: options.secrets ?? [],
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    };
    return (row) => reviseNotice(row, state, settings);
  };
}
