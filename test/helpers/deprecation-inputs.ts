// Test builders for deprecation detectors: sources, polls, requests and doc changes as small literals.
import type { DocContract, MetricContract, SourceContract } from '../../src/core/contract.js';
import type { Detector, DetectorInput, DocChange } from '../../src/core/detector.js';
import type { FindingDraft } from '../../src/core/finding.js';
import type {
  MetricOutcome,
  PollOutcome,
  PollRecord,
  RequestRecord,
  UpstreamErrorInfo,
} from '../../src/core/observation.js';
import { parseTemplate } from '../../src/core/secret.js';

const loc = { file: 'contracts/x.yaml', line: 1, col: 1 };

export function metricOf(name: string, field?: string): MetricContract {
  return { name, period: 'day', kind: 'count', checks: {}, location: loc, ...(field ? { field } : {}) };
}

/** A Meta Page Insights source pinned to `apiVersion` with the given metrics. */
export function metaSource(
  metrics: string[],
  apiVersion = 'v24.0',
  docs: DocContract[] = [],
): SourceContract {
  return {
    name: 'meta',
    owners: ['ml@example.com'],
    provider: 'meta-graph',
    connection: {
      kind: 'meta-graph',
      baseUrl: 'https://graph.facebook.com',
      apiVersion,
      accessToken: parseTemplate('${META_TOKEN}'),
      pages: ['p1', 'p2'],
      lookbackDays: 3,
    },
    schedule: '0 9 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs,
    metrics: metrics.map((m) => metricOf(m)),
    checks: {},
    location: loc,
  };
}

/** A generic JSON API source. */
export function httpSource(
  metrics: MetricContract[],
  extra: { apiVersion?: string; versionHeader?: string; docs?: DocContract[] } = {},
): SourceContract {
  return {
    name: 'partner',
    owners: ['ml@example.com'],
    provider: 'http-json',
    connection: {
      kind: 'http-json',
      url: parseTemplate('https://api.partner.example/v2/stats'),
      headers: {},
      entities: [],
      ...(extra.apiVersion ? { apiVersion: extra.apiVersion } : {}),
      ...(extra.versionHeader ? { versionHeader: extra.versionHeader } : {}),
      select: { records: 'data', time: 'day' },
      lookbackDays: 3,
    },
    schedule: '0 9 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs: extra.docs ?? [],
    metrics,
    checks: {},
    location: loc,
  };
}

export function request(extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    method: 'GET',
    url: 'https://api.partner.example/v2/stats?day=2026-11-24',
    status: 200,
    latencyMs: 80,
    attempts: 1,
    headers: {},
    ...extra,
  };
}

/** Meta's error #100 for an invalid insights metric, as observed in 2024. */
export function error100(message = '(#100) The value must be a valid insights metric'): UpstreamErrorInfo {
  return {
    code: 'UPSTREAM_INVALID_METRIC',
    message,
    status: 400,
    graphCode: 100,
    fbtraceId: 'A0UMb1SEdokyZeVkCvoRBlV',
    retryable: false,
  };
}

let pollId = 0;
export function poll(
  startedAt: string,
  extra: {
    requests?: RequestRecord[];
    metricOutcomes?: MetricOutcome[];
    outcome?: PollOutcome;
    servedVersion?: string;
  } = {},
): PollRecord {
  return {
    id: ++pollId,
    source: 'meta',
    startedAt,
    finishedAt: startedAt,
    outcome: extra.outcome ?? 'ok',
    observationCount: 0,
    requests: extra.requests ?? [],
    metricOutcomes: extra.metricOutcomes ?? [],
    ...(extra.servedVersion ? { servedVersion: extra.servedVersion } : {}),
  };
}

export function changelogDoc(name = 'pages-changelog'): DocContract {
  return {
    name,
    kind: 'changelog',
    url: 'https://developers.facebook.com/documentation/pages-api/changelog',
    operations: [],
    fields: [],
    location: loc,
  };
}

export function docChange(
  doc: DocContract,
  previous: string | undefined,
  current: string,
  fetchedAt = '2026-11-25T09:00:00Z',
): DocChange {
  return { doc, ...(previous !== undefined ? { previous } : {}), current, fetchedAt };
}

/** Run a source-scope detector with its defaults (plus options). */
export function runSource<O>(
  detector: Detector<O>,
  input: {
    source: SourceContract;
    now: string;
    polls?: PollRecord[];
    docChanges?: DocChange[];
    docs?: DocChange[];
    docBaselines?: ReadonlyMap<string, string>;
    options?: Partial<O>;
  },
): FindingDraft[] {
  const di: DetectorInput<O> = {
    now: new Date(input.now),
    source: input.source,
    polls: input.polls ?? [],
    docChanges: input.docChanges ?? [],
    ...(input.docs ? { docs: input.docs } : {}),
    ...(input.docBaselines ? { docBaselines: input.docBaselines } : {}),
    options: { ...detector.defaults, ...(input.options ?? {}) },
  };
  return detector.detect(di);
}
