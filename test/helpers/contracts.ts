// Builders for SourceContract objects in tests (the loaded model, not YAML).
import type { HttpJsonConnection, MetricContract, SourceContract } from '../../src/core/contract.js';
import { parseTemplate } from '../../src/core/secret.js';

const loc = { file: 'contracts/test.yaml', line: 1, col: 1 };

/** A metric contract with defaults. */
export function metric(name: string, extra: Partial<MetricContract> = {}): MetricContract {
  return { name, period: 'day', kind: 'count', checks: {}, location: loc, ...extra };
}

/** A meta-graph source against `baseUrl`, token from `${META_TOKEN}`. */
export function metaSource(
  baseUrl: string,
  metrics: string[],
  extra: Partial<SourceContract> = {},
): SourceContract {
  return {
    name: 'meta',
    owners: ['data@example.com'],
    provider: 'meta-graph',
    connection: {
      kind: 'meta-graph',
      baseUrl,
      apiVersion: 'v24.0',
      accessToken: parseTemplate('${META_TOKEN}'),
      pages: ['111'],
      lookbackDays: 3,
    },
    schedule: '0 6 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs: [],
    metrics: metrics.map((m) => metric(m)),
    checks: {},
    location: loc,
    ...extra,
  };
}

/** An http-json source. */
export function httpJsonSource(
  url: string,
  select: HttpJsonConnection['select'],
  metrics: string[],
  extra: Partial<HttpJsonConnection> = {},
): SourceContract {
  return {
    name: 'partner',
    owners: ['data@example.com'],
    provider: 'http-json',
    connection: {
      kind: 'http-json',
      url: parseTemplate(url),
      headers: {},
      entities: [],
      select,
      lookbackDays: 3,
      ...extra,
    },
    schedule: '0 6 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs: [],
    metrics: metrics.map((m) => metric(m)),
    checks: {},
    location: loc,
  };
}
