// Rule: an event's days are real and in order, and what it touches (sources, metrics, features) is declared.
import type { Diagnostic } from '../../core/diagnostic.js';
import { didYouMean } from '../did-you-mean.js';
import { diagnosticAt, fieldLocation, type ContractRule } from './rule.js';

function realDay(day: string): boolean {
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
}

/**
 * An event whose day does not exist, that ends before it starts, or that names an undeclared source, metric or
 * feature is an error (a typo would silently link nothing and drop nothing).
 */
export const eventReferences: ContractRule = {
  id: 'event-references',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    const sources = new Map(set.sources.map((s) => [s.name, s.metrics.map((m) => m.name)]));
    const features = set.features.map((f) => f.name);
    for (const e of set.events ?? []) {
      for (const key of ['from', 'to'] as const)
        if (!realDay(e[key]))
          out.push(
            diagnosticAt(fieldLocation(ctx, e, [key]), {
              severity: 'error',
              code: 'invalid-day',
              message: `event "${e.name}": ${key} ${e[key]} is not a day of the calendar`,
              hint: 'write an ISO day such as 2026-03-10',
            }),
          );
      if (realDay(e.from) && realDay(e.to) && e.from > e.to)
        out.push(
          diagnosticAt(fieldLocation(ctx, e, ['to']), {
            severity: 'error',
            code: 'event-order',
            message: `event "${e.name}" ends (${e.to}) before it starts (${e.from})`,
            hint: 'swap from and to',
          }),
        );
      e.sources.forEach((s, i) => {
        if (sources.has(s) || ctx.invalidSources?.has(s)) return;
        out.push(
          diagnosticAt(fieldLocation(ctx, e, ['sources', i]), {
            severity: 'error',
            code: 'unknown-source',
            message: `event "${e.name}" touches source "${s}", which is not declared`,
            hint: didYouMean(s, [...sources.keys()]) ?? `declared sources: ${[...sources.keys()].join(', ')}`,
          }),
        );
      });
      e.metrics.forEach((ref, i) => {
        const [s = '', m = ''] = ref.split('/');
        const names = sources.get(s);
        if (ctx.invalidSources?.has(s) || names?.includes(m)) return;
        out.push(
          diagnosticAt(fieldLocation(ctx, e, ['metrics', i]), {
            severity: 'error',
            code: names ? 'unknown-metric' : 'unknown-source',
            message: names
              ? `event "${e.name}" touches "${ref}" but source "${s}" declares no metric "${m}"`
              : `event "${e.name}" touches "${ref}" but no source is named "${s}"`,
            hint: names
              ? (didYouMean(m, names) ?? `declared metrics: ${names.join(', ')}`)
              : (didYouMean(s, [...sources.keys()]) ?? `declared sources: ${[...sources.keys()].join(', ')}`),
          }),
        );
      });
      e.features.forEach((f, i) => {
        if (features.includes(f)) return;
        out.push(
          diagnosticAt(fieldLocation(ctx, e, ['features', i]), {
            severity: 'error',
            code: 'unknown-feature',
            message: `event "${e.name}" touches feature "${f}", which is not declared`,
            hint: didYouMean(f, features) ?? `declared features: ${features.slice(0, 10).join(', ')}`,
          }),
        );
      });
    }
    return out;
  },
};
