// (e) The payload's shape changed: a path removed, a type changed, nulls where there were none, a new path.
import type { Severity, SourceContract } from '../core/contract.js';
import type { Detector } from '../core/detector.js';
import type { FindingDraft } from '../core/finding.js';
import {
  typeCounts,
  type JsonType,
  type PathShape,
  type PayloadSchema,
  type PollRecord,
} from '../core/observation.js';
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
  /** Most distinct string values across the baseline for a path to count as an enum. */
  enumValues: number;
  /** Baseline polls needed before a path's values are judged as an enum. */
  enumMinPolls: number;
  /** Consecutive polls a regular enum value must be missing from before it is reported gone (info). */
  enumGonePolls: number;
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

function dominant(counts: PathShape): {
  family?: TypeFamily;
  nulls: number;
  total: number;
} {
  const fam = new Map<TypeFamily, number>();
  let nulls = 0;
  let total = 0;
  for (const [t, c] of typeCounts(counts)) {
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

function describeTypes(counts: PathShape): string {
  return typeCounts(counts)
    .map(([t, c]) => `${t} ${c}`)
    .join(', ');
}

/** Values that name a time, a link or a contract entity are identifiers, not an enum. */
function identifierLike(value: string, entities: readonly string[]): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}/.test(value) ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ||
    entities.some((e) => e.length >= 3 && value.includes(e))
  );
}

/** Paths the http-json contract selects entity ids, times or metric names from: identifiers, not enums. */
function selectorPath(source: SourceContract, path: string): boolean {
  if (source.connection.kind !== 'http-json') return false;
  const { entity, time, metric } = source.connection.select;
  const have = path.split(/[^A-Za-z0-9_-]+/).filter((t) => t !== '');
  return [entity, time, metric].some((sel) => {
    const want = (sel ?? '').split(/[^A-Za-z0-9_-]+/).filter((t) => t !== '');
    return want.length > 0 && want.every((t, j) => have[have.length - want.length + j] === t);
  });
}

/** The string values of a path in one poll: a list, 'capped' (too many to be an enum) or 'unknown' (not kept). */
function stringsOf(shape: PathShape | undefined): string[] | 'capped' | 'unknown' | undefined {
  if (!shape) return undefined;
  if (shape.stringsCapped) return 'capped';
  if (shape.strings) return shape.strings;
  return (shape.string ?? 0) > 0 ? 'unknown' : [];
}

/**
 * A path's enum over a run of polls: the distinct values with the number of polls carrying each, when the path is
 * present in at least `presence` of them, every one kept its values, there are at most `max`, they are labels
 * (not dates, links or entity ids) and they settled (no value first seen in the newer half of the run).
 */
