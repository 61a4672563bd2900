// The store's rows as records and records as rows: one mapping that the SQLite store and the PostgreSQL store share
// (polls with their requests and outcomes, history points, findings), so that the two read and write alike.
import { isoDay } from '../core/clock.js';
import type { Decision, DecisionKind } from '../core/decision.js';
import type { SeriesPoint } from '../core/detector.js';
import type { Severity } from '../core/contract.js';
import type { Evidence, FindingClass } from '../core/finding.js';
import type { FindingLifecycle, FindingResolution } from '../core/finding-lifecycle.js';
import type { FindingRecord, FindingStatus } from '../core/finding-record.js';
import type {
  FetchResult,
  JsonType,
  MetricOutcome,
  PayloadSchema,
  PollOutcome,
  PollRecord,
  RawObservation,
  RequestRecord,
  UpstreamErrorInfo,
} from '../core/observation.js';

/** A `polls` row. */
export interface PollRow {
  id: number;
  source: string;
  started_at: string;
  finished_at: string;
  outcome: PollOutcome;
  error_code: string | null;
  error_message: string | null;
  served_version: string | null;
  observation_count: number;
  payload_schema: string | null;
  payload_hash: string | null;
}

/** A `requests` row. */
export interface RequestRow {
  poll_id: number;
  method: string;
  url: string;
  status: number | null;
  latency_ms: number;
  attempts: number;
  headers: string;
  metric: string | null;
  entity: string | null;
  error: string | null;
}

/** A `metric_outcomes` row. */
export interface OutcomeRow {
  poll_id: number;
  metric: string;
  entity: string | null;
  status: MetricOutcome['status'];
  error: string | null;
}

/** The columns of an `observations` row that a metric's history reads. */
export interface HistoryRow {
  entity: string;
  period_end: string;
  day: string;
  value: number | null;
  first_value: number | null;
  json_type: JsonType;
  breakdown: string | null;
  first_seen: string;
  last_seen: string;
}

/** A request as stored. */
export function requestFromRow(r: RequestRow): RequestRecord {
  return {
    method: r.method,
    url: r.url,
    ...(r.status === null ? {} : { status: r.status }),
    latencyMs: r.latency_ms,
    attempts: r.attempts,
    headers: JSON.parse(r.headers) as Record<string, string>,
    ...(r.metric === null ? {} : { metric: r.metric }),
    ...(r.entity === null ? {} : { entity: r.entity }),
    ...(r.error === null ? {} : { error: JSON.parse(r.error) as UpstreamErrorInfo }),
  };
}

/** A metric outcome as stored. */
export function outcomeFromRow(o: OutcomeRow): MetricOutcome {
  return {
    metric: o.metric,
    ...(o.entity === null ? {} : { entity: o.entity }),
    status: o.status,
    ...(o.error === null ? {} : { error: JSON.parse(o.error) as UpstreamErrorInfo }),
  };
}

/**
 * Polls with their requests and outcomes, from the poll rows and the request and outcome rows of those polls (in
 * `seq` order per poll).
 *
 * @example
 * pollsFromRows(pollRows, requestRows, outcomeRows)[0].requests // the first poll's requests, in order
 */
export function pollsFromRows(
  rows: readonly PollRow[],
  requestRows: Iterable<RequestRow>,
  outcomeRows: Iterable<OutcomeRow>,
): PollRecord[] {
  const requests = new Map<number, RequestRecord[]>();
  for (const r of requestRows) {
    const list = requests.get(r.poll_id) ?? [];
    list.push(requestFromRow(r));
    requests.set(r.poll_id, list);
  }
  const outcomes = new Map<number, MetricOutcome[]>();
  for (const o of outcomeRows) {
    const list = outcomes.get(o.poll_id) ?? [];
    list.push(outcomeFromRow(o));
    outcomes.set(o.poll_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    ...(r.error_code === null ? {} : { errorCode: r.error_code }),
    ...(r.error_message === null ? {} : { errorMessage: r.error_message }),
    ...(r.served_version === null ? {} : { servedVersion: r.served_version }),
    observationCount: r.observation_count,
    requests: requests.get(r.id) ?? [],
    metricOutcomes: outcomes.get(r.id) ?? [],
    ...(r.payload_schema === null ? {} : { payloadSchema: JSON.parse(r.payload_schema) as PayloadSchema }),
    ...(r.payload_hash === null ? {} : { payloadHash: r.payload_hash }),
  }));
}

/** What a poll is recorded from (a store's `recordPoll` input): the poll's own fields and what it fetched. */
export type RecordPollInput = Pick<
  PollRecord,
  'source' | 'startedAt' | 'finishedAt' | 'outcome' | 'errorCode' | 'errorMessage'
> & { fetch: FetchResult };

/**
 * The record of a poll just written, built from its input (what was written) rather than read back: saves three
 * queries per poll.
 */
