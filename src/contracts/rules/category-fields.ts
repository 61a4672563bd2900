// Rule: `categories` belong to a categorical metric, and its catch-all label is not one of its known categories.
import type { Diagnostic } from '../../core/diagnostic.js';
import { diagnosticAt, fieldLocation, type ContractRule } from './rule.js';

/**
 * `categories` on a metric of another kind is an error (nothing would read it); so is a catch-all label listed among
 * the known categories (a catch-all is never known).
 */
export const categoryFields: ContractRule = {
  id: 'category-fields',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    for (const s of set.sources)
      for (const m of s.metrics) {
        const c = m.categories;
        if (c && m.kind !== 'categorical')
          out.push(
            diagnosticAt(fieldLocation(ctx, m, ['categories'], 'key'), {
              severity: 'error',
              code: 'categories-kind',
              message: `metric "${s.name}/${m.name}" lists categories but is of kind ${m.kind}`,
              hint: 'write kind: categorical (counts per category), or remove categories',
            }),
          );
        if (c?.other !== undefined && c.known.includes(c.other))
          out.push(
            diagnosticAt(fieldLocation(ctx, m, ['categories', 'other']), {
              severity: 'error',
              code: 'categories-other-known',
              message: `metric "${s.name}/${m.name}": the catch-all "${c.other}" is also listed in categories.known`,
              hint: `remove "${c.other}" from categories.known: the catch-all holds what the known categories do not`,
            }),
          );
      }
    return out;
  },
};
