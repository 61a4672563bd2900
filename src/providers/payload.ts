// Payload fingerprints: a JSON path → type-count schema (arrays collapsed to `[]`) and a hash of the values seen.
import { createHash } from 'node:crypto';
import {
  PATH_STRING_CHARS,
  PATH_STRINGS_MAX,
  jsonTypeOf,
  type PayloadSchema,
  type RawObservation,
} from '../core/observation.js';

const LINK = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Add the shape of one JSON payload to `schema`: every path gets a count per JSON type; array items share `[]`.
 * String values (not numeric strings) are kept too, bounded: the first 20 distinct per path, cut to 100 characters,
 * so the schema detector can tell a new enum value; a path with more is marked `stringsCapped`. Links are not kept
 * (they may carry tokens); other strings pass through `redact` (the HTTP client's secret redactor).
 *
 * @example
 * const s: PayloadSchema = {}; addToSchema(s, { data: [{ value: 1, period: 'day' }] });
 * // { '$': { object: 1 }, '$.data': { array: 1 }, '$.data[]': { object: 1 }, '$.data[].value': { int: 1 },
 * //   '$.data[].period': { string: 1, strings: ['day'] } }
 */
export function addToSchema(
  schema: PayloadSchema,
  value: unknown,
  path = '$',
  redact: (text: string) => string = (t) => t,
): void {
  const type = jsonTypeOf(value);
  const counts = (schema[path] ??= {});
  counts[type] = (counts[type] ?? 0) + 1;
  // Links are never an enum and may carry a token (Meta's paging URLs do): not kept. Other strings are redacted.
  if (type === 'string' && !counts.stringsCapped && !LINK.test(value as string)) {
    const text = redact(value as string).slice(0, PATH_STRING_CHARS);
    const kept = (counts.strings ??= []);
    if (!kept.includes(text)) {
      if (kept.length < PATH_STRINGS_MAX) kept.push(text);
      else {
        delete counts.strings;
        counts.stringsCapped = true;
      }
    }
  }
  if (Array.isArray(value)) {
    for (const item of value) addToSchema(schema, item, `${path}[]`, redact);
  } else if (type === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      addToSchema(schema, v, `${path}.${k}`, redact);
  }
}

/**
 * Hash of the values a poll returned, without period timestamps: per metric and entity, the values in period
 * order. Two polls with the same hash returned the same numbers ("whole payload equal to the previous period").
 *
 * @example
 * payloadHashOf(fetch.observations) // 'c0ffee…' (sha256 hex)
 */
export function payloadHashOf(observations: readonly RawObservation[]): string {
  const sorted = [...observations].sort(
    (a, b) =>
      a.metric.localeCompare(b.metric) ||
      a.entity.localeCompare(b.entity) ||
      a.periodEnd.localeCompare(b.periodEnd),
  );
  const h = createHash('sha256');
  for (const o of sorted)
    h.update(
      `${o.metric}\u0000${o.entity}\u0000${o.value ?? 'null'}\u0000${JSON.stringify(o.breakdown ?? null)}\n`,
    );
  return h.digest('hex');
}

/** A value as received → number (breakdown objects summed), with its JSON type and breakdown. */
export function toValue(v: unknown): Pick<RawObservation, 'value' | 'jsonType' | 'breakdown'> {
  const jsonType = jsonTypeOf(v);
  switch (jsonType) {
    case 'int':
    case 'float':
      return { value: v as number, jsonType };
    case 'numeric-string':
      return { value: Number(v), jsonType };
    case 'object': {
      const breakdown: Record<string, number> = {};
      let sum = 0;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
        if (Number.isFinite(n)) {
          breakdown[k] = n;
          sum += n;
        }
      }
      return { value: sum, jsonType, breakdown };
    }
    case 'bool':
      return { value: v ? 1 : 0, jsonType };
    default:
      return { value: null, jsonType };
  }
}