function enumOver(
  polls: readonly PollRecord[],
  path: string,
  o: PayloadSchemaOptions,
  entities: readonly string[],
): { counts: Map<string, number>; present: number } | undefined {
  const counts = new Map<string, number>();
  let present = 0;
  let lastNew = -1;
  for (const [k, p] of polls.entries()) {
    const values = stringsOf(p.payloadSchema?.[path]);
    if (values === undefined) continue;
    if (values === 'capped' || values === 'unknown') return undefined;
    present++;
    for (const v of values) {
      if (!counts.has(v)) lastNew = k;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
  }
  if (counts.size === 0 || counts.size > o.enumValues || present / polls.length < o.presence)
    return undefined;
  if (lastNew >= Math.ceil(polls.length / 2) && lastNew > 0) return undefined;
  for (const v of counts.keys()) if (identifierLike(v, entities)) return undefined;
  return { counts, present };
}

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

const metricField = (metric: string | undefined): { metric?: string } => (metric ? { metric } : {});

export const payloadSchema: Detector<PayloadSchemaOptions> = {
  id: 'payload-schema',
  title: 'Payload schema changed',
  description:
    'Fingerprints every JSON path of each poll’s payload (arrays collapsed to `[]`, counts per JSON type) and ' +
    'compares the latest poll with the paths present in at least 90 % of the previous 14 verified polls: a removed ' +
    'path or a changed type (number → string) blocks, a path that starts carrying nulls warns, a new path is info. ' +
    'String paths with at most 20 distinct values over the baseline (each poll keeps up to 20 per path, cut to 100 ' +
    'characters) are enums once their values settle: a value never seen in the baseline warns (ENUM_NEW_VALUE), a ' +
    'value carried by 90 % of the baseline and missing from the last 3 polls is info. Dates, links and values naming ' +
    'a contract entity are identifiers, not enums.',
  class: 'schema',
  stage: 'schema',
  scope: 'source',
  defaults: {
    baselinePolls: 14,
    minPolls: 3,
    presence: 0.9,
    reportAdded: true,
    enumValues: 20,
    enumMinPolls: 7,
    enumGonePolls: 3,
  },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      baselinePolls: { type: 'integer', minimum: 1 },
      minPolls: { type: 'integer', minimum: 1 },
      presence: { type: 'number', minimum: 0, maximum: 1 },
      reportAdded: { type: 'boolean' },
      enumValues: { type: 'integer', minimum: 1, maximum: 20 },
      enumMinPolls: { type: 'integer', minimum: 2 },
      enumGonePolls: { type: 'integer', minimum: 1 },
    },
  },
  // eslint-disable-next-line max-lines-per-function -- one branch per schema change kind (field gone, type changed, new field) over the same pair of payload schemas
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
        for (const [t, c] of typeCounts(counts)) acc[t] = (acc[t] ?? 0) + c;
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
      subject = path,
    ) =>
      drafts.push({
        rule: 'payload-schema',
        class: 'schema',
        severity,
        source: input.source.name,
        ...metricField(metricOfPath(input.source, path)),
        entities: [],
        onset: day,
        subject,
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
    // Enums: string paths with few distinct values. A value the baseline never carried is new (warn); a value
    // carried by nearly every baseline poll and missing from the last few polls is gone (info).
    const conn = input.source.connection;
    const entities = conn.kind === 'meta-graph' ? conn.pages : conn.kind === 'http-json' ? conn.entities : [];
    const recent = polls.slice(-o.enumGonePolls);
    const goneBase = polls.slice(-o.enumGonePolls - o.baselinePolls, -o.enumGonePolls);
    for (const path of Object.keys(cur)) {
      const now = stringsOf(cur[path]);
      if (!Array.isArray(now) || selectorPath(input.source, path)) continue;
      if (base.length >= o.enumMinPolls && presence.has(path)) {
        const known = enumOver(base, path, o, entities);
        const fresh = known ? now.filter((v) => !known.counts.has(v) && !identifierLike(v, entities)) : [];
        if (known && fresh.length > 0)
          add(
            path,
            'enum-new-value',
            'warn',
            `${input.source.name}: \`${path}\` carries ${fresh.length === 1 ? 'a new value' : 'new values'} ${quoted(fresh)}, ` +
              `never seen in ${base.length} polls (known: ${quoted([...known.counts.keys()])}). The upstream may have ` +
              `added a category or renamed one.`,
            { values: fresh, known: [...known.counts.keys()] },
            `enum:${path}`,
          );
      }
      if (goneBase.length >= o.enumMinPolls && recent.length === o.enumGonePolls) {
        const lately = recent.map((p) => stringsOf(p.payloadSchema?.[path]));
        if (!lately.every(Array.isArray)) continue;
        const was = enumOver(goneBase, path, o, entities);
        if (!was) continue;
        const seen = new Set(lately.flat());
        const gone = [...was.counts]
          .filter(([v, c]) => c / goneBase.length >= o.presence && !seen.has(v))
          .map(([v]) => v);
        if (gone.length > 0)
          add(
            path,
            'enum-value-gone',
            'info',
            `${input.source.name}: \`${path}\` no longer carries ${quoted(gone)} (in ${was.counts.get(gone[0]!)}/${goneBase.length} ` +
              `earlier polls, none of the last ${o.enumGonePolls}).`,
            { values: gone },
            `enum-gone:${path}`,
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
