// Gathering a report from the store and the contracts at one instant: gate, findings with their charts' history, sources.
import { upstreamName } from '../findings/title.js';
import { adviseStore } from '../advisor/advise-store.js';
import { defaultWindow } from '../advisor/window.js';
import { addDays, isoDay } from '../core/clock.js';
import type { ContractSet, FeatureContract } from '../core/contract.js';
import { UpwatchError } from '../core/errors.js';
import { mapSeq } from '../core/map-seq.js';
import type { FeatureGate } from '../core/gate.js';
import type { FindingRecord } from '../core/finding-record.js';
import { checkGate } from '../gate/check-gate.js';
import { modelFeatures } from '../gate/select.js';
import { type SourceStatus } from '../store/source-status.js';
import type { Store } from '../store/store.js';
import type { ReportData, ReportFinding, ReportSource } from './model.js';

/** Days of history drawn before a finding's onset. */
export const CHART_DAYS_BEFORE = 28;
/** Resolved findings listed at most (the rest are counted). */
export const MAX_RESOLVED_LISTED = 200;
/** Default window for recently resolved findings, in days. */
export const DEFAULT_REPORT_DAYS = 30;

export interface CollectReportInput {
  store: Store;
  contracts: ContractSet;
  /** Store path shown in the header. */
  storePath: string;
  /** Contracts directory shown in the header. */
  contractsDir: string;
  /** Contract errors met while loading, shown in the header. */
  contractErrors?: number;
  now: Date;
  /** List findings resolved within this many days (default 30). */
  days?: number;
  /** Only this source and the features that use it. */
  source?: string;
  context?: string;
  /** Read each open finding's chart history (default true; the dashboard's front page draws no chart). */
  charts?: boolean;
}

function inScope(gate: FeatureGate, contracts: ContractSet, source: string | undefined): boolean {
  if (source === undefined) return true;
  const feature = contracts.features.find((f) => f.name === gate.feature);
  return feature?.uses.some((u) => u.source === source) ?? false;
}

/**
 * A finding with what is drawn beside it: its vendor name, the features it moves, and for a metric finding the
 * metric's history from a few weeks before the onset to the last day it was seen (`today` at the latest), with the
 * metric's re-baselines.
 *
 * @example
 * await chartedFinding(store, contracts, finding, [{ name: 'reach_28d', state: 'blocked', effect: 'block' }], '2026-03-20')
 */
export async function chartedFinding(
  store: Store,
  contracts: ContractSet,
  finding: FindingRecord,
  features: ReportFinding['features'],
  today: string,
): Promise<ReportFinding> {
  const declaredSource = contracts.sources.find((s) => s.name === finding.source);
  const item: ReportFinding = { finding, features };
  if (declaredSource) item.upstream = upstreamName(contracts, finding.source);
  if (finding.metric !== undefined) {
    // From a few weeks before the onset to the last day the finding was seen (today for a live store), so a stale
    // store's chart does not stretch to an empty today; the onset always stays in view.
    const onset = isoDay(finding.onset);
    const seen = isoDay(finding.lastSeen);
    const last = seen < today ? seen : today;
    const from = addDays(onset, -CHART_DAYS_BEFORE);
    const to = onset > last ? onset : last;
    item.history = await store.metricHistory(finding.source, finding.metric, {
      sinceDay: from,
      untilDay: to,
      withPoints: true,
    });
    item.chartRange = { from, to };
    const regimes = await store.regimes.history(finding.source, finding.metric);
    if (regimes.length > 0) item.regimes = regimes;
  }
  return item;
}

/**
 * A source as the report and the dashboard show it: its status, provider, freshness window, and the API version
 * pinned in its contract beside the one its last verified poll was served.
 *
 * @example
 * await mapSeq(await store.stats.sourceStatuses(['meta']), (st) => reportSourceOf(store, contracts, st))
 */
export async function reportSourceOf(
  store: Store,
  contracts: ContractSet,
  status: SourceStatus,
): Promise<ReportSource> {
  const contract = contracts.sources.find((s) => s.name === status.source);
  const served = (await store.lastVerifiedPoll(status.source))?.servedVersion;
  const out: ReportSource = { name: status.source, declared: contract !== undefined, status };
  if (contract) {
    out.provider = contract.provider;
    out.freshnessHours = contract.freshnessHours;
    const pinned = contract.connection.apiVersion;
    if (pinned !== undefined) out.pinnedVersion = pinned;
  }
  if (served !== undefined) out.servedVersion = served;
  return out;
}

