// Detector: the pinned Graph API version against its end of life (90/30/7 days before → warn; after → block).
import { isoDay } from '../core/clock.js';
import type { Detector } from '../core/detector.js';
import { countdown, versionSubject } from '../deprecation/wording.js';
import { graphVersionEol, graphVersionInfo, latestGraphVersion } from '../knowledge/lookup.js';
import { KNOWLEDGE_VERSION } from '../knowledge/meta-graph-data.js';

export interface VersionCalendarOptions {
  /** Days before the end of life at which to warn. */
  thresholds: number[];
}

/**
 * `deprecation-version-calendar`: a Meta source's pinned version within 90/30/7 days of its end of life →
 * `pinned-version-eol-soon` (warn, with the countdown); past it → `pinned-version-eol-passed` (block: Meta then
 * serves the calls with a newer version).
 *
 * @example
 * deprecationVersionCalendar.detect({ source: metaSource('v20.0'), now: new Date('2026-09-01'), … })
 * // [{ rule: 'pinned-version-eol-soon', severity: 'warn', effectiveDate: '2026-09-24', evidence: { threshold: 30, daysLeft: 23 } }]
 */
export const deprecationVersionCalendar: Detector<VersionCalendarOptions> = {
  id: 'deprecation-version-calendar',
  title: 'Pinned API version near or past its end of life',
  description:
    'Compares the pinned Meta Graph API version with the built-in version calendar: warns 90, 30 and 7 days ' +
    'before the end of life and blocks after it, when Meta silently serves calls with a newer version.',
  class: 'version',
  stage: 'deprecation',
  scope: 'source',
  defaults: { thresholds: [90, 30, 7] },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { thresholds: { type: 'array', items: { type: 'integer', minimum: 0 } } },
  },
  detect(input) {
    const { source, now } = input;
    if (source.connection.kind !== 'meta-graph') return [];
    const pinned = source.connection.apiVersion;
    const eol = graphVersionEol(pinned, now, input.options.thresholds);
    if (!eol || eol.status === 'ok') return [];
    const info = graphVersionInfo(pinned)!;
    const latest = latestGraphVersion(now);
    const passed = eol.status === 'passed';
    const c = countdown(eol.availableUntil, now);
    return [
      {
        rule: passed ? 'pinned-version-eol-passed' : 'pinned-version-eol-soon',
        class: 'version',
        severity: passed ? 'block' : 'warn',
        source: source.name,
        subject: versionSubject(pinned),
        entities: [],
        onset: passed ? eol.availableUntil : isoDay(now),
        effectiveDate: eol.availableUntil,
        ...(latest && latest.version !== info.version ? { replacement: latest.version } : {}),
        evidence: {
          channel: 'version-calendar',
          pinned: info.version,
          released: info.released,
          availableUntil: eol.availableUntil,
          daysLeft: eol.daysLeft,
          ...(eol.threshold !== undefined ? { threshold: eol.threshold } : {}),
          knowledgeVersion: KNOWLEDGE_VERSION,
          reference: info.source,
        },
        explanation: passed
          ? `${source.name} pins Graph API ${info.version}, which ended ${c.words}; Meta now serves its calls with the next-oldest version, with that version's changes.${latest ? ` Pin ${latest.version} after checking the changelog.` : ''}`
          : `${source.name} pins Graph API ${info.version}, which ends ${c.words}.${latest ? ` Plan the move to ${latest.version}.` : ''}`,
      },
    ];
  },
};
