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

/** What `metaSourceYaml` writes: a meta-graph Source document against a loopback Graph API. */
export interface MetaSourceYaml {
  baseUrl: string;
  /** Source name (default `meta`). */
  name?: string;
  lookbackDays?: number;
  /** Graph API version pinned by the contract (default v24.0; v26.0 has no end of life on the built-in calendar). */
  apiVersion?: string;
  pages?: string[];
  schedule?: string;
  freshnessHours?: number;
  /** A changelog doc watched at `${baseUrl}/changelog`. */
  changelog?: boolean;
  /** Daily count metrics. */
  metrics?: string[];
}

/**
 * A `kind: Source` YAML document for the Meta Graph API (token from `${META_TOKEN}`), as e2e tests write it into a
 * project's contracts/.
 *
 * @example
 * metaSourceYaml({ baseUrl: graph.url, pages: ['111', '222'] }) + featureYaml('views_7d', ['meta/page_media_view'])
 */
export function metaSourceYaml(o: MetaSourceYaml): string {
  const metrics = o.metrics ?? ['page_media_view', 'page_follows'];
  return [
    'apiVersion: upwatch/v1',
    'kind: Source',
    `name: ${o.name ?? 'meta'}`,
    'owners: [data@example.com]',
    'provider: meta-graph',
    'connection:',
    `  baseUrl: ${o.baseUrl}`,
    `  apiVersion: ${o.apiVersion ?? 'v24.0'}`,
    '  accessToken: ${META_TOKEN}',
    `  pages: [${(o.pages ?? ['111']).map((p) => `'${p}'`).join(', ')}]`,
    ...(o.lookbackDays !== undefined ? [`  lookbackDays: ${o.lookbackDays}`] : []),
    `schedule: '${o.schedule ?? '0 7 * * *'}'`,
    ...(o.freshnessHours !== undefined ? [`freshnessHours: ${o.freshnessHours}`] : []),
    ...(o.changelog
      ? ['docs:', '  - name: changelog', '    kind: changelog', `    url: ${o.baseUrl}/changelog`]
      : []),
    'metrics:',
    ...metrics.flatMap((m) => [`  - name: ${m}`, '    period: day', '    kind: count']),
    '',
  ].join('\n');
}

/** A `kind: Feature` YAML document, preceded by the `---` that separates it from the document before. */
export function featureYaml(
  name: string,
  uses: string[],
  options: { owners?: string[]; /** More YAML lines (policy, channels). */ extra?: string } = {},
): string {
  const owners = (options.owners ?? ['ml@example.com']).join(', ');
  return `---\napiVersion: upwatch/v1\nkind: Feature\nname: ${name}\nowners: [${owners}]\nuses: [${uses.join(', ')}]\n${options.extra ?? ''}`;
}
