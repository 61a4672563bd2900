// Detector: declared metrics the built-in knowledge file lists as deprecated by the vendor (announcement channel).
import { isoDay } from '../core/clock.js';
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { countdown } from '../deprecation/wording.js';
import { knownDeprecation } from '../knowledge/lookup.js';

/**
 * `deprecation-known`: a declared metric listed in the built-in knowledge file (e.g. Meta's Page Insights waves) →
 * `announced-deprecation` (warn with the effective day and the replacement). An announcement never blocks alone:
 * runtime evidence (`metric-invalid`, `metric-missing-from-data`) about the same metric escalates the same finding.
 *
 * @example
 * deprecationKnown.detect({ source: metaSource(['page_impressions']), now: new Date('2026-01-01'), … })
 * // [{ rule: 'announced-deprecation', metric: 'page_impressions', effectiveDate: '2025-11-15', replacement: 'page_media_view' }]
 */
export const deprecationKnown: Detector<Record<string, never>> = {
  id: 'deprecation-known',
  title: 'Metrics the vendor has announced or carried out a removal of',
  description:
    'Looks up every declared metric in the built-in, dated knowledge file of vendor deprecations (Meta Page ' +
    'Insights waves W1–W4): warns with the effective day and the replacement, as of the poll day.',
  class: 'deprecation',
  stage: 'deprecation',
  scope: 'source',
  defaults: {},
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  detect(input) {
    const { source, now } = input;
    const drafts: FindingDraft[] = [];
    for (const m of source.metrics) {
      const k = knownDeprecation(source.provider, m.name, now);
      if (!k) continue;
      const c = countdown(k.effective, now);
      const d: FindingDraft = {
        rule: 'announced-deprecation',
        class: 'deprecation',
        severity: 'warn',
        source: source.name,
        metric: m.name,
        entities: [],
        onset: isoDay(now),
        effectiveDate: k.effective,
        announcedOn: k.announced,
        evidence: {
          channel: 'knowledge',
          evidence: 'announced',
          wave: k.wave,
          announced: k.announced,
          status: k.status,
          daysUntil: c.days,
          knowledgeVersion: k.knowledgeVersion,
          reference: k.reference,
        },
        explanation:
          `${k.vendor} ${k.status === 'removed' ? 'removed' : 'will remove'} metric ${m.name} ${c.words} (${k.title}, announced ${k.announced})` +
          `${k.replacement ? `; replacement: ${k.replacement}${k.note ? ` (${k.note})` : ''}` : '; no alternative was named'}.`,
      };
      if (k.replacement) d.replacement = k.replacement;
      drafts.push(d);
    }
    return drafts;
  },
};
