// Rule: `${VAR}` references name variables that are set (warning at validate; polling, or sending to a channel, fails on an unset one).
import type { ChannelContract, SourceContract } from '../../core/contract.js';
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

function channelTemplates(channels: readonly ChannelContract[] | undefined) {
  return (channels ?? []).flatMap((c, i) =>
    c.kind === 'slack'
      ? [{ path: ['channels', i, 'slack'], value: c.url }]
      : [
          { path: ['channels', i, 'webhook'], value: c.url },
          { path: ['channels', i, 'secret'], value: c.secret },
        ],
  );
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
    const owners = [
      ...set.sources.map((d) => ({ d, label: `source "${d.name}"` })),
      ...set.features.map((d) => ({ d, label: `feature "${d.name}"` })),
      ...(set.models ?? []).map((d) => ({ d, label: `model "${d.name}"` })),
    ];
    for (const { d, label } of owners) {
      for (const { path, value } of channelTemplates(d.channels)) {
        for (const name of new Set(value.refs)) {
          if (env(name) !== undefined) continue;
          out.push(
            diagnosticAt(fieldLocation(ctx, d, path), {
              severity: 'warning',
              code: 'secret-unset',
              message: `${displayPath(path)} of ${label} references \${${name}}, which is not set`,
              hint: `export ${name} where upwatch sends alerts; until then the channel's notices wait in the outbox`,
            }),
          );
        }
      }
    }
    return out;
  },
};
