// The open finding a person names by fingerprint prefix (for ack and accept): checked, looked up, exactly one.
import { UpwatchError } from '../core/errors.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { FindingsStore } from '../core/findings-repo.js';

/**
 * The fingerprint prefix a person typed, lower-cased; UpwatchError `USAGE` when it is not 4+ hex digits. Check it
 * before opening a transaction.
 *
 * @example
 * fingerprintPrefix(' 3F1C9A ') // '3f1c9a'
 */
export function fingerprintPrefix(typed: string): string {
  const prefix = typed.trim().toLowerCase();
  if (!/^[0-9a-f]{4,}$/.test(prefix)) {
    throw new UpwatchError('USAGE', `"${typed}" is not a finding fingerprint`, {
      hint: 'give the fingerprint (or its first 4+ hex digits) shown by `upwatch status` or in the alert mail',
    });
  }
  return prefix;
}

/**
 * The one open (or acknowledged) finding whose fingerprint starts with `prefix`. Throws UpwatchError `NOT_FOUND`
 * (with `resolvedHint` as its hint) when none matches, `USAGE` when several do.
 *
 * @example
 * const f = await openFindingByPrefix(store, '3f1c9a', 'list open findings with `upwatch status`');
 */
export async function openFindingByPrefix(
  store: FindingsStore,
  prefix: string,
  resolvedHint: string,
): Promise<FindingRecord> {
  const matches = (await store.findings.byPrefix(prefix)).filter((f) => f.status !== 'resolved');
  if (matches.length === 0) {
    throw new UpwatchError('NOT_FOUND', `no open finding matches ${prefix}`, { hint: resolvedHint });
  }
  if (matches.length > 1) {
    throw new UpwatchError('USAGE', `${prefix} matches ${matches.length} open findings`, {
      hint: `give more digits: ${matches
        .slice(0, 5)
        .map((m) => m.fingerprint)
        .join(', ')}`,
    });
  }
  return matches[0]!;
}
