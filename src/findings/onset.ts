// A finding's onset is the first day the upstream changed; the announcement of the change is its own date.
import { isAnnouncement, type Finding } from '../core/finding.js';
import type { FindingRecord } from '../core/finding-record.js';

/**
 * Dates of an open finding seen again. A finding opened by an announcement (a changelog entry, the known
 * deprecations) and now seen by what the upstream did (the first #100 answer) takes that draft's onset: the day the
 * upstream changed, not the day the announcement was read. `announcedOn` keeps the earliest announcement known.
 *
 * @example
 * settleOnset(announcedOnJan10, next, error100OnMar14).onset // '2026-03-14'
 */
export function settleOnset(
  rec: FindingRecord,
  next: FindingRecord,
  f: Pick<Finding, 'rule' | 'onset' | 'announcedOn'>,
): FindingRecord {
  const out: FindingRecord = { ...next };
  if (isAnnouncement(rec) && !isAnnouncement(f)) out.onset = f.onset;
  const announced = [rec.announcedOn, f.announcedOn].filter((a): a is string => a !== undefined).sort()[0];
  if (announced !== undefined) out.announcedOn = announced;
  return out;
}
