// Detector: lifecycle response headers on every poll (Deprecation, Sunset, Link, Warning 299, vendor notices).
import { isoDay } from '../core/clock.js';
import type { Detector } from '../core/detector.js';
import type { Evidence, FindingDraft } from '../core/finding.js';
import { readLifecycleHeaders, hasLifecycleSignal } from '../deprecation/headers/lifecycle-headers.js';
import { fuseDrafts } from '../deprecation/fusion.js';
import { countdown, targetOf, targetWords } from '../deprecation/wording.js';

/**
 * `deprecation-headers`: reads the lifecycle headers of every request of the current poll. A future `Deprecation`
 * warns with a countdown (`http-deprecation-header-added`), a `Sunset` warns with a countdown
 * (`http-sunset-header-added`) and blocks once passed (`http-sunset-passed`); a Sunset moved since the previous
 * verified poll is `http-sunset-date-changed` (warn); a Sunset before the Deprecation is
 * `http-deprecation-sunset-inconsistent` (info); `Warning: 299` is `http-warning-299`; Shopify/Stripe/Zapier-style
 * vendor headers are `vendor-deprecated-reason`. A malformed header is reported with its raw text. All signals about
 * one metric (or endpoint) fuse into one finding.
 *
 * @example
 * deprecationHeaders.detect({ polls: [pollWith({ sunset: 'Sat, 31 Dec 2026 23:59:59 GMT' })], … })
 * // [{ rule: 'http-sunset-header-added', severity: 'warn', effectiveDate: '2026-12-31', … }]
 */
