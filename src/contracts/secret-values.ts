// The secret values a contract set references: what every outgoing text (mail, report, status) must scrub.
import { declaredChannels, type ContractSet } from '../core/contract.js';

/**
 * The values of every `${VAR}` the contracts reference (resolved through `lookup`), so the alert composer, the report
 * and `status` can scrub them from anything an upstream echoed back. Values shorter than 4 characters are left out
 * (scrubbing them would mangle ordinary text). Never printed.
 *
 * @example
 * secretValues(contracts, (name) => env[name]) // ['EAAB…token']
 */
export function secretValues(contracts: ContractSet, lookup: (name: string) => string | undefined): string[] {
  const names = new Set<string>();
  for (const s of contracts.sources) {
    const c = s.connection;
    const templates =
      c.kind === 'meta-graph'
        ? [c.accessToken]
        : c.kind === 'http-json'
          ? [c.url, ...Object.values(c.headers)]
          : [];
    for (const t of templates) for (const r of t.refs) names.add(r);
  }
  for (const { channel } of declaredChannels(contracts))
    for (const t of channel.kind === 'slack' ? [channel.url] : [channel.url, channel.secret])
      for (const r of t.refs) names.add(r);
  return [...names].map(lookup).filter((v): v is string => v !== undefined && v.length >= 4);
}
