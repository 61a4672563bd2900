// One title per finding: the headline mail, digests, the report, status and the gate show, and the rule it names.
import type { ContractSet } from '../core/contract.js';
import type { FindingClass } from '../core/finding.js';
import { compareSeverity, isAnnouncement } from '../core/finding.js';
import type { FindingRecord } from '../core/finding-record.js';

const CLASS_PHRASE: Record<FindingClass, string> = {
  deprecation: 'deprecated',
  frozen: 'frozen',
  scale: 'changed scale',
  nulls: 'null rate jumped',
  volume: 'volume changed',
  freshness: 'is late',
  schema: 'changed shape',
  drift: 'distribution drifted',
  version: 'served by another API version',
  unverified: 'could not be verified',
};

/**
 * How owners see the vendor behind a source: `Meta` for a meta-graph source, else the source name.
 *
 * @example
 * upstreamName(contracts, 'meta') // 'Meta'
 */
export function upstreamName(contracts: Pick<ContractSet, 'sources'> | undefined, source: string): string {
  return contracts?.sources.find((s) => s.name === source)?.provider === 'meta-graph' ? 'Meta' : source;
}

/**
 * The one title of a finding: its detector's `title` when it gave one, else built from the facts, e.g.
 * `page_impressions rejected by Meta (#100)` or `page_media_view frozen (frozen-run)`; one line, at most 90
 * characters. Every surface calls this, so a fingerprint reads the same in a mail, the report, status and the gate.
 *
 * @example
 * findingTitle({ ...finding, title: undefined, evidence: { graphCode: 100 } }, 'Meta') // 'page_impressions rejected by Meta (#100)'
 */
export function findingTitle(
  f: Pick<FindingRecord, 'title' | 'metric' | 'rule' | 'class' | 'source' | 'subject' | 'evidence'>,
  upstream?: string,
): string {
  const what =
    f.metric ??
    ((f.class === 'schema' || f.class === 'deprecation') && f.subject
      ? `${f.source} ${f.subject}`
      : f.source);
  const code = f.evidence['graphCode'] ?? f.evidence['status'];
  const raw =
    f.title ??
    (f.class === 'deprecation' && typeof code === 'number'
      ? `${what} rejected by ${upstream ?? f.source} (#${code})`
      : `${what} ${CLASS_PHRASE[f.class]} (${f.rule})`);
  const one = raw.replace(/\s+/g, ' ').trim().replace(/[.]$/, '');
  return one.length > 90 ? one.slice(0, 89) + '…' : one;
}

/**
 * Keep a finding's name while it stays open: when a poll's draft of the same fingerprint comes from another rule
 * (a scale change seen by `panel-scale` one day and `range-violated` the next) and is not more severe, the episode
 * keeps the rule and title it had; its evidence, words and severity follow the draft. A more severe draft renames it
 * (the escalation mail names the new rule, and so does everything after), and so does the upstream's own change
 * after an announcement of it.
 *
 * @example
 * keepTitle(heldPanelScale, { ...next, rule: 'range-violated', title: 'x out of range' }).rule // 'panel-scale'
 */
export function keepTitle(before: FindingRecord, next: FindingRecord): FindingRecord {
  // A change the upstream made, after an announcement of it, is news too: it renames the finding.
  if (
    next.rule === before.rule ||
    compareSeverity(next.severity, before.severity) > 0 ||
    (isAnnouncement(before) && !isAnnouncement(next))
  )
    return next;
  const kept: FindingRecord = { ...next, rule: before.rule };
  if (before.title !== undefined) kept.title = before.title;
  else delete kept.title;
  return kept;
}
