// Small shared wording and targeting helpers for deprecation findings: countdowns, endpoints, metric targets.
import { daysBetween, isoDay } from '../core/clock.js';
import type { SourceContract } from '../core/contract.js';
import type { FindingDraft } from '../core/finding.js';

/**
 * Days from `now` to an ISO date or date-time (negative when past), and the words for it.
 *
 * @example
 * countdown('2026-12-31', new Date('2026-12-01')) // { days: 30, words: 'in 30 days (2026-12-31)' }
 */
export function countdown(date: string, now: Date): { days: number; words: string } {
  const days = daysBetween(isoDay(now), date.slice(0, 10));
  const day = date.slice(0, 10);
  if (days > 1) return { days, words: `in ${days} days (${day})` };
  if (days === 1) return { days, words: `tomorrow (${day})` };
  if (days === 0) return { days, words: `today (${day})` };
  return { days, words: `${-days} day${days === -1 ? '' : 's'} ago (${day})` };
}

/** `GET /v2/stats` from a request's method and (redacted) URL, without query or host. */
export function endpointOf(method: string, url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0] ?? url;
  }
  return `${method.toUpperCase()} ${path}`;
}

/**
 * Who a deprecation finding is about: a declared metric (class deprecation, no subject, so every channel fuses on
 * it), or else an endpoint subject.
 */
export function targetOf(
  source: SourceContract,
  request: { method: string; url: string; metric?: string },
): Pick<FindingDraft, 'metric' | 'subject'> {
  if (request.metric && source.metrics.some((m) => m.name === request.metric))
    return { metric: request.metric };
  return { subject: `endpoint:${endpointOf(request.method, request.url)}` };
}

/** What a finding's target reads as in a sentence. */
export function targetWords(t: Pick<FindingDraft, 'metric' | 'subject'>): string {
  if (t.metric) return `metric ${t.metric}`;
  return (t.subject ?? '').replace(/^endpoint:/, 'endpoint ');
}

/** The version subject shared by version-calendar, served-version and version-gone findings. */
export function versionSubject(version: string): string {
  return `api-version:${version}`;
}
