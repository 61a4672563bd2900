// Rule: names are unique — sources, features, events, models, and within a source its metrics and its docs.
import type { Diagnostic, SourceLocation } from '../../core/diagnostic.js';
import { diagnosticAt, fieldLocation, type ContractRule, type RuleContext } from './rule.js';

function where(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

function duplicates<T extends { name: string; location: SourceLocation }>(
  items: readonly T[],
  what: string,
  ctx: RuleContext,
  out: Diagnostic[],
): void {
  const first = new Map<string, T>();
  for (const item of items) {
    const earlier = first.get(item.name);
    if (!earlier) {
      first.set(item.name, item);
      continue;
    }
    out.push(
      diagnosticAt(fieldLocation(ctx, item, ['name']), {
        severity: 'error',
        code: 'duplicate-name',
        message: `${what} "${item.name}" is declared twice (first at ${where(fieldLocation(ctx, earlier, ['name']))})`,
        hint: `rename one of them or remove the copy; ${what} names must be unique`,
      }),
    );
  }
}

/** Duplicate source, feature, event, model, metric (per source) and doc (per source) names are errors. */
export const uniqueNames: ContractRule = {
  id: 'unique-names',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    duplicates(set.sources, 'source', ctx, out);
    duplicates(set.features, 'feature', ctx, out);
    duplicates(set.events ?? [], 'event', ctx, out);
    duplicates(set.models ?? [], 'model', ctx, out);
    for (const s of set.sources) {
      duplicates(s.metrics, `metric of source "${s.name}"`, ctx, out);
      duplicates(s.docs, `doc of source "${s.name}"`, ctx, out);
    }
    return out;
  },
};
