// Validated YAML data → the core contract model, with every default applied and every entity located.
import type {
  ChannelContract,
  CheckOverride,
  Connection,
  DocContract,
  EventContract,
  FeatureContract,
  MetricContract,
  MetricKind,
  MetricPeriod,
  MetricRef,
  ModelContract,
  ProviderName,
  Severity,
  SourceContract,
} from '../core/contract.js';
import { parseTemplate } from '../core/secret.js';
import { CONTRACT_DEFAULTS } from './defaults.js';
import type { EntityPositions } from './locations.js';
import type { YamlDocument } from './yaml-source.js';

// The raw shapes below are what the schema guarantees; fields are optional where the schema allows it.
interface RawCheck {
  enabled?: boolean;
  severity?: Severity;
  options?: Record<string, unknown>;
}
interface RawMetric {
  name: string;
  period?: MetricPeriod;
  kind: MetricKind;
  unit?: string;
  range?: { min?: number; max?: number };
  description?: string;
  field?: string;
  checks?: Record<string, RawCheck>;
  numerator?: string;
  denominator?: string;
  categories?: { known?: string[]; other?: string };
  segments?: { dimension: string; order?: string[] };
}
interface RawDoc {
  name: string;
  kind: 'openapi' | 'changelog';
  url: string;
  operations?: string[];
  fields?: string[];
}
interface RawSource {
  name: string;
  description?: string;
  owners: string[];
  channels?: RawChannel[];
  provider: ProviderName;
  connection?: Record<string, unknown>;
  schedule?: string;
  timezone?: string;
  freshnessHours?: number;
  pollDeadlineSeconds?: number;
  docs?: RawDoc[];
  metrics: RawMetric[];
  checks?: Record<string, RawCheck>;
}
interface RawFeature {
  name: string;
  description?: string;
  owners: string[];
  channels?: RawChannel[];
  uses: string[];
  policy?: { blockOn?: Severity[]; warnOn?: Severity[] };
  model?: string;
}

interface RawChannel {
  slack?: string;
  webhook?: string;
  secret?: string;
}

/** The channels of a document (the schema guarantees one of slack or webhook, and a secret with a webhook). */
function channelsOf(raw: readonly RawChannel[] | undefined): ChannelContract[] {
  return (raw ?? []).map((c) =>
    c.slack !== undefined
      ? { kind: 'slack', url: parseTemplate(c.slack) }
      : { kind: 'webhook', url: parseTemplate(c.webhook ?? ''), secret: parseTemplate(c.secret ?? '') },
  );
}

function checksOf(raw: Record<string, RawCheck> | undefined): Record<string, CheckOverride> {
  const out: Record<string, CheckOverride> = {};
  for (const [id, c] of Object.entries(raw ?? {})) {
    out[id] = {
      ...(c.enabled !== undefined ? { enabled: c.enabled } : {}),
      ...(c.severity !== undefined ? { severity: c.severity } : {}),
      ...(c.options !== undefined ? { options: { ...c.options } } : {}),
    };
  }
  return out;
}

function connectionOf(provider: ProviderName, c: Record<string, unknown> = {}): Connection {
  if (provider === 'push') return { kind: 'push' };
  const lookbackDays = (c['lookbackDays'] as number | undefined) ?? CONTRACT_DEFAULTS.lookbackDays;
  if (provider === 'meta-graph') {
    return {
      kind: 'meta-graph',
      baseUrl: (c['baseUrl'] as string | undefined) ?? CONTRACT_DEFAULTS.metaBaseUrl,
      apiVersion: c['apiVersion'] as string,
      accessToken: parseTemplate(c['accessToken'] as string),
      pages: [...(c['pages'] as string[])],
      lookbackDays,
    };
  }
  const select = c['select'] as Record<string, string>;
  const headers: Record<string, ReturnType<typeof parseTemplate>> = {};
  for (const [k, v] of Object.entries((c['headers'] as Record<string, string> | undefined) ?? {})) {
    headers[k] = parseTemplate(v);
  }
  return {
    kind: 'http-json',
    url: parseTemplate(c['url'] as string),
    headers,
    entities: [...((c['entities'] as string[] | undefined) ?? [])],
    ...(c['apiVersion'] !== undefined ? { apiVersion: c['apiVersion'] as string } : {}),
    ...(c['versionHeader'] !== undefined ? { versionHeader: c['versionHeader'] as string } : {}),
    select: {
      records: select['records']!,
      time: select['time']!,
      ...(select['entity'] !== undefined ? { entity: select['entity'] } : {}),
      ...(select['metric'] !== undefined ? { metric: select['metric'] } : {}),
      ...(select['value'] !== undefined ? { value: select['value'] } : {}),
      ...(select['next'] !== undefined ? { next: select['next'] } : {}),
    },
    lookbackDays,
  };
}

/**
 * Build a SourceContract from a document that passed schema validation.
 *
 * @example
 * buildSource(doc, positions).timezone // 'UTC' when the contract does not say
 */
