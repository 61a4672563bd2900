// Detector: changed changelog / deprecation pages — declared metrics announced as deprecated, with date and replacement.
import { isoDay } from '../core/clock.js';
import type { SourceContract } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import { analyzeChangelog } from '../deprecation/changelog/announcements.js';
import { fuseDrafts } from '../deprecation/fusion.js';
import { countdown } from '../deprecation/wording.js';

export interface ChangelogOptions {
  /** Lines above a mention searched for deprecation words and a date. */
  window: number;
  /** Block once the announced day has passed (announcements never block alone by default). */
  blockOnAnnouncedDate: boolean;
}

/** Names a contract reads from a source: metric names and, for JSON APIs, their fields. */
function declaredNames(source: SourceContract): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.metrics) {
    out.set(m.name, m.name);
    if (m.field) out.set(m.field.split('.').pop()!, m.name);
  }
  return out;
}

/**
 * `deprecation-changelog`: text diff of the previous and current normalized snapshot of each watched changelog page.
 * A declared metric (or field) named in the added text near deprecation words → `announced-deprecation` (warn, with
 * the effective date parsed from the text — "On March 14, 2024", "by June 15, 2026", "when v26.0 is released" — and
 * the replacement, "Alternative: page_media_view"); a changed page naming nothing declared →
 * `changelog-changed-unparsed` (info). When the pipeline passes `docs`, unchanged pages are read whole each poll so
 * an announcement stays open (with its countdown) while the page still says it.
 *
 * @example
 * deprecationChangelog.detect({ docChanges: [{ doc, previous, current: 'By June 15, 2026 … page_impressions_unique …' }], … })
 * // [{ rule: 'announced-deprecation', severity: 'warn', metric: 'page_impressions_unique', effectiveDate: '2026-06-15' }]
 */
export const deprecationChangelog: Detector<ChangelogOptions> = {
  id: 'deprecation-changelog',
  title: 'Deprecations announced on watched changelog pages',
  description:
    'Diffs each changed changelog or deprecation page against its previous snapshot; a declared metric or field ' +
    'named in the new text near deprecation words is an announced deprecation (warn, with the effective date and ' +
    'replacement read from the text and a countdown). A change naming nothing declared is recorded as info.',
  class: 'deprecation',
  stage: 'deprecation',
  scope: 'source',
  defaults: { window: 8, blockOnAnnouncedDate: false },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { window: { type: 'integer', minimum: 0 }, blockOnAnnouncedDate: { type: 'boolean' } },
  },
  detect(input) {
    const { source, now } = input;
    const today = isoDay(now);
    const names = declaredNames(source);
    const drafts: FindingDraft[] = [];
    // Changed docs are diffed against their previous snapshot; unchanged ones (when the pipeline passes `docs`) are
    // read whole, so an announcement stays open while the page still says it.
    const changed = new Set(input.docChanges.map((c) => c.doc.name));
    const unchanged = (input.docs ?? [])
      .filter((d) => !changed.has(d.doc.name))
      .map((d) => ({ ...d, previous: '' }));
    for (const change of [...input.docChanges, ...unchanged]) {
      if (change.doc.kind !== 'changelog') continue;
      const persisted = !changed.has(change.doc.name);
      const a = analyzeChangelog(change.previous ?? '', change.current, [...names.keys()], {
        window: input.options.window,
      });
      const onset = isoDay(change.fetchedAt);
      for (const ann of a.announcements) {
        const metric = names.get(ann.name) ?? ann.name;
        const c = ann.effectiveDate ? countdown(ann.effectiveDate, now) : undefined;
        const block = input.options.blockOnAnnouncedDate && !!ann.effectiveDate && ann.effectiveDate <= today;
        const d: FindingDraft = {
          rule: 'announced-deprecation',
          class: 'deprecation',
          severity: block ? 'block' : 'warn',
          source: source.name,
          metric,
          entities: [],
          onset,
          // The page is the announcement: first seen saying so on this day (the lifecycle keeps the earliest).
          announcedOn: onset,
          evidence: {
            channel: 'changelog',
            evidence: 'announced',
            doc: change.doc.name,
            url: change.doc.url,
            line: ann.line,
            excerpt: ann.excerpt,
            trigger: ann.trigger,
            ...(ann.datePhrase ? { datePhrase: ann.datePhrase } : {}),
            ...(c ? { daysUntil: c.days } : {}),
          },
          explanation:
            `${change.doc.name} (${change.doc.url}) announces that ${metric === ann.name ? `metric ${metric}` : `field ${ann.name} (metric ${metric})`} is deprecated` +
            `${c ? `, effective ${c.words}` : ann.datePhrase ? ` ${ann.datePhrase} (day unknown)` : ' (no date found)'}` +
            `${ann.replacement ? `; replacement: ${ann.replacement}` : ''}. Line ${ann.line}: "${ann.excerpt}"`,
        };
        if (ann.effectiveDate) d.effectiveDate = ann.effectiveDate;
        if (ann.replacement) d.replacement = ann.replacement;
        drafts.push(d);
      }
      // The first snapshot of a page is a baseline, not a change (nothing to tell until it changes).
      const firstSnapshot = change.previous === undefined;
      if (
        !persisted &&
        !firstSnapshot &&
        a.announcements.length === 0 &&
        (a.addedLines > 0 || a.removedLines > 0)
      )
        drafts.push({
          rule: 'changelog-changed-unparsed',
          class: 'deprecation',
          severity: 'info',
          source: source.name,
          subject: `doc:${change.doc.name}`,
          entities: [],
          onset,
          evidence: {
            channel: 'changelog',
            doc: change.doc.name,
            url: change.doc.url,
            addedLines: a.addedLines,
            removedLines: a.removedLines,
            excerpt: a.addedExcerpt,
          },
          explanation: `${change.doc.name} changed (${a.addedLines} line(s) added, ${a.removedLines} removed) without naming a declared metric near deprecation words: ${a.addedExcerpt || '(only removals)'}`,
        });
    }
    return fuseDrafts(drafts);
  },
};
