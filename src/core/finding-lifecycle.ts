// Whether a finding is a condition (resolves when no longer seen) or a change of meaning (holds until a decision).
import { daysBetween } from './clock.js';
import type { FindingDraft } from './finding.js';

/**
 * `condition`: a state of the upstream that may pass (a freeze that may thaw, a failing poll, throttling, drift);
 * it resolves after enough good polls without it. `change`: the upstream changed what its numbers mean (unit or
 * scale factor, representation, removal or replacement of a metric); the detectors' baselines adapt to the new
 * regime and fall quiet while every value stays off, so it holds until the upstream reverts or a person decides.
 */
export const FINDING_LIFECYCLES = ['condition', 'change'] as const;
export type FindingLifecycle = (typeof FINDING_LIFECYCLES)[number];

/** How a finding episode ended: absent for N good polls, the upstream went back, or a person recorded a decision. */
export const FINDING_RESOLUTIONS = ['absent', 'reverted', 'decided'] as const;
export type FindingResolution = (typeof FINDING_RESOLUTIONS)[number];

/** Deprecation rules that say a metric is gone or going: Meta error #100, 410 Gone, missing from data, known removal. */
const METRIC_REMOVAL_RULES: ReadonlySet<string> = new Set([
  'metric-invalid',
  'version-gone',
  'metric-missing-from-data',
  'announced-deprecation',
]);

/** Rules that always describe a change of representation, whatever their evidence names. */
const REPRESENTATION_RULES: ReadonlySet<string> = new Set(['representation-flip']);

/** Snap tolerance the unit detectors use by default, in decades: two factors this close are the same unit. */
export const FACTOR_TOLERANCE_DECADES = 0.1;

/**
 * The factor a scale finding names (×1000 as 1000, ÷1000 as 0.001), undefined when it names none (a level shift,
 * a change of shape, a range violation without a factor).
 *
 * @example
 * changeFactorOf({ class: 'scale', evidence: { factor: 0.001 } }) // 0.001
 */
export function changeFactorOf(f: Pick<FindingDraft, 'class' | 'evidence'>): number | undefined {
  if (f.class !== 'scale') return undefined;
  const v = f.evidence['factor'];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v !== 1 ? v : undefined;
}

/**
 * Decide a finding's lifecycle from its rule, class and evidence, in this one place: a scale finding that names a
 * factor, a representation flip, or the removal of a metric is a `change`; everything else is a `condition`
 * (a level shift names no factor and stays a condition: the detector cannot tell growth from a redefinition).
 *
 * @example
 * lifecycleOf({ rule: 'panel-scale', class: 'scale', evidence: { factor: 0.001 }, metric: 'reach' }) // 'change'
 * lifecycleOf({ rule: 'frozen-run', class: 'frozen', evidence: {}, metric: 'reach' }) // 'condition'
 */
export function lifecycleOf(
  f: Pick<FindingDraft, 'rule' | 'class' | 'evidence' | 'metric'>,
): FindingLifecycle {
  if (REPRESENTATION_RULES.has(f.rule)) return 'change';
  if (changeFactorOf(f) !== undefined) return 'change';
  if (f.class === 'deprecation' && f.metric !== undefined && METRIC_REMOVAL_RULES.has(f.rule))
    return 'change';
  return 'condition';
}

/**
 * True when `b` undoes `a` (×1000 then ÷1000), within the detectors' snap tolerance.
 *
 * @example
 * isReciprocal(0.001, 1000) // true
 * isReciprocal(0.001, 1024) // true (0.01 decades apart)
 * isReciprocal(0.001, 0.001) // false
 */
export function isReciprocal(a: number, b: number, toleranceDecades = FACTOR_TOLERANCE_DECADES): boolean {
  return Math.abs(Math.log10(a) + Math.log10(b)) <= toleranceDecades;
}

/**
 * A sentence for a held change that the detectors no longer see, undefined otherwise.
 *
 * @example
 * heldNote({ lifecycle: 'change', status: 'open', goodPollsSinceAbsent: 3, lastSeen: '2026-03-16T07:00:00Z' })
 * // 'Not seen by the detector since 2026-03-16: the baselines have adapted to the new regime; …'
 */
export function heldNote(f: {
  lifecycle: FindingLifecycle;
  status: string;
  goodPollsSinceAbsent: number;
  lastSeen: string;
}): string | undefined {
  if (f.lifecycle !== 'change' || f.status === 'resolved' || f.goodPollsSinceAbsent === 0) return undefined;
  return (
    `Not seen by the detector since ${f.lastSeen.slice(0, 10)}: the baselines have adapted to the new regime; ` +
    `the values are still on the new scale. It holds until the upstream reverts or someone records a decision ` +
    `(upwatch accept).`
  );
}

/** Days a draft's onset may lie from a decision's onset and still describe the same change (detectors date it ±1). */
export const DECIDED_ONSET_TOLERANCE_DAYS = 2;

/**
 * True when a draft describes the change a person already decided on, so it must not open a new episode: the
 * same fingerprint (the caller's lookup), an onset within DECIDED_ONSET_TOLERANCE_DAYS of the decided onset, and
 * either no factor or the decided one. A range check that keeps seeing the new scale, or a scale detector that
 * re-reads the same step, is covered; the upstream going back (the reciprocal factor, a later onset) or a second
 * step is news and opens.
 *
 * @example
 * coveredByDecision({ class: 'scale', evidence: {}, onset: '2024-04-02' }, { onset: '2024-04-02', factor: 100 }) // true
 * coveredByDecision({ class: 'scale', evidence: { factor: 0.01 }, onset: '2024-06-10' }, { onset: '2024-04-02', factor: 100 }) // false
 */
export function coveredByDecision(
  f: Pick<FindingDraft, 'class' | 'evidence' | 'onset'>,
  d: { onset: string; factor?: number },
): boolean {
  if (Math.abs(daysBetween(d.onset.slice(0, 10), f.onset.slice(0, 10))) > DECIDED_ONSET_TOLERANCE_DAYS)
    return false;
  const seen = changeFactorOf(f);
  if (seen === undefined) return true;
  return (
    d.factor !== undefined && Math.abs(Math.log10(seen) - Math.log10(d.factor)) <= FACTOR_TOLERANCE_DECADES
  );
}