export function buildSource(doc: YamlDocument, positions: EntityPositions): SourceContract {
  const raw = doc.value as RawSource;
  const metrics: MetricContract[] = raw.metrics.map((m, i) => {
    const metric: MetricContract = {
      name: m.name,
      period: m.period ?? CONTRACT_DEFAULTS.period,
      kind: m.kind,
      ...(m.unit !== undefined ? { unit: m.unit } : {}),
      ...(m.range !== undefined ? { range: { ...m.range } } : {}),
      ...(m.description !== undefined ? { description: m.description } : {}),
      ...(m.field !== undefined ? { field: m.field } : {}),
      checks: checksOf(m.checks),
      ...(m.numerator !== undefined ? { numerator: m.numerator } : {}),
      ...(m.denominator !== undefined ? { denominator: m.denominator } : {}),
      ...(m.categories !== undefined
        ? {
            categories: {
              known: [...(m.categories.known ?? [])],
              ...(m.categories.other !== undefined ? { other: m.categories.other } : {}),
            },
          }
        : {}),
      ...(m.segments !== undefined
        ? {
            segments: {
              dimension: m.segments.dimension,
              ...(m.segments.order !== undefined ? { order: [...m.segments.order] } : {}),
            },
          }
        : {}),
      location: doc.locate(['metrics', i]),
    };
    positions.register(metric, doc, ['metrics', i]);
    return metric;
  });
  const docs: DocContract[] = (raw.docs ?? []).map((d, i) => {
    const docContract: DocContract = {
      name: d.name,
      kind: d.kind,
      url: d.url,
      operations: [...(d.operations ?? [])],
      fields: [...(d.fields ?? [])],
      location: doc.locate(['docs', i]),
    };
    positions.register(docContract, doc, ['docs', i]);
    return docContract;
  });
  const source: SourceContract = {
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    owners: [...raw.owners],
    channels: channelsOf(raw.channels),
    provider: raw.provider,
    connection: connectionOf(raw.provider, raw.connection),
    schedule: raw.schedule ?? '',
    timezone: raw.timezone ?? CONTRACT_DEFAULTS.timezone,
    freshnessHours: raw.freshnessHours ?? CONTRACT_DEFAULTS.freshnessHours,
    ...(raw.pollDeadlineSeconds !== undefined ? { pollDeadlineSeconds: raw.pollDeadlineSeconds } : {}),
    docs,
    metrics,
    checks: checksOf(raw.checks),
    location: doc.locate([]),
  };
  positions.register(source, doc, []);
  return source;
}

/** `source/metric` strings of a list field, each located where it was written. */
function metricRefs(
  refs: readonly string[],
  key: string,
  doc: YamlDocument,
  positions: EntityPositions,
): MetricRef[] {
  return refs.map((u, i) => {
    const slash = u.indexOf('/');
    const ref: MetricRef = {
      source: u.slice(0, slash),
      metric: u.slice(slash + 1),
      location: doc.locate([key, i]),
    };
    positions.register(ref, doc, [key, i]);
    return ref;
  });
}

/**
 * Build a FeatureContract from a document that passed schema validation.
 *
 * @example
 * buildFeature(doc, positions).policy // { blockOn: ['block'], warnOn: ['warn'] } by default
 */
export function buildFeature(doc: YamlDocument, positions: EntityPositions): FeatureContract {
  const raw = doc.value as RawFeature;
  const uses = metricRefs(raw.uses, 'uses', doc, positions);
  const feature: FeatureContract = {
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    owners: [...raw.owners],
    channels: channelsOf(raw.channels),
    uses,
    policy: {
      blockOn: [...(raw.policy?.blockOn ?? CONTRACT_DEFAULTS.blockOn)],
      warnOn: [...(raw.policy?.warnOn ?? CONTRACT_DEFAULTS.warnOn)],
    },
    ...(raw.model !== undefined ? { model: raw.model } : {}),
    location: doc.locate([]),
  };
  positions.register(feature, doc, []);
  return feature;
}

interface RawEvent {
  name: string;
  description?: string;
  from: string;
  to: string;
  sources?: string[];
  metrics?: string[];
  features?: string[];
  train?: boolean;
}

/**
 * Build an EventContract from a document that passed schema validation (`train` defaults to false).
 *
 * @example
 * buildEvent(doc, positions) // { name: 'ui-redesign-2026-03', from: '2026-03-10', to: '2026-03-16', train: false, … }
 */
export function buildEvent(doc: YamlDocument, positions: EntityPositions): EventContract {
  const raw = doc.value as RawEvent;
  const event: EventContract = {
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    from: raw.from,
    to: raw.to,
    sources: [...(raw.sources ?? [])],
    metrics: [...(raw.metrics ?? [])],
    features: [...(raw.features ?? [])],
    train: raw.train ?? false,
    location: doc.locate([]),
  };
  positions.register(event, doc, []);
  return event;
}

interface RawModel {
  name: string;
  description?: string;
  owners: string[];
  channels?: RawChannel[];
  features: string[];
  kpis?: string[];
  trustSignals?: string[];
}

/**
 * Build a ModelContract from a document that passed schema validation (no KPIs or trust signals by default).
 *
 * @example
 * buildModel(doc, positions) // { name: 'underwriting', features: ['risk_inputs'], kpis: [{ source: 'claims', metric: 'loss_ratio_low', … }], trustSignals: [], … }
 */
export function buildModel(doc: YamlDocument, positions: EntityPositions): ModelContract {
  const raw = doc.value as RawModel;
  const model: ModelContract = {
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    owners: [...raw.owners],
    channels: channelsOf(raw.channels),
    features: [...raw.features],
    kpis: metricRefs(raw.kpis ?? [], 'kpis', doc, positions),
    trustSignals: metricRefs(raw.trustSignals ?? [], 'trustSignals', doc, positions),
    location: doc.locate([]),
  };
  positions.register(model, doc, []);
  return model;
}
