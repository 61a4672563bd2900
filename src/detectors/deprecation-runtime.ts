// Detector: hard runtime evidence — Meta error #100 on a declared metric, 410 Gone, served version ≠ pinned,
// a metric missing from the data for k polls, and token/permission errors (as "could not verify").
import { isoDay } from '../core/clock.js';
import type { SourceContract } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import type { PollRecord, UpstreamErrorInfo } from '../core/observation.js';
import { fuseDrafts } from '../deprecation/fusion.js';
import { endpointOf, versionSubject } from '../deprecation/wording.js';
import { graphVersionEol, knownDeprecation, normalizeGraphVersion } from '../knowledge/lookup.js';

export interface RuntimeOptions {
  /** Consecutive verified polls a metric must be missing from the data before `metric-missing-from-data`. */
  missingPolls: number;
}

const INVALID_METRIC = /valid insights metric|invalid metric/i;
const VERSION_GONE =
  /unsupported (?:api )?version|version (?:\S+ )?(?:is )?(?:deprecated|no longer (?:supported|available)|not supported|expired)/i;

function isInvalidMetric(e: UpstreamErrorInfo | undefined): boolean {
  return (
    !!e && (e.code === 'UPSTREAM_INVALID_METRIC' || (e.graphCode === 100 && INVALID_METRIC.test(e.message)))
  );
}
function isToken(e: UpstreamErrorInfo | undefined): boolean {
  return !!e && (e.code === 'UPSTREAM_AUTH' || e.graphCode === 190 || e.graphCode === 102);
}
function isPermission(e: UpstreamErrorInfo | undefined): boolean {
  const c = e?.graphCode;
  return (
    !!e &&
    (e.code === 'UPSTREAM_PERMISSION' || c === 10 || c === 3 || (c !== undefined && c >= 200 && c <= 299))
  );
}

function pinnedVersion(source: SourceContract): string | undefined {
  return source.connection.apiVersion;
}

function servedVersion(source: SourceContract, poll: PollRecord): string | undefined {
  if (poll.servedVersion) return poll.servedVersion;
  const c = source.connection;
  const header =
    c.kind === 'meta-graph'
      ? 'facebook-api-version'
      : c.kind === 'http-json'
        ? c.versionHeader?.toLowerCase()
        : undefined;
  if (!header) return undefined;
  return poll.requests.map((r) => r.headers[header]).find((v) => v !== undefined);
}

function sameVersion(source: SourceContract, a: string, b: string): boolean {
  if (source.provider === 'meta-graph')
    return (normalizeGraphVersion(a) ?? a) === (normalizeGraphVersion(b) ?? b);
  return a.trim() === b.trim();
}

/** Knowledge about a metric, as evidence and replacement. */
function known(
  source: SourceContract,
  metric: string,
  now: Date,
): Pick<FindingDraft, 'replacement' | 'effectiveDate' | 'announcedOn'> & {
  words: string;
  evidence: Record<string, string>;
} {
  const k = knownDeprecation(source.provider, metric, now);
  if (!k) return { words: '', evidence: {} };
  return {
    ...(k.replacement ? { replacement: k.replacement } : {}),
    effectiveDate: k.effective,
    announcedOn: k.announced,
    words: ` ${k.vendor} removed it on ${k.effective} (wave ${k.wave}); ${k.replacement ? `replacement: ${k.replacement}${k.note ? ` (${k.note})` : ''}` : 'no alternative was named'}.`,
    evidence: { knownWave: k.wave, knownEffective: k.effective, knowledgeVersion: k.knowledgeVersion },
  };
}

/**
 * `deprecation-runtime`: error #100 "must be a valid insights metric" on a declared metric → `metric-invalid`
 * (block, naming the replacement from the knowledge file); HTTP 410 or an "unsupported version" error →
 * `version-gone` (block); `facebook-api-version` (or the contract's version header) ≠ pinned →
 * `served-version-mismatch` (warn; `version-gone` when the pinned version is past its end of life); a requested
 * metric absent from the data for `missingPolls` consecutive verified polls → `metric-missing-from-data` (block);
 * token and permission errors → `token-invalid` / `permission-lost` (block, class `unverified`, not a deprecation).
 *
 * @example
 * deprecationRuntime.detect({ polls: [pollWithError100('page_impressions')], … })
 * // [{ rule: 'metric-invalid', severity: 'block', metric: 'page_impressions', replacement: 'page_media_view' }]
 */
