// The base→head contract diff, classified for a consumer: what breaks a feature, what deserves a look, what is news.
import type {
  CheckOverride,
  ContractSet,
  FeatureContract,
  MetricContract,
  MetricRef,
  Severity,
  SourceContract,
} from '../core/contract.js';
import { featuresUsing, findMetric, findSource } from '../core/contract.js';
import type { SourceLocation } from '../core/diagnostic.js';
import { compareSeverity } from '../core/finding.js';
import { makeIssue, type CiIssue } from './issue.js';
import { CI_RULES, ruleId, type CiRuleName } from './rules.js';

/** A pinned API version's lifecycle, as the built-in knowledge knows it. */
export interface VersionLifecycle {
  version: string;
  /** ISO day after which the vendor stops serving the version; undefined while unannounced. */
  endOfLife?: string;
}

/** Looks up the lifecycle of the version a source pins (undefined when unknown). */
export type VersionLookup = (
  provider: SourceContract['provider'],
  version: string,
) => VersionLifecycle | undefined;

export interface ClassifyOptions {
  now: Date;
  /** Version calendar (from src/knowledge); without it pinned-version moves are only reported as info. */
  versionLifecycle?: VersionLookup;
  /** Days before end of life at which a version counts as "near" it. Default 90. */
  nearEndOfLifeDays?: number;
  /**
   * Head files with errors: a source or feature of base declared in one of them that is missing at head may only
   * have failed to load, so its removal is not reported (the validation errors are).
   */
  unloadedFiles?: ReadonlySet<string>;
  /** Feature names declared at head in documents that failed validation: still there, not removed. */
  invalidHeadFeatures?: ReadonlySet<string>;
}

/** What happened to a feature between base and head. */
export type FeatureChangeKind = 'added' | 'changed' | 'unchanged';

export interface FeatureChange {
  feature: FeatureContract;
  kind: FeatureChangeKind;
  /** `source/metric` references head uses that base did not. For an added feature: all of them. */
  newUses: MetricRef[];
}

export interface Classification {
  issues: CiIssue[];
  /** Every head feature with what happened to it; added and changed ones are health-checked. */
  features: FeatureChange[];
  /** Names of sources added, removed or changed (for per-contract test cases). */
  changedSources: string[];
}

const DAY_MS = 86_400_000;

