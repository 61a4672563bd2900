// Contract rule: flags declared metrics that a vendor already removed or announced, and pinned versions near end of life.
import { isoDay } from '../../core/clock.js';
import type { ContractSet } from '../../core/contract.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { graphVersionEol, knownDeprecation } from '../../knowledge/lookup.js';
import type { ContractRule, RuleContext } from './rule.js';

const EOL_THRESHOLDS = [90, 30, 7] as const;

/**
 * `known-deprecations`: a metric the built-in knowledge lists as removed is an error (with the day and the
 * replacement), one announced for a later day is a warning; a pinned Meta Graph version past its end of life is an
 * error, within 90/30/7 days of it a warning.
 *
 * @example
 * knownDeprecationsRule.check(set, { env, now: new Date('2026-01-01') })
 * // [{ severity: 'error', code: 'metric-removed', message: 'metric page_impressions was removed by Meta on 2025-11-15 …' }]
 */
export const knownDeprecationsRule: ContractRule = {
  id: 'known-deprecations',
  check(set: ContractSet, ctx: RuleContext): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const source of set.sources) {
      for (const metric of source.metrics) {
        const k = knownDeprecation(source.provider, metric.name, ctx.now);
        if (!k) continue;
        const use = k.replacement
          ? `use ${k.replacement}${k.note ? ` (${k.note})` : ''}`
          : 'Meta named no alternative';
        const removed = k.status === 'removed';
        out.push({
          ...metric.location,
          severity: removed ? 'error' : 'warning',
          code: removed ? 'metric-removed' : 'metric-deprecation-announced',
          message: removed
            ? `metric ${metric.name} of source ${source.name} was removed by ${k.vendor} on ${k.effective} (Page Insights wave ${k.wave}, announced ${k.announced}); ${use}`
            : `metric ${metric.name} of source ${source.name} will be removed by ${k.vendor} on ${k.effective} (Page Insights wave ${k.wave}, announced ${k.announced}); ${use}`,
          hint: k.replacement
            ? `replace it with ${k.replacement} as a new series (replacements measure something else); source: ${k.reference}`
            : `remove it and the features that use it, or find another signal; source: ${k.reference}`,
        });
      }
      if (source.connection.kind !== 'meta-graph') continue;
      const eol = graphVersionEol(source.connection.apiVersion, ctx.now, EOL_THRESHOLDS);
      if (!eol || eol.status === 'ok') continue;
      const passed = eol.status === 'passed';
      out.push({
        ...source.location,
        severity: passed ? 'error' : 'warning',
        code: passed ? 'version-eol-passed' : 'version-eol-soon',
        message: passed
          ? `source ${source.name} pins Graph API ${eol.version}, which stopped on ${eol.availableUntil} (${-eol.daysLeft} days before ${isoDay(ctx.now)}); Meta now serves calls with a newer version`
          : `source ${source.name} pins Graph API ${eol.version}, available until ${eol.availableUntil} (${eol.daysLeft} days left)`,
        hint: 'pin a supported version in connection.apiVersion and check the changelog between the two',
      });
    }
    return out;
  },
};