/**
 * Read what a report shows from the store (read-only) and the contracts, as of `now`. Throws UpwatchError
 * `NOT_FOUND` when `source` is neither declared nor in the store.
 *
 * @example
 * const data = await collectReport({ store, contracts, storePath: store.path, contractsDir: 'contracts', now: new Date() });
 * writeFileSync('upwatch-report.html', renderReport(data));
 */
export async function collectReport(input: CollectReportInput): Promise<ReportData> {
  const { store, contracts, now, source } = input;
  const days = input.days ?? DEFAULT_REPORT_DAYS;
  const today = isoDay(now);
  const declared = contracts.sources.map((s) => s.name);
  const statuses = await store.stats.sourceStatuses(declared);
  if (source !== undefined && !statuses.some((s) => s.source === source)) {
    throw new UpwatchError('NOT_FOUND', `unknown source ${source}`, {
      hint: `sources: ${statuses.map((s) => s.source).join(', ') || 'none (no contracts, empty store)'}`,
    });
  }

  const full = await checkGate({ store, contracts, now });
  const features = full.features.filter((f) => inScope(f, contracts, source));
  const counts = { ok: 0, warn: 0, blocked: 0 };
  for (const f of features) counts[f.state] += 1;
  const gate = { ...full, features, counts, allowed: counts.blocked === 0 };

  const moved = new Map<string, ReportFinding['features']>();
  for (const f of full.features) {
    for (const r of f.reasons) {
      const list = moved.get(r.fingerprint) ?? [];
      list.push({ name: f.feature, state: f.state, effect: r.effect });
      moved.set(r.fingerprint, list);
    }
  }

  const open = await mapSeq(await store.findings.active(source), async (finding): Promise<ReportFinding> => {
    const features = moved.get(finding.fingerprint) ?? [];
    if (input.charts !== false) return chartedFinding(store, contracts, finding, features, today);
    return contracts.sources.some((s) => s.name === finding.source)
      ? { finding, features, upstream: upstreamName(contracts, finding.source) }
      : { finding, features };
  });

  const since = now.getTime() - days * 86_400_000;
  const recent = (
    await store.findings.list({ status: ['resolved'], ...(source === undefined ? {} : { source }) })
  )
    .filter((f) => f.resolvedAt !== undefined && Date.parse(f.resolvedAt) >= since)
    .sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? '') || b.id - a.id);

  const sources = await mapSeq(
    statuses.filter((s) => source === undefined || s.source === source),
    (status) => reportSourceOf(store, contracts, status),
  );

  const touches = (f: FeatureContract) => source === undefined || f.uses.some((u) => u.source === source);
  const models = [
    ...new Set([
      ...contracts.features.flatMap((f) => (f.model !== undefined && touches(f) ? [f.model] : [])),
      ...(contracts.models ?? []).flatMap((m) =>
        modelFeatures(contracts, m.name).some(touches) ? [m.name] : [],
      ),
    ]),
  ].sort();
  const advice = await mapSeq(models, (model) =>
    adviseStore({ store, contracts, model, window: defaultWindow(now), now }),
  );

  return {
    generatedAt: now.toISOString(),
    store: input.storePath,
    contracts: input.contractsDir,
    contractErrors: input.contractErrors ?? 0,
    days,
    ...(source === undefined ? {} : { source }),
    ...(input.context === undefined ? {} : { context: input.context }),
    gate,
    open,
    resolved: recent.slice(0, MAX_RESOLVED_LISTED),
    resolvedOmitted: Math.max(0, recent.length - MAX_RESOLVED_LISTED),
    upstreams: Object.fromEntries(contracts.sources.map((s) => [s.name, upstreamName(contracts, s.name)])),
    sources,
    pauses: (await store.pauses.list()).filter((p) => Date.parse(p.nextAllowedAt) > now.getTime()),
    ...(advice.length > 0 ? { advice } : {}),
  };
}