function refKey(r: { source: string; metric: string }): string {
  return `${r.source}/${r.metric}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return sameJson([...a].sort(), [...b].sort());
}

/** Features at head that use `source/metric`, as a short list for messages. */
function namesOf(features: readonly FeatureContract[]): string {
  const names = features.map((f) => f.name);
  return names.length <= 3
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/** Severity of a breaking change: block when a head feature depends on it, else warn (nobody consumes it yet). */
function breakingFor(users: readonly FeatureContract[]): Severity {
  return users.length > 0 ? 'block' : 'warn';
}

class IssueList {
  readonly items: CiIssue[] = [];
  add(
    rule: CiRuleName,
    severity: Severity,
    location: SourceLocation,
    message: string,
    extra: Partial<Pick<CiIssue, 'feature' | 'source' | 'metric' | 'hint' | 'replacement'>> = {},
    subject: string[] = [],
  ): void {
    this.items.push(
      makeIssue({ rule: ruleId(rule), severity, origin: 'change', message, location, ...extra }, [
        extra.feature,
        extra.source,
        extra.metric,
        ...subject,
      ]),
    );
  }
}

/**
 * Diff two contract sets and classify every change for the features that consume them.
 *
 * @example
 * const { issues, features } = classifyChanges(base, head, { now: new Date() });
 * issues.filter((i) => i.severity === 'block') // breaking changes
 */
export function classifyChanges(
  base: ContractSet,
  head: ContractSet,
  options: ClassifyOptions,
): Classification {
  const out = new IssueList();
  const changedSources = new Set<string>();

  for (const headSource of head.sources) {
    const baseSource = findSource(base, headSource.name);
    if (!baseSource) {
      out.add('source-added', 'info', headSource.location, `source ${headSource.name} added`, {
        source: headSource.name,
      });
      changedSources.add(headSource.name);
      checkPinnedVersion(out, undefined, headSource, head, options);
      continue;
    }
    const before = out.items.length;
    diffSource(out, baseSource, headSource, head, options);
    if (out.items.length > before) changedSources.add(headSource.name);
  }

  const unloaded = (loc: SourceLocation): boolean => options.unloadedFiles?.has(loc.file) ?? false;
  for (const baseSource of base.sources) {
    if (findSource(head, baseSource.name) || unloaded(baseSource.location)) continue;
    changedSources.add(baseSource.name);
    const users = featuresUsing(head, baseSource.name);
    if (users.length === 0) {
      out.add(
        'source-removed',
        'info',
        baseSource.location,
        `source ${baseSource.name} removed (no feature uses it)`,
        {
          source: baseSource.name,
        },
      );
      continue;
    }
    for (const metric of baseSource.metrics) {
      const metricUsers = featuresUsing(head, baseSource.name, metric.name);
      if (metricUsers.length === 0) continue;
      out.add(
        'metric-removed',
        'block',
        metric.location,
        `metric ${baseSource.name}/${metric.name} was removed with its source, but ${namesOf(metricUsers)} still use it`,
        { source: baseSource.name, metric: metric.name, hint: ruleHint('metric-removed') },
      );
    }
  }

  const features: FeatureChange[] = [];
  for (const headFeature of head.features) {
    const baseFeature = base.features.find((f) => f.name === headFeature.name);
    features.push(diffFeature(out, baseFeature, headFeature, base, head));
  }
  // A removed or renamed feature is always listed: every pipeline that gates on the old name exits 2 from then on.
  for (const baseFeature of base.features) {
    const name = baseFeature.name;
    if (head.features.some((f) => f.name === name) || options.invalidHeadFeatures?.has(name)) continue;
    const message = unloaded(baseFeature.location)
      ? `feature ${name} is not declared at head (removed, renamed, or its document no longer loads); pipelines that gate on it will fail with "unknown feature"`
      : `feature ${name} removed or renamed; pipelines that gate on it will fail with "unknown feature"`;
    out.add('feature-removed', 'warn', baseFeature.location, message, {
      feature: name,
      hint: 'keep the old name until every training and serving job that runs `upwatch gate` on it has moved',
    });
  }

  return { issues: out.items, features, changedSources: [...changedSources].sort() };
}

/** The reviewer's next step for a rule, as the rule catalogue states it (the same text SARIF and docs/ci.md show). */
function ruleHint(rule: CiRuleName): string {
  return CI_RULES[rule].help;
}

// eslint-disable-next-line max-lines-per-function -- a flat list of independent per-field comparisons of one source (owners, connection, schedule, docs, metrics), each a few lines
function diffSource(
  out: IssueList,
  base: SourceContract,
  head: SourceContract,
  headSet: ContractSet,
  options: ClassifyOptions,
): void {
  const source = head.name;
  if ((base.description ?? '') !== (head.description ?? '')) {
    out.add('description-changed', 'info', head.location, `source ${source}: description changed`, {
      source,
    });
  }
  if (!sameList(base.owners, head.owners)) {
    out.add(
      'owners-changed',
      'info',
      head.location,
      `source ${source}: owners changed from [${base.owners.join(', ')}] to [${head.owners.join(', ')}]`,
      { source },
    );
  }
  if (base.schedule !== head.schedule || base.timezone !== head.timezone) {
    out.add(
      'schedule-changed',
      'info',
      head.location,
      `source ${source}: schedule changed from "${base.schedule}" ${base.timezone} to "${head.schedule}" ${head.timezone}`,
      { source },
    );
  }
  checkPinnedVersion(out, base, head, headSet, options);
  const { apiVersion: _a, ...baseConn } = base.connection as { apiVersion?: string };
  const { apiVersion: _b, ...headConn } = head.connection as { apiVersion?: string };
  if (base.provider !== head.provider || !sameJson(baseConn, headConn)) {
    out.add(
      'connection-changed',
      base.provider !== head.provider ? 'warn' : 'info',
      head.location,
      base.provider !== head.provider
        ? `source ${source}: provider changed from ${base.provider} to ${head.provider}`
        : `source ${source}: connection settings changed`,
      { source },
    );
  }
  diffChecks(out, base.checks, head.checks, head.location, source, undefined, headSet);

  for (const doc of base.docs) {
    const now = head.docs.find((d) => d.name === doc.name);
    if (!now) {
      out.add(
        'doc-unwatched',
        'warn',
        doc.location,
        `source ${source}: watched doc ${doc.name} removed; deprecations announced at ${doc.url} will go unnoticed`,
        { source },
        [doc.name],
      );
      continue;
    }
    const lostOps =
      now.operations.length > 0 ? doc.operations.filter((o) => !now.operations.includes(o)) : [];
    const lostFields = now.fields.length > 0 ? doc.fields.filter((f) => !now.fields.includes(f)) : [];
    const narrowedToSome =
      (doc.operations.length === 0 && now.operations.length > 0) ||
      (doc.fields.length === 0 && now.fields.length > 0);
    if (lostOps.length > 0 || lostFields.length > 0 || narrowedToSome) {
      const what = [...lostOps, ...lostFields];
      out.add(
        'doc-unwatched',
        'warn',
        now.location,
        `source ${source}: doc ${doc.name} watches less than before${what.length > 0 ? ` (no longer: ${what.join(', ')})` : ''}`,
        { source },
        [doc.name, ...what],
      );
    }
  }

  for (const metric of head.metrics) {
    const old = findMetric(base, metric.name);
    if (!old) {
      out.add('metric-added', 'info', metric.location, `metric ${source}/${metric.name} added`, {
        source,
        metric: metric.name,
      });
      continue;
    }
    diffMetric(out, source, old, metric, headSet);
  }
  for (const metric of base.metrics) {
    if (findMetric(head, metric.name)) continue;
    const users = featuresUsing(headSet, source, metric.name);
    out.add(
      'metric-removed',
      users.length > 0 ? 'block' : 'info',
      metric.location,
      users.length > 0
        ? `metric ${source}/${metric.name} was removed, but ${namesOf(users)} still use${users.length === 1 ? 's' : ''} it`
        : `metric ${source}/${metric.name} removed (no feature uses it)`,
      { source, metric: metric.name, ...(users.length > 0 ? { hint: ruleHint('metric-removed') } : {}) },
    );
  }
}

function diffMetric(
  out: IssueList,
  source: string,
  base: MetricContract,
  head: MetricContract,
  headSet: ContractSet,
): void {
  const name = `${source}/${head.name}`;
  const users = featuresUsing(headSet, source, head.name);
  const usedBy = users.length > 0 ? `; used by ${namesOf(users)}` : '; no feature uses it yet';
  const extra = { source, metric: head.name };
  if (base.kind !== head.kind) {
    out.add(
      'metric-kind-changed',
      breakingFor(users),
      head.location,
      `metric ${name}: kind changed from ${base.kind} to ${head.kind}${usedBy}`,
      { ...extra, hint: ruleHint('metric-kind-changed') },
    );
  }
  if ((base.unit ?? '') !== (head.unit ?? '')) {
    out.add(
      'metric-unit-changed',
      breakingFor(users),
      head.location,
      `metric ${name}: unit changed from ${base.unit ?? '(none)'} to ${head.unit ?? '(none)'}${usedBy}`,
      { ...extra, hint: ruleHint('metric-unit-changed') },
    );
  }
  if (base.period !== head.period) {
    out.add(
      'metric-period-changed',
      breakingFor(users),
      head.location,
      `metric ${name}: period changed from ${base.period} to ${head.period}${usedBy}`,
      { ...extra, hint: ruleHint('metric-period-changed') },
    );
  }
  if ((base.field ?? head.name) !== (head.field ?? head.name)) {
    out.add(
      'metric-field-changed',
      'warn',
      head.location,
      `metric ${name}: read from field ${head.field ?? head.name} instead of ${base.field ?? base.name}`,
      extra,
    );
  }
  const narrowed = rangeNarrowed(base.range, head.range);
  if (narrowed) {
    out.add(
      'metric-range-narrowed',
      'warn',
      head.location,
      `metric ${name}: expected range narrowed from ${rangeText(base.range)} to ${rangeText(head.range)}`,
      extra,
    );
  } else if (!sameJson(base.range ?? {}, head.range ?? {})) {
    out.add(
      'metric-changed',
      'info',
      head.location,
      `metric ${name}: expected range changed from ${rangeText(base.range)} to ${rangeText(head.range)}`,
      extra,
      ['range'],
    );
  }
  if ((base.description ?? '') !== (head.description ?? '')) {
    out.add('description-changed', 'info', head.location, `metric ${name}: description changed`, extra);
  }
  diffChecks(out, base.checks, head.checks, head.location, source, head.name, headSet);
}

function rangeText(r: MetricContract['range']): string {
  if (!r || (r.min === undefined && r.max === undefined)) return 'any';
  return `${r.min ?? '-∞'}..${r.max ?? '∞'}`;
}

/** True when head accepts fewer values than base (a bound added or tightened). */
function rangeNarrowed(base: MetricContract['range'], head: MetricContract['range']): boolean {
  const bMin = base?.min ?? -Infinity;
  const bMax = base?.max ?? Infinity;
  const hMin = head?.min ?? -Infinity;
  const hMax = head?.max ?? Infinity;
  return hMin > bMin || hMax < bMax;
}

function diffChecks(
  out: IssueList,
  base: Record<string, CheckOverride>,
  head: Record<string, CheckOverride>,
  location: SourceLocation,
  source: string,
  metric: string | undefined,
  headSet: ContractSet,
): void {
  const ids = new Set([...Object.keys(base), ...Object.keys(head)]);
  const where = metric ? `metric ${source}/${metric}` : `source ${source}`;
  const users = featuresUsing(headSet, source, metric);
  for (const id of [...ids].sort()) {
    const b = base[id] ?? {};
    const h = head[id] ?? {};
    if (sameJson(b, h)) continue;
    const disabled = b.enabled !== false && h.enabled === false;
    const lowered =
      b.severity !== undefined && h.severity !== undefined && compareSeverity(h.severity, b.severity) < 0;
    if (disabled || lowered) {
      out.add(
        'check-relaxed',
        'warn',
        location,
        disabled
          ? `${where}: check ${id} disabled${users.length > 0 ? `; ${namesOf(users)} will no longer be blocked by it` : ''}`
          : `${where}: check ${id} severity lowered from ${b.severity} to ${h.severity}`,
        { source, ...(metric ? { metric } : {}) },
        [id],
      );
    } else {
      out.add(
        'metric-changed',
        'info',
        location,
        `${where}: check ${id} settings changed`,
        {
          source,
          ...(metric ? { metric } : {}),
        },
        [id],
      );
    }
  }
}

function checkPinnedVersion(
  out: IssueList,
  base: SourceContract | undefined,
  head: SourceContract,
  headSet: ContractSet,
  options: ClassifyOptions,
): void {
  const from = base?.connection.apiVersion;
  const to = head.connection.apiVersion;
  if (to === undefined || from === to) return;
  const life = options.versionLifecycle?.(head.provider, to);
  const users = featuresUsing(headSet, head.name);
  const source = head.name;
  const moved =
    from === undefined ? `pins API version ${to}` : `moved its pinned API version from ${from} to ${to}`;
  if (life?.endOfLife) {
    const daysLeft = Math.floor((Date.parse(`${life.endOfLife}T00:00:00Z`) - options.now.getTime()) / DAY_MS);
    const near = options.nearEndOfLifeDays ?? 90;
    if (daysLeft < near) {
      out.add(
        'api-version-eol',
        users.length > 0 || base !== undefined ? 'block' : 'warn',
        head.location,
        daysLeft < 0
          ? `source ${source} ${moved}, which reached end of life on ${life.endOfLife} (${-daysLeft} days ago)`
          : `source ${source} ${moved}, which reaches end of life on ${life.endOfLife} (in ${daysLeft} days)`,
        { source, hint: `pin a version supported for at least ${near} more days` },
        [to],
      );
      return;
    }
  }
  if (base) {
    out.add(
      'api-version-changed',
      'info',
      head.location,
      `source ${source} ${moved}${life?.endOfLife ? ` (end of life ${life.endOfLife})` : ''}`,
      { source },
      [to],
    );
  }
}

// eslint-disable-next-line max-lines-per-function -- a flat list of independent per-field comparisons of one feature (uses, policy, owners, model), each a few lines
function diffFeature(
  out: IssueList,
  base: FeatureContract | undefined,
  head: FeatureContract,
  baseSet: ContractSet,
  headSet: ContractSet,
): FeatureChange {
  const feature = head.name;
  const baseUses = new Set((base?.uses ?? []).map(refKey));
  const newUses = head.uses.filter((u) => !baseUses.has(refKey(u)));

  for (const use of newUses) {
    const source = findSource(headSet, use.source);
    const declared = source !== undefined && findMetric(source, use.metric) !== undefined;
    if (declared) continue;
    const wasDeclared = findSource(baseSet, use.source);
    out.add(
      'undeclared-metric',
      'block',
      use.location,
      source === undefined
        ? `feature ${feature} newly uses ${refKey(use)}, but no source ${use.source} is declared`
        : `feature ${feature} newly uses ${refKey(use)}, but source ${use.source} declares no metric ${use.metric}`,
      {
        feature,
        source: use.source,
        metric: use.metric,
        hint:
          source === undefined && wasDeclared === undefined
            ? `declare a Source named ${use.source} with the metric, or fix the reference`
            : `declare ${use.metric} under the metrics of ${use.source} so upwatch watches it, or fix the reference`,
      },
    );
  }

  if (!base) {
    out.add(
      'feature-added',
      'info',
      head.location,
      `feature ${feature} added, using ${head.uses.map(refKey).join(', ') || 'no metrics'}`,
      { feature },
    );
    return { feature: head, kind: 'added', newUses };
  }

  const removedUses = base.uses.filter((u) => !head.uses.some((h) => refKey(h) === refKey(u)));
  const relaxed = base.policy.blockOn.filter((s) => !head.policy.blockOn.includes(s));
  const policyChanged = !sameJson(base.policy, head.policy);
  const modelChanged = (base.model ?? '') !== (head.model ?? '');
  if (relaxed.length > 0) {
    out.add(
      'policy-relaxed',
      'warn',
      head.location,
      `feature ${feature} no longer blocks on ${relaxed.join(', ')} findings`,
      { feature },
      relaxed,
    );
  }
  if (
    newUses.length > 0 ||
    removedUses.length > 0 ||
    (policyChanged && relaxed.length === 0) ||
    modelChanged
  ) {
    const parts: string[] = [];
    if (newUses.length > 0) parts.push(`now also uses ${newUses.map(refKey).join(', ')}`);
    if (removedUses.length > 0) parts.push(`no longer uses ${removedUses.map(refKey).join(', ')}`);
    if (policyChanged && relaxed.length === 0) parts.push('policy changed');
    if (modelChanged) parts.push(`model changed from ${base.model ?? '(none)'} to ${head.model ?? '(none)'}`);
    out.add('feature-changed', 'info', head.location, `feature ${feature}: ${parts.join('; ')}`, { feature });
  }
  if ((base.description ?? '') !== (head.description ?? '')) {
    out.add('description-changed', 'info', head.location, `feature ${feature}: description changed`, {
      feature,
    });
  }
  if (!sameList(base.owners, head.owners)) {
    out.add(
      'owners-changed',
      'info',
      head.location,
      `feature ${feature}: owners changed from [${base.owners.join(', ')}] to [${head.owners.join(', ')}]`,
      { feature },
    );
  }
  const semantic = newUses.length > 0 || policyChanged;
  return { feature: head, kind: semantic ? 'changed' : 'unchanged', newUses };
}
