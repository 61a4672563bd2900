// Fusion: drafts about the same deprecated thing (same fingerprint) become one, the most serious channel deciding.
import type { Evidence, FindingDraft } from '../core/finding.js';
import { compareSeverity, fingerprintOf, isAnnouncement } from '../core/finding.js';

/**
 * Merge drafts that share a fingerprint (class, source, metric, subject): the most serious one wins (first on a tie),
 * evidence from the others is added without overwriting, `channels` and `rules` list every contributor, and the
 * other explanations are appended. Order of first appearance is kept.
 *
 * @example
 * fuseDrafts([changelogWarn, error100Block]) // [{ rule: 'metric-invalid', severity: 'block', evidence: { channels: ['changelog', 'runtime-error'], … } }]
 */
export function fuseDrafts(drafts: readonly FindingDraft[]): FindingDraft[] {
  const groups = new Map<string, FindingDraft[]>();
  for (const d of drafts) {
    const fp = fingerprintOf(d);
    groups.set(fp, [...(groups.get(fp) ?? []), d]);
  }
  const out: FindingDraft[] = [];
  for (const group of groups.values()) {
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const winner = group.reduce((best, d) => (compareSeverity(d.severity, best.severity) > 0 ? d : best));
    const evidence: Evidence = { ...winner.evidence };
    for (const d of group)
      for (const [k, v] of Object.entries(d.evidence)) if (!(k in evidence)) evidence[k] = v;
    const channels = [
      ...new Set(group.map((d) => d.evidence.channel).filter((c): c is string => typeof c === 'string')),
    ];
    if (channels.length) evidence.channels = channels;
    evidence.rules = [...new Set(group.map((d) => d.rule))];
    const others = [...new Set(group.filter((d) => d !== winner).map((d) => d.explanation))].filter(
      (e) => e !== winner.explanation,
    );
    const merged: FindingDraft = {
      ...winner,
      entities: [...new Set(group.flatMap((d) => d.entities))].sort(),
      evidence,
      explanation: others.length ? `${winner.explanation} Also: ${others.join(' ')}` : winner.explanation,
    };
    const effectiveDate = winner.effectiveDate ?? group.find((d) => d.effectiveDate)?.effectiveDate;
    if (effectiveDate) merged.effectiveDate = effectiveDate;
    const replacement = winner.replacement ?? group.find((d) => d.replacement)?.replacement;
    if (replacement) merged.replacement = replacement;
    // Onset is when the upstream itself changed: an announcement's day only counts when nothing else saw a change.
    const changed = group.filter((d) => !isAnnouncement(d));
    const onset = (changed.length > 0 ? changed : group).map((d) => d.onset).sort()[0];
    if (onset) merged.onset = onset;
    const announcedOn = group
      .map((d) => d.announcedOn)
      .filter((a): a is string => a !== undefined)
      .sort()[0];
    if (announcedOn) merged.announcedOn = announcedOn;
    out.push(merged);
  }
  return out;
}