export function recordedPoll(id: number, input: RecordPollInput): PollRecord {
  const f = input.fetch;
  return {
    id,
    source: input.source,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    outcome: input.outcome,
    ...(input.errorCode === undefined ? {} : { errorCode: input.errorCode }),
    ...(input.errorMessage === undefined ? {} : { errorMessage: input.errorMessage }),
    ...(f.servedVersion === undefined ? {} : { servedVersion: f.servedVersion }),
    observationCount: f.observations.length,
    requests: f.requests.map((r) => ({ ...r })),
    metricOutcomes: f.metricOutcomes.map((o) => ({ ...o })),
    ...(f.payloadSchema === undefined ? {} : { payloadSchema: f.payloadSchema }),
    ...(f.payloadHash === undefined ? {} : { payloadHash: f.payloadHash }),
  };
}

/** The `polls` columns a poll writes, in the order of `pollValues`. */
export const POLL_COLUMNS =
  'source, started_at, finished_at, outcome, error_code, error_message, served_version, observation_count, payload_schema, payload_hash';

/** A poll's `polls` row values, in `POLL_COLUMNS` order. */
export function pollValues(input: RecordPollInput): (string | number | null)[] {
  const f = input.fetch;
  return [
    input.source,
    input.startedAt,
    input.finishedAt,
    input.outcome,
    input.errorCode ?? null,
    input.errorMessage ?? null,
    f.servedVersion ?? null,
    f.observations.length,
    f.payloadSchema ? JSON.stringify(f.payloadSchema) : null,
    f.payloadHash ?? null,
  ];
}

/** A request's `requests` row values after `poll_id`: seq, method, url, status, latency_ms, attempts, headers, metric, entity, error. */
export function requestValues(r: RequestRecord, seq: number): (string | number | null)[] {
  return [
    seq,
    r.method,
    r.url,
    r.status ?? null,
    r.latencyMs,
    r.attempts,
    JSON.stringify(r.headers),
    r.metric ?? null,
    r.entity ?? null,
    r.error ? JSON.stringify(r.error) : null,
  ];
}

/** A metric outcome's `metric_outcomes` row values after `poll_id`: seq, metric, entity, status, error. */
export function outcomeValues(o: MetricOutcome, seq: number): (string | number | null)[] {
  return [seq, o.metric, o.entity ?? null, o.status, o.error ? JSON.stringify(o.error) : null];
}

/** One point of a metric's history. */
export function seriesPointFromRow(r: HistoryRow): SeriesPoint {
  const point: SeriesPoint = {
    periodEnd: r.period_end,
    day: r.day,
    value: r.value,
    firstValue: r.first_value,
    jsonType: r.json_type,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  };
  const breakdown = r.breakdown === null ? null : (JSON.parse(r.breakdown) as Record<string, number> | null);
  if (breakdown) point.breakdown = breakdown;
  return point;
}

/** A history row as an array, in the order of HistoryRow's fields (the SQLite store reads them raw). */
export type HistoryTuple = [
  entity: string,
  periodEnd: string,
  day: string,
  value: number | null,
  firstValue: number | null,
  jsonType: JsonType,
  breakdown: string | null,
  firstSeen: string,
  lastSeen: string,
];

/** A history row as its columns (SeriesColumns): entity, day number, value, first value, first-seen day number. */
export type HistoryColumnsTuple = [
  entity: string,
  day: number | null,
  value: number | null,
  firstValue: number | null,
  firstSeenDay: number | null,
];

/** seriesPointFromRow of a row read as an array. */
export function seriesPointFromTuple(r: HistoryTuple): SeriesPoint {
  const point: SeriesPoint = {
    periodEnd: r[1],
    day: r[2],
    value: r[3],
    firstValue: r[4],
    jsonType: r[5],
    firstSeen: r[7],
    lastSeen: r[8],
  };
  const breakdown = r[6] === null ? null : (JSON.parse(r[6]) as Record<string, number> | null);
  if (breakdown) point.breakdown = breakdown;
  return point;
}

/** UTC day of a period end, as stored in `observations.day`; canonical `…Z` ISO strings are sliced, not parsed. */
export function dayOf(periodEnd: string): string {
  return periodEnd.length >= 20 && periodEnd.endsWith('Z') && periodEnd[10] === 'T'
    ? periodEnd.slice(0, 10)
    : isoDay(periodEnd);
}

/** The order of the observations primary key (source, metric, period end, entity), byte-wise. */
export function compareObservationKeys(a: RawObservation, b: RawObservation): number {
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  if (a.metric !== b.metric) return a.metric < b.metric ? -1 : 1;
  if (a.periodEnd !== b.periodEnd) return a.periodEnd < b.periodEnd ? -1 : 1;
  if (a.entity !== b.entity) return a.entity < b.entity ? -1 : 1;
  return 0;
}

/** The findings table's content columns, in insert order. */
export const FINDING_COLUMNS = [
  'fingerprint',
  'episode',
  'rule',
  'class',
  'severity',
  'source',
  'metric',
  'subject',
  'title',
  'entities',
  'entity_share',
  'onset',
  'effective_date',
  'announced_on',
  'replacement',
  'evidence',
  'explanation',
  'status',
  'detected_at',
  'first_seen',
  'last_seen',
  'good_polls_since_absent',
  'ack_reason',
  'ack_by',
  'ack_at',
  'ack_until',
  'resolved_at',
  'lifecycle',
  'resolution',
] as const;