export const deprecationHeaders: Detector<Record<string, never>> = {
  id: 'deprecation-headers',
  title: 'Deprecation, Sunset, Link, Warning 299 and vendor deprecation headers',
  description:
    'Reads the lifecycle headers of every response of the current poll: RFC 9745 Deprecation (and the legacy ' +
    'HTTP-date and `true` forms), RFC 8594 Sunset, Link rel deprecation/sunset/successor-version, Warning 299 and ' +
    'vendor headers (X-Shopify-API-Deprecated-Reason, Stripe-Notice, X-API-Deprecation-Date). Future dates warn with ' +
    'a countdown; a passed Sunset blocks. Malformed values are reported with their raw text.',
  class: 'deprecation',
  stage: 'deprecation',
  scope: 'source',
  defaults: {},
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  // eslint-disable-next-line max-lines-per-function -- one branch per header family (Deprecation, Sunset, Link, Warning, vendor headers) turning parsed headers into drafts
  detect(input) {
    const poll = input.polls[input.polls.length - 1];
    if (!poll || poll.outcome === 'failed') return [];
    const { source, now } = input;
    const today = isoDay(now);
    const onset = isoDay(poll.startedAt);
    const drafts: FindingDraft[] = [];
    // Sunset days the previous verified poll announced, per target, to notice a moved Sunset.
    const previousSunset = new Map<string, string>();
    const prev = [...input.polls.slice(0, -1)].reverse().find((p) => p.outcome !== 'failed');
    for (const r of prev?.requests ?? []) {
      const raw = Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'sunset')?.[1];
      const parsed = raw === undefined ? undefined : readLifecycleHeaders({ sunset: raw }).sunset;
      if (parsed?.ok) previousSunset.set(JSON.stringify(targetOf(source, r)), parsed.date);
    }
    for (const req of poll.requests) {
      const sig = readLifecycleHeaders(req.headers);
      if (!hasLifecycleSignal(sig)) continue;
      const target = targetOf(source, req);
      const who = targetWords(target);
      const base = {
        class: 'deprecation' as const,
        source: source.name,
        ...target,
        entities: req.entity ? [req.entity] : [],
        onset,
      };
      const successor = sig.links.find(
        (l) => l.rels.includes('successor-version') || l.rels.includes('alternate'),
      );
      const links: Evidence = {};
      for (const l of sig.links)
        for (const rel of l.rels) if (!(`link:${rel}` in links)) links[`link:${rel}`] = l.uri;
      const add = (d: Omit<FindingDraft, keyof typeof base> & { evidence: Evidence }) =>
        drafts.push({
          ...base,
          ...d,
          evidence: { channel: 'http-header', ...links, ...d.evidence },
          ...(successor ? { replacement: successor.uri } : {}),
        });
      const sunsetDate = sig.sunset?.ok ? sig.sunset.date : undefined;
      const before = previousSunset.get(JSON.stringify(target));
      if (sunsetDate && before && before.slice(0, 10) !== sunsetDate.slice(0, 10))
        add({
          rule: 'http-sunset-date-changed',
          severity: 'warn',
          effectiveDate: sunsetDate.slice(0, 10),
          evidence: { previousSunsetDate: before, sunsetDate, movedEarlier: sunsetDate < before },
          explanation: `the Sunset of ${who} moved from ${before.slice(0, 10)} to ${sunsetDate.slice(0, 10)}${sunsetDate < before ? ' (earlier: less time to migrate)' : ''}.`,
        });
      const dep = sig.deprecation;
      if (dep) {
        if (!dep.ok) {
          add({
            rule: 'http-deprecation-header-added',
            severity: 'warn',
            evidence: { header: 'Deprecation', raw: dep.raw, format: 'unparsed', error: dep.error },
            explanation: `${who} is served with a Deprecation header that could not be parsed ("${dep.raw}"); treat it as deprecated.`,
          });
        } else if (dep.deprecated) {
          const c = dep.date ? countdown(dep.date, now) : undefined;
          const when = !c
            ? 'deprecated (no date given)'
            : c.days > 0
              ? `deprecated ${c.words}`
              : `deprecated since ${dep.date!.slice(0, 10)}`;
          const d: Parameters<typeof add>[0] = {
            rule: 'http-deprecation-header-added',
            severity: 'warn',
            evidence: {
              header: 'Deprecation',
              raw: dep.raw,
              format: dep.format,
              ...(dep.date ? { deprecationDate: dep.date } : {}),
              ...(c ? { daysUntil: c.days } : {}),
            },
            explanation: `${who} is ${when}, says the upstream's Deprecation header (${dep.format}).${sunsetDate ? '' : ' No Sunset date given.'}`,
          };
          const eff = sunsetDate ?? dep.date;
          if (eff) d.effectiveDate = eff.slice(0, 10);
          add(d);
        }
      }
      if (sig.sunset) {
        const s = sig.sunset;
        if (!s.ok) {
          add({
            rule: 'http-sunset-header-added',
            severity: 'warn',
            evidence: { header: 'Sunset', raw: s.raw, format: 'unparsed' },
            explanation: `${who} is served with a Sunset header that could not be parsed ("${s.raw}").`,
          });
        } else {
          const c = countdown(s.date, now);
          const passed = s.date.slice(0, 10) <= today && Date.parse(s.date) <= now.getTime();
          add({
            rule: passed ? 'http-sunset-passed' : 'http-sunset-header-added',
            severity: passed ? 'block' : 'warn',
            effectiveDate: s.date.slice(0, 10),
            evidence: { header: 'Sunset', raw: s.raw, sunsetDate: s.date, daysUntil: c.days },
            explanation: passed
              ? `${who} reached its Sunset ${c.words}: the upstream may stop answering (expect 410 Gone).`
              : `${who} will stop responding ${c.words}, says the upstream's Sunset header.`,
          });
        }
      }
      if (dep?.ok && dep.date && sunsetDate && sunsetDate < dep.date)
        add({
          rule: 'http-deprecation-sunset-inconsistent',
          severity: 'info',
          evidence: { deprecationDate: dep.date, sunsetDate },
          explanation: `the Sunset (${sunsetDate.slice(0, 10)}) is earlier than the Deprecation (${dep.date.slice(0, 10)}), which RFC 9745 forbids; the earlier date is the one to plan for.`,
        });
      if (
        !dep &&
        !sig.sunset &&
        sig.links.some((l) => l.rels.includes('deprecation') || l.rels.includes('sunset'))
      )
        add({
          rule: 'http-link-deprecation-policy-changed',
          severity: 'info',
          evidence: {},
          explanation: `${who} links a deprecation or sunset policy (${sig.links.map((l) => l.uri).join(', ')}); read it for announcements.`,
        });
      for (const w of sig.warnings299)
        add({
          rule: 'http-warning-299',
          severity: 'warn',
          evidence: { header: 'Warning', code: 299, agent: w.agent, text: w.text },
          explanation: `${who}: the upstream sends "Warning: 299 ${w.text}".`,
        });
      for (const v of sig.vendor) {
        const d: Parameters<typeof add>[0] = {
          rule: 'vendor-deprecated-reason',
          severity: 'warn',
          evidence: {
            header: v.header,
            vendor: v.vendor,
            raw: v.raw,
            ...(v.fields.length ? { fields: v.fields } : {}),
            ...(v.version ? { version: v.version } : {}),
            ...(v.url ? { url: v.url } : {}),
            ...(v.date ? { date: v.date } : {}),
          },
          explanation: `${who}: ${v.header} says "${v.raw}"${v.date ? ` (effective ${countdown(v.date, now).words})` : ''}.`,
        };
        if (v.date) d.effectiveDate = v.date.slice(0, 10);
        add(d);
      }
    }
    return fuseDrafts(drafts);
  },
};