export const deprecationRuntime: Detector<RuntimeOptions> = {
  id: 'deprecation-runtime',
  title: 'Invalid metric (#100), 410 Gone, served version, missing metric, lost access',
  description:
    'Hard runtime evidence from the current poll: Meta error #100 for a declared metric, 410 Gone or an ' +
    '"unsupported version" error, a served API version different from the pinned one, a metric missing from the ' +
    'data for k consecutive polls, and token or permission errors (reported as "could not verify", not as a ' +
    'deprecation).',
  class: 'deprecation',
  stage: 'deprecation',
  scope: 'source',
  defaults: { missingPolls: 2 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { missingPolls: { type: 'integer', minimum: 1 } },
  },
  // eslint-disable-next-line max-lines-per-function -- one branch per runtime signal (#100, 410 Gone, version upgrade, missing metric) sharing the poll's outcomes
  detect(input) {
    const { source, now, polls } = input;
    const poll = polls[polls.length - 1];
    if (!poll) return [];
    const onset = isoDay(poll.startedAt);
    const drafts: FindingDraft[] = [];
    const errors: {
      error: UpstreamErrorInfo;
      metric?: string;
      entity?: string;
      status?: number;
      method?: string;
      url?: string;
    }[] = [];
    for (const r of poll.requests)
      if (r.error || r.status === 410)
        errors.push({
          error: r.error ?? {
            code: 'UPSTREAM_GONE',
            message: `HTTP ${r.status}`,
            status: r.status,
            retryable: false,
          },
          ...(r.metric ? { metric: r.metric } : {}),
          ...(r.entity ? { entity: r.entity } : {}),
          ...(r.status !== undefined ? { status: r.status } : {}),
          method: r.method,
          url: r.url,
        });
    for (const o of poll.metricOutcomes)
      if (o.status === 'error' && o.error)
        errors.push({ error: o.error, metric: o.metric, ...(o.entity ? { entity: o.entity } : {}) });

    // Access lost: the poll could not verify anything about the metrics behind it.
    for (const [rule, test, subject, words] of [
      ['token-invalid', isToken, 'auth:token', 'the access token was rejected (expired or invalid)'],
      ['permission-lost', isPermission, 'auth:permission', 'the token lost a permission the poll needs'],
    ] as const) {
      const hits = errors.filter((e) => test(e.error));
      if (!hits.length) continue;
      const e = hits[0]!.error;
      drafts.push({
        rule,
        class: 'unverified',
        severity: 'block',
        source: source.name,
        subject,
        entities: [...new Set(hits.map((h) => h.entity).filter((x): x is string => !!x))].sort(),
        onset,
        evidence: {
          channel: 'runtime-error',
          code: e.code,
          message: e.message,
          ...(e.graphCode !== undefined ? { graphCode: e.graphCode } : {}),
          ...(e.graphSubcode !== undefined ? { graphSubcode: e.graphSubcode } : {}),
          requests: hits.length,
        },
        explanation: `${source.name}: ${words} (${e.message}). Its metrics cannot be verified until access is restored; this is not a deprecation.`,
      });
    }
    const declared = new Set(source.metrics.map((m) => m.name));
    // Error #100 on a declared metric: a definite answer, evidence whatever the rest of the poll did.
    const invalid = new Map<string, typeof errors>();
    for (const e of errors)
      if (e.metric && declared.has(e.metric) && isInvalidMetric(e.error))
        invalid.set(e.metric, [...(invalid.get(e.metric) ?? []), e]);
    for (const [metric, hits] of invalid) {
      const e = hits[0]!.error;
      const k = known(source, metric, now);
      drafts.push({
        rule: 'metric-invalid',
        class: 'deprecation',
        severity: 'block',
        source: source.name,
        metric,
        entities: [...new Set(hits.map((h) => h.entity).filter((x): x is string => !!x))].sort(),
        onset,
        ...(k.replacement ? { replacement: k.replacement } : {}),
        ...(k.effectiveDate ? { effectiveDate: k.effectiveDate } : {}),
        ...(k.announcedOn ? { announcedOn: k.announcedOn } : {}),
        evidence: {
          channel: 'runtime-error',
          message: e.message,
          ...(e.graphCode !== undefined ? { graphCode: e.graphCode } : {}),
          ...(e.status !== undefined ? { status: e.status } : {}),
          ...(e.fbtraceId ? { fbtraceId: e.fbtraceId } : {}),
          ...k.evidence,
        },
        explanation: `${source.name} answers "${e.message}" for metric ${metric}: the upstream no longer accepts it.${k.words}`,
      });
    }

    // Nothing else is evidence on a poll that verified nothing (its outcome counts a rejection as an answer, so a
    // poll whose every metric was rejected is not `failed`; the check above keeps older stored polls right too).
    if (poll.outcome === 'failed') return fuseDrafts(drafts);

    // 410 Gone / unsupported version.
    const pinned = pinnedVersion(source);
    const gone = errors.filter(
      (e) => e.status === 410 || e.error.code === 'UPSTREAM_GONE' || VERSION_GONE.test(e.error.message),
    );
    if (gone.length) {
      const g = gone[0]!;
      const asVersion = source.provider === 'meta-graph' && pinned;
      const target = asVersion
        ? { class: 'version' as const, subject: versionSubject(pinned) }
        : g.metric && declared.has(g.metric)
          ? { class: 'deprecation' as const, metric: g.metric }
          : {
              class: 'deprecation' as const,
              subject: `endpoint:${endpointOf(g.method ?? 'GET', g.url ?? '')}`,
            };
      drafts.push({
        rule: 'version-gone',
        ...target,
        severity: 'block',
        source: source.name,
        entities: [...new Set(gone.map((h) => h.entity).filter((x): x is string => !!x))].sort(),
        onset,
        evidence: {
          channel: 'runtime-error',
          message: g.error.message,
          ...(g.status !== undefined ? { status: g.status } : {}),
          requests: gone.length,
        },
        explanation: `${source.name}: the upstream answers ${g.status === 410 ? '410 Gone' : `"${g.error.message}"`}${asVersion ? ` for the pinned version ${pinned}` : ''}: the API it was built against is gone.`,
      });
    }

    // Served version differs from the pinned one.
    const served = servedVersion(source, poll);
    if (pinned && served && !sameVersion(source, pinned, served)) {
      const eol = source.provider === 'meta-graph' ? graphVersionEol(pinned, now) : undefined;
      const passed = eol?.status === 'passed';
      drafts.push({
        rule: passed ? 'version-gone' : 'served-version-mismatch',
        class: 'version',
        severity: passed ? 'block' : 'warn',
        source: source.name,
        subject: versionSubject(pinned),
        entities: [],
        onset,
        ...(eol ? { effectiveDate: eol.availableUntil } : {}),
        evidence: {
          channel: 'served-version',
          pinned,
          served,
          ...(eol ? { availableUntil: eol.availableUntil } : {}),
        },
        explanation: passed
          ? `${source.name} pins ${pinned}, which ended on ${eol.availableUntil}; calls are now served by ${served}, with its changes.`
          : `${source.name} pins ${pinned} but the upstream served ${served}: the calls were upgraded, and values may follow the newer version's rules.`,
      });
    }

    // Metrics missing from the data for k consecutive verified polls.
    const k = input.options.missingPolls;
    for (const metric of declared) {
      let streak = 0;
      let since: string | undefined;
      const entities = new Set<string>();
      for (let i = polls.length - 1; i >= 0 && streak < k; i--) {
        const p = polls[i]!;
        if (p.outcome === 'failed') continue;
        const outs = p.metricOutcomes.filter((o) => o.metric === metric);
        if (outs.length === 0) continue;
        if (!outs.every((o) => o.status === 'missing')) break;
        streak++;
        since = isoDay(p.startedAt);
        for (const o of outs) if (o.entity) entities.add(o.entity);
      }
      if (streak < k) continue;
      const kn = known(source, metric, now);
      drafts.push({
        rule: 'metric-missing-from-data',
        class: 'deprecation',
        severity: 'block',
        source: source.name,
        metric,
        entities: [...entities].sort(),
        onset: since ?? onset,
        ...(kn.replacement ? { replacement: kn.replacement } : {}),
        ...(kn.effectiveDate ? { effectiveDate: kn.effectiveDate } : {}),
        ...(kn.announcedOn ? { announcedOn: kn.announcedOn } : {}),
        evidence: {
          channel: 'missing-data',
          consecutivePolls: streak,
          since: since ?? onset,
          ...kn.evidence,
        },
        explanation: `${source.name} returned no data for metric ${metric} in the last ${streak} polls (since ${since ?? onset}), although the requests succeeded.${kn.words}`,
      });
    }
    return fuseDrafts(drafts);
  },
};
