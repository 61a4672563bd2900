// (e) The payload's shape changed: a path removed, a type changed, nulls where there were none, a new path (§3.6).
import type { Severity } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import type { JsonType, PayloadSchema } from '../core/observation.js';
import { metricOfPath } from './field-metric.js';

export interface PayloadSchemaOptions {
  /** Verified polls with a schema forming the baseline. */
  baselinePolls: number;
  /** Polls needed before comparing. */
  minPolls: number;
  /** Presence share from which a path belongs to the baseline. */
  presence: number;
  /** Report added paths (info). */
  reportAdded: boolean;
}

type TypeFamily = 'number' | 'string' | 'bool' | 'object' | 'array';

function familyOf(t: JsonType): TypeFamily | undefined {
  switch (t) {
    case 'int':
    case 'float':
      return 'number';
    case 'numeric-string':
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'object':
      return 'object';
    case 'array':
      return 'array';
    default:
      return undefined;
  }
}

function dominant(counts: Partial<Record<JsonType, number>>): {
  family?: TypeFamily;
  nulls: number;
  total: number;
} {
  const fam = new Map<TypeFamily, number>();
  let nulls = 0;
  let total = 0;
  for (const [t, c] of Object.entries(counts) as [JsonType, number][]) {
    total += c;
    if (t === 'null') {
      nulls += c;
      continue;
    }
    const f = familyOf(t);
    if (f) fam.set(f, (fam.get(f) ?? 0) + c);
  }
  let family: TypeFamily | undefined;
  let best = 0;
  for (const [f, c] of fam) if (c > best) [family, best] = [f, c];
  return { ...(family ? { family } : {}), nulls, total };
}

function describeTypes(counts: Partial<Record<JsonType, number>>): string {
  return Object.entries(counts)
    .map(([t, c]) => `${t} ${c}`)
    .join(', ');
}

const metricField = (metric: string | undefined): { metric?: string } => (metric ? { metric } : {});

export const payloadSchema: Detector<PayloadSchemaOptions> = {
  id: 'payload-schema',
  title: 'Payload schema changed',
  description:
    'Fingerprints every JSON path of each poll’s payload (arrays collapsed to `[]`, counts per JSON type) and ' +
    'compares the latest poll with the paths present in at least 90 % of the previous 14 verified polls: a removed ' +
    'path or a changed type (number → string) blocks, a path that starts carrying nulls warns, a new path is info.',
  class: 'schema',
  stage: 'schema',
  scope: 'source',
  defaults: { baselinePolls: 14, minPolls: 3, presence: 0.9, reportAdded: true },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      baselinePolls: { type: 'integer', minimum: 1 },
      minPolls: { type: 'integer', minimum: 1 },
      presence: { type: 'number', minimum: 0, maximum: 1 },
      reportAdded: { type: 'boolean' },
    },
  },
  detect(input) {
    const o = input.options;
    const polls = input.polls.filter((p) => p.outcome !== 'failed' && p.payloadSchema !== undefined);
    const current = polls[polls.length - 1];
    if (!current || current !== input.polls[input.polls.length - 1]) return [];
    const base = polls.slice(-1 - o.baselinePolls, -1);
    if (base.length < o.minPolls) return [];
    const cur = current.payloadSchema as PayloadSchema;
    const presence = new Map<string, number>();
    const merged = new Map<string, Partial<Record<JsonType, number>>>();
    for (const p of base) {
      for (const [path, counts] of Object.entries(p.payloadSchema as PayloadSchema)) {
        presence.set(path, (presence.get(path) ?? 0) + 1);
        const acc = merged.get(path) ?? {};
        for (const [t, c] of Object.entries(counts) as [JsonType, number][]) acc[t] = (acc[t] ?? 0) + c;
        merged.set(path, acc);
      }
    }
    const day = current.startedAt.slice(0, 10);
    const drafts: FindingDraft[] = [];
    const add = (
      path: string,
      rule: string,
      severity: Severity,
      explanation: string,
      evidence: FindingDraft['evidence'],
    ) =>
      drafts.push({
        rule: 'payload-schema',
        class: 'schema',
        severity,
        source: input.source.name,
        ...metricField(metricOfPath(input.source, path)),
        entities: [],
        onset: day,
        subject: path,
        evidence: { change: rule, path, baselinePolls: base.length, ...evidence },
        explanation,
      });
    for (const [path, count] of presence) {
      if (count / base.length < o.presence) continue;
      const now = cur[path];
      if (!now) {
        // A removed parent explains its children.
        const parentRemoved = [...presence.keys()].some(
          (p) =>
            p !== path &&
            path.startsWith(p) &&
            /^[.[]/.test(path.slice(p.length)) &&
            !cur[p] &&
            presence.get(p)! / base.length >= o.presence,
        );
        if (!parentRemoved)
          add(
            path,
            'removed-path',
            'block',
            `${input.source.name}: payload path \`${path}\` disappeared (present in ${count}/${base.length} previous polls).`,
            { presentIn: count },
          );
        continue;
      }
      const before = dominant(merged.get(path)!);
      const after = dominant(now);
      if (before.family && after.family && before.family !== after.family) {
        add(
          path,
          'type-changed',
          'block',
          `${input.source.name}: \`${path}\` changed type from ${before.family} to ${after.family} (now ${describeTypes(now)}).`,
          { from: before.family, to: after.family },
        );
      } else if (before.nulls === 0 && after.nulls > 0 && before.total > 0) {
        add(
          path,
          'nullability-changed',
          'warn',
          `${input.source.name}: \`${path}\` now carries nulls (${after.nulls}/${after.total} values) and carried none in ${base.length} polls.`,
          { nulls: after.nulls, values: after.total },
        );
      }
    }
    if (o.reportAdded) {
      for (const path of Object.keys(cur)) {
        if (presence.has(path)) continue;
        const parentNew = Object.keys(cur).some(
          (p) => p !== path && path.startsWith(p) && /^[.[]/.test(path.slice(p.length)) && !presence.has(p),
        );
        if (!parentNew)
          add(
            path,
            'added-path',
            'info',
            `${input.source.name}: new payload path \`${path}\` (${describeTypes(cur[path]!)}).`,
            {},
          );
      }
    }
    return drafts;
  },
};
