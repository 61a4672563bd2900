// Observed values and what one poll of a source saw: the currency between providers, the store and detectors.

/** JSON type of a value as received, for schema and representation checks. */
export const JSON_TYPES = [
  'null',
  'bool',
  'int',
  'float',
  'numeric-string',
  'string',
  'object',
  'array',
] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** Classify a received JSON value. */
export function jsonTypeOf(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string')
    return v.trim() !== '' && Number.isFinite(Number(v)) ? 'numeric-string' : 'string';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** One value as a provider returned it. */
export interface RawObservation {
  source: string;
  metric: string;
  entity: string;
  /** End of the period the value covers, ISO 8601 UTC date-time (e.g. `2026-03-14T07:00:00.000Z`). */
  periodEnd: string;
  /**
   * ISO day the period is attributed to (SeriesPoint.day); set by the provider (Meta: the day before `end_time`).
   * Defaults to the UTC day of `periodEnd` when omitted.
   */
  day?: string;
  /** Numeric value; a breakdown object is summed; null when absent or null upstream. */
  value: number | null;
  jsonType: JsonType;
  /** Breakdown object as received (e.g. reactions by type), when the value was an object. */
  breakdown?: Record<string, number>;
}

/** One value as the store keeps it: the latest value plus the first one seen, so restatements are visible. */
export interface Observation extends RawObservation {
  firstValue: number | null;
  firstSeen: string;
  lastSeen: string;
}

/** Response headers upwatch keeps for deprecation detection (lower-case names). */
export const KEPT_HEADERS = [
  'deprecation',
  'sunset',
  'link',
  'warning',
  'facebook-api-version',
  'x-app-usage',
  'x-business-use-case-usage',
  'x-page-usage',
  'x-ad-account-usage',
  'x-shopify-api-deprecated-reason',
  'stripe-notice',
  'stripe-version',
  'x-github-api-version',
  'x-api-deprecation-date',
  'x-api-deprecation-info',
  'retry-after',
  'etag',
  'last-modified',
  'content-type',
] as const;

/** An error an upstream returned, parsed (no secrets: message text only as the upstream sent it, scrubbed). */
export interface UpstreamErrorInfo {
  /** upwatch error code, e.g. `UPSTREAM_INVALID_METRIC`, `HTTP_TIMEOUT`. */
  code: string;
  message: string;
  status?: number;
  /** Meta Graph error code / subcode / trace id. */
  graphCode?: number;
  graphSubcode?: number;
  fbtraceId?: string;
  retryable: boolean;
}

/** One HTTP request made during a poll (URL with secrets redacted). */
export interface RequestRecord {
  method: string;
  url: string;
  status?: number;
  latencyMs: number;
  attempts: number;
  /** Kept response headers (see KEPT_HEADERS), lower-case names. */
  headers: Record<string, string>;
  metric?: string;
  entity?: string;
  error?: UpstreamErrorInfo;
}

/** What happened to one metric (optionally one entity) in a poll. */
export interface MetricOutcome {
  metric: string;
  entity?: string;
  /** ok: values arrived; missing: request succeeded but the metric was absent or `data: []`; error: request failed. */
  status: 'ok' | 'missing' | 'error';
  error?: UpstreamErrorInfo;
}

/**
 * Error codes by which an upstream answered definitively about a metric: it rejects the metric as invalid (Meta
 * error #100) or the resource is gone (410). Such an answer verifies the metric — its state is known, and it is
 * broken — unlike a timeout, a 5xx, a body that is not JSON or a reset connection, which verify nothing.
 */
export const DEFINITE_ERROR_CODES: ReadonlySet<string> = new Set([
  'UPSTREAM_INVALID_METRIC',
  'UPSTREAM_GONE',
]);

/**
 * True when an error is the upstream's definite answer about what was asked: a code in DEFINITE_ERROR_CODES, or
 * HTTP 410 Gone whatever the provider's code for it.
 *
 * @example
 * isDefiniteAnswer({ code: 'UPSTREAM_ERROR', message: 'gone', status: 410, retryable: false }) // true
 */
export function isDefiniteAnswer(error: UpstreamErrorInfo): boolean {
  return DEFINITE_ERROR_CODES.has(error.code) || error.status === 410;
}

/**
 * True when the upstream gave a definite answer about this metric (and entity): values, a confirmed absence, or a
 * definite rejection (isDefiniteAnswer).
 *
 * @example
 * isVerifiedOutcome({ metric: 'page_fans', status: 'error', error: { code: 'UPSTREAM_INVALID_METRIC', message: '(#100) …', retryable: false } }) // true
 * isVerifiedOutcome({ metric: 'page_follows', status: 'error', error: { code: 'HTTP_TIMEOUT', message: '…', retryable: true } }) // false
 */
export function isVerifiedOutcome(o: MetricOutcome): boolean {
  return o.status !== 'error' || (o.error !== undefined && isDefiniteAnswer(o.error));
}

/**
 * Split the metrics of a poll into verified (every entity got a definite answer) and unverified (at least one
 * entity did not), each sorted and unique.
 *
 * @example
 * metricVerification(poll.metricOutcomes) // { verified: ['page_media_view'], unverified: ['page_follows'] }
 */
export function metricVerification(outcomes: readonly MetricOutcome[]): {
  verified: string[];
  unverified: string[];
} {
  const unverified = new Set<string>();
  const all = new Set<string>();
  for (const o of outcomes) {
    all.add(o.metric);
    if (!isVerifiedOutcome(o)) unverified.add(o.metric);
  }
  return {
    verified: [...all].filter((m) => !unverified.has(m)).sort(),
    unverified: [...unverified].sort(),
  };
}

/** Distinct string values kept per path and poll, and the length each is cut to (enum tracking). */
export const PATH_STRINGS_MAX = 20;
export const PATH_STRING_CHARS = 100;

/** What a payload carried at one JSON path: a count per JSON type, and its first distinct string values. */
export type PathShape = Partial<Record<JsonType, number>> & {
  /** Up to PATH_STRINGS_MAX distinct `string` values, each cut to PATH_STRING_CHARS, in order of appearance. */
  strings?: string[];
  /** Set when the path carried more distinct strings than kept: not an enum. */
  stringsCapped?: true;
};

/** Per JSON path of a payload: how many values of each type were seen. Arrays collapse to `[]`. */
export type PayloadSchema = Record<string, PathShape>;

/**
 * The JSON type counts of a path's shape, without its string values.
 *
 * @example
 * typeCounts({ string: 2, strings: ['day'] }) // [['string', 2]]
 */
export function typeCounts(shape: PathShape): [JsonType, number][] {
  return JSON_TYPES.filter((t) => shape[t] !== undefined).map((t) => [t, shape[t]!]);
}

/** Everything a provider fetch returns; the pipeline stores it as one poll. */
export interface FetchResult {
  observations: RawObservation[];
  requests: RequestRecord[];
  metricOutcomes: MetricOutcome[];
  /** API version that served the calls (e.g. Meta's `facebook-api-version`), when the upstream says. */
  servedVersion?: string;
  /** Shape of the payloads seen, for schema-change detection. */
  payloadSchema?: PayloadSchema;
  /** Hash of the whole normalized payload, for "payload identical to the previous period". */
  payloadHash?: string;
}

/**
 * `ok`: every metric delivered values or a confirmed absence; `partial`: the upstream answered definitively for some
 * metrics but not all delivered data (some failed, or were rejected as invalid or gone); `failed`: no metric got a
 * definite answer (could not verify anything).
 */
export const POLL_OUTCOMES = ['ok', 'partial', 'failed'] as const;
export type PollOutcome = (typeof POLL_OUTCOMES)[number];

/** A poll as stored. */
export interface PollRecord {
  id: number;
  source: string;
  startedAt: string;
  finishedAt: string;
  outcome: PollOutcome;
  /**
   * The `ErrorCode` (core/errors.ts) that named the failure. A string, not the union: stored rows keep the codes of
   * the version that wrote them. Compare it with a checked literal: `poll.errorCode === ('BREAKER_OPEN' satisfies
   * ErrorCode)`, so a misspelt code does not compile.
   */
  errorCode?: string;
  errorMessage?: string;
  servedVersion?: string;
  observationCount: number;
  requests: RequestRecord[];
  metricOutcomes: MetricOutcome[];
  payloadSchema?: PayloadSchema;
  payloadHash?: string;
}
