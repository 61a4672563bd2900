// Rule: `${VAR}` references name variables that are set (warning at validate; polling fails on an unset one).
import type { SourceContract } from '../../core/contract.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { TemplateValue } from '../../core/secret.js';
import { displayPath } from '../schema-errors.js';
import { diagnosticAt, fieldLocation, type ContractRule } from './rule.js';

function templates(s: SourceContract): { path: (string | number)[]; value: TemplateValue }[] {
  const c = s.connection;
  if (c.kind === 'meta-graph') return [{ path: ['connection', 'accessToken'], value: c.accessToken }];
  if (c.kind === 'push') return [];
  return [
    { path: ['connection', 'url'], value: c.url },
    ...Object.entries(c.headers).map(([k, value]) => ({ path: ['connection', 'headers', k], value })),
  ];
}

/** Unset `${VAR}` references are warnings (only when the caller passed an environment). Never prints values. */
export const secretsSet: ContractRule = {
  id: 'secrets-set',
  check(set, ctx) {
    const env = ctx.env;
    if (!env) return [];
    const out: Diagnostic[] = [];
    for (const s of set.sources) {
      for (const { path, value } of templates(s)) {
        for (const name of new Set(value.refs)) {
          if (env(name) !== undefined) continue;
          out.push(
            diagnosticAt(fieldLocation(ctx, s, path), {
              severity: 'warning',
              code: 'secret-unset',
              source: s.name,
              message: `${displayPath(path)} of source "${s.name}" references \${${name}}, which is not set`,
              hint: `export ${name} where upwatch polls; validation does not need it, polling "${s.name}" does`,
            }),
          );
        }
      }
    }
    return out;
  },
};