/** A `findings` row: its id and content columns. */
export type FindingRow = { id: number } & {
  [K in (typeof FINDING_COLUMNS)[number]]: K extends 'episode' | 'good_polls_since_absent'
    ? number
    : K extends 'entity_share'
      ? number | null
      : K extends
            | 'metric'
            | 'subject'
            | 'title'
            | 'effective_date'
            | 'announced_on'
            | 'replacement'
            | 'ack_reason'
            | 'ack_by'
            | 'ack_at'
            | 'ack_until'
            | 'resolved_at'
            | 'resolution'
        ? string | null
        : string;
};

/** A finding as stored. */
export function findingFromRow(r: FindingRow): FindingRecord {
  const rec: FindingRecord = {
    id: r.id,
    fingerprint: r.fingerprint,
    episode: r.episode,
    rule: r.rule,
    class: r.class as FindingClass,
    severity: r.severity as Severity,
    source: r.source,
    entities: JSON.parse(r.entities) as string[],
    onset: r.onset,
    evidence: JSON.parse(r.evidence) as Evidence,
    explanation: r.explanation,
    status: r.status as FindingStatus,
    detectedAt: r.detected_at,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    goodPollsSinceAbsent: r.good_polls_since_absent,
    lifecycle: r.lifecycle as FindingLifecycle,
  };
  if (r.metric !== null) rec.metric = r.metric;
  if (r.subject !== null) rec.subject = r.subject;
  if (r.title !== null) rec.title = r.title;
  if (r.entity_share !== null) rec.entityShare = r.entity_share;
  if (r.effective_date !== null) rec.effectiveDate = r.effective_date;
  if (r.announced_on !== null) rec.announcedOn = r.announced_on;
  if (r.replacement !== null) rec.replacement = r.replacement;
  if (r.resolved_at !== null) rec.resolvedAt = r.resolved_at;
  if (r.status === 'resolved') rec.resolution = (r.resolution ?? 'absent') as FindingResolution;
  if (r.ack_reason !== null && r.ack_by !== null && r.ack_at !== null) {
    rec.ack = { reason: r.ack_reason, by: r.ack_by, at: r.ack_at };
    if (r.ack_until !== null) rec.ack.until = r.ack_until;
  }
  return rec;
}

/** A finding's content columns, by column name. */
export function findingColumns(
  f: Omit<FindingRecord, 'id'>,
): Record<(typeof FINDING_COLUMNS)[number], string | number | null> {
  return {
    fingerprint: f.fingerprint,
    episode: f.episode,
    rule: f.rule,
    class: f.class,
    severity: f.severity,
    source: f.source,
    metric: f.metric ?? null,
    subject: f.subject ?? null,
    title: f.title ?? null,
    entities: JSON.stringify(f.entities),
    entity_share: f.entityShare ?? null,
    onset: f.onset,
    effective_date: f.effectiveDate ?? null,
    announced_on: f.announcedOn ?? null,
    replacement: f.replacement ?? null,
    evidence: JSON.stringify(f.evidence),
    explanation: f.explanation,
    status: f.status,
    detected_at: f.detectedAt,
    first_seen: f.firstSeen,
    last_seen: f.lastSeen,
    good_polls_since_absent: f.goodPollsSinceAbsent,
    ack_reason: f.ack?.reason ?? null,
    ack_by: f.ack?.by ?? null,
    ack_at: f.ack?.at ?? null,
    ack_until: f.ack?.until ?? null,
    resolved_at: f.resolvedAt ?? null,
    lifecycle: f.lifecycle,
    resolution: f.status === 'resolved' ? (f.resolution ?? 'absent') : null,
  };
}

/** A `decisions` row. */
export interface DecisionRow {
  id: number;
  fingerprint: string;
  episode: number;
  source: string;
  metric: string | null;
  rule: string;
  kind: string;
  factor: number | null;
  onset: string;
  reason: string;
  decided_by: string;
  decided_at: string;
}

/** The `decisions` columns a decision writes, in the order of `decisionValues`. */
export const DECISION_COLUMNS =
  'fingerprint, episode, source, metric, rule, kind, factor, onset, reason, decided_by, decided_at';

/** A decision's row values, in `DECISION_COLUMNS` order. */
export function decisionValues(d: Omit<Decision, 'id'>): (string | number | null)[] {
  return [
    d.fingerprint,
    d.episode,
    d.source,
    d.metric ?? null,
    d.rule,
    d.kind,
    d.factor ?? null,
    d.onset,
    d.reason,
    d.by,
    d.at,
  ];
}

/** A decision as stored. */
export function decisionFromRow(r: DecisionRow): Decision {
  const d: Decision = {
    id: r.id,
    fingerprint: r.fingerprint,
    episode: r.episode,
    source: r.source,
    rule: r.rule,
    kind: r.kind as DecisionKind,
    onset: r.onset,
    reason: r.reason,
    by: r.decided_by,
    at: r.decided_at,
  };
  if (r.metric !== null) d.metric = r.metric;
  if (r.factor !== null) d.factor = r.factor;
  return d;
}
