// ajv errors → compiler-style diagnostics: located through the YAML nodes, phrased for people, with a hint.
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../core/diagnostic.js';
import { closestMatch, didYouMean } from './did-you-mean.js';
import type { JsonPath, YamlDocument } from './yaml-source.js';

type SchemaNode = Record<string, unknown>;

/** `/metrics/2/kind` → `['metrics', 2, 'kind']`. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** `['metrics', 2, 'kind']` → `metrics[2].kind`; odd keys are quoted (`headers["X-Api-Key"]`). */
export function displayPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A short description of a received value for "(got …)". */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
    return `${typeof v} ${String(v)}`;
  return typeof v;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'empty',
};

const FORMAT_NAMES: Record<string, string> = {
  email: 'an email address',
  uri: 'an absolute URL',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'an ISO date-time',
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function schemaOf(e: ErrorObject): SchemaNode {
  return e.parentSchema ?? {};
}

function isSecretSchema(s: SchemaNode): boolean {
  return s['x-secret'] === true;
}

/**
 * Turn ajv errors for one document into diagnostics, one per real problem. `label` names the document's root in
 * messages (e.g. `Source "meta"`). Values of secret fields (`x-secret`) are never echoed.
 *
 * @example
 * schemaDiagnostics(validate.errors ?? [], doc, 'Source "meta"')
 * // [{ line: 14, col: 11, code: 'schema', message: 'metrics[2].kind must be one of count, … (got "rate")', … }]
 */
export function schemaDiagnostics(
  errors: readonly ErrorObject[],
  doc: YamlDocument,
  label: string,
  prefix: JsonPath = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // Unknown keys that look like a misspelled missing field explain that field's absence: report only the key.
  const explained = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    const required = (schemaOf(e)['required'] as string[] | undefined) ?? [];
    const data = (e.data ?? {}) as Record<string, unknown>;
    const missing = required.filter((r) => !(r in data));
    const match = closestMatch(key, missing);
    if (match !== undefined) explained.add(`${e.instancePath}|${match}`);
  }

  for (const e of errors) {
    const d = one(e, doc, label, explained, prefix);
    if (!d) continue;
    const k = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out;
}

/** What the messages for one Ajv error are made from. */
interface ErrorContext {
  e: ErrorObject;
  explained: ReadonlySet<string>;
  /** Path of the failing value, below the document's prefix. */
  path: JsonPath;
  /** The path as the user reads it (or the document label). */
  where: string;
  schema: SchemaNode;
  params: Record<string, unknown>;
  /** The offending value in words (never a secret). */
  got: string;
  hintOf: (s?: SchemaNode) => string | undefined;
  at: (p: JsonPath, on?: 'key' | 'value') => { line: number; col: number };
  make: (
    loc: { line: number; col: number },
    message: string,
    hint?: string,
    code?: string,
    p?: JsonPath,
  ) => Diagnostic;
}

/** Errors about keys and shape: a missing or unknown field, a repeated entry, a forbidden or lonely key. */
const KEY_KEYWORDS: ReadonlySet<string> = new Set([
  'required',
  'additionalProperties',
  'uniqueItems',
  'not',
  'dependencies',
]);

function one(
  e: ErrorObject,
  doc: YamlDocument,
  label: string,
  explained: ReadonlySet<string>,
  prefix: JsonPath,
): Diagnostic | undefined {
  // propertyNames failures come as the inner keyword with `propertyName` set, then a wrapper error.
  if (e.keyword === 'propertyNames' || e.keyword === 'if') return undefined;
  const c = errorContext(e, doc, label, explained, prefix);
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) return propertyNameError(c, propertyName);
  return KEY_KEYWORDS.has(e.keyword) ? keyError(c) : valueError(c);
}

function errorContext(
  e: ErrorObject,
  doc: YamlDocument,
  label: string,
  explained: ReadonlySet<string>,
  prefix: JsonPath,
): ErrorContext {
  const path = pointerToPath(e.instancePath);
  const schema = schemaOf(e);
  return {
    e,
    explained,
    path,
    where: displayPath([...prefix, ...path]) || label,
    schema,
    params: e.params as Record<string, unknown>,
    got: isSecretSchema(schema) ? 'a literal value' : describeValue(e.data),
    hintOf: (s: SchemaNode = schema) => str(s['x-hint']),
    at: (p, on = 'value') => doc.locate(p, on),
    make: (loc, message, hint, code = 'schema', p = path) => ({
      file: doc.file,
      line: loc.line,
      col: loc.col,
      severity: 'error',
      code,
      message,
      ...(hint ? { hint } : {}),
      path: '/' + [...prefix, ...p].map(String).join('/'),
    }),
  };
}

/** A key that breaks the schema's rule for key names (`x-must` says the rule). */
function propertyNameError(c: ErrorContext, propertyName: string): Diagnostic {
  const { path, where, schema, hintOf, at, make } = c;
  const must = str(schema['x-must']);
  return make(
    at([...path, propertyName], 'key'),
    `key "${propertyName}" in ${where} ${must ? `must ${must}` : 'is not allowed'}`,
    hintOf(),
    'schema',
    [...path, propertyName],
  );
}

function keyError(c: ErrorContext): Diagnostic | undefined {
  const { e, path, where, schema, params, hintOf, at, make } = c;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params['missingProperty']);
      if (c.explained.has(`${e.instancePath}|${missing}`)) return undefined;
      const props = (schema['properties'] ?? {}) as Record<string, SchemaNode>;
      const prop = props[missing];
      const hint = (prop && (hintOf(prop) ?? resolvedHint(prop))) ?? `add ${missing}: to ${where}`;
      return make(at(path, 'key'), `${where} is missing required field "${missing}"`, hint, 'missing-field');
    }
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys(schema['properties'] ?? {});
      const hint =
        didYouMean(key, allowed) ??
        (allowed.length > 0 ? `allowed keys here: ${allowed.join(', ')}` : 'remove this key');
      return make(at([...path, key], 'key'), `unknown key "${key}" in ${where}`, hint, 'unknown-key', [
        ...path,
        key,
      ]);
    }
    case 'uniqueItems': {
      const j = Number(params['j']);
      const dup = Array.isArray(e.data) ? describeValue(e.data[j]) : 'a value';
      return make(
        at([...path, j]),
        `${where} lists ${dup} more than once`,
        'remove the repeated entry',
        'duplicate-name',
        [...path, j],
      );
    }
    case 'not': {
      const must = str(schema['x-must']);
      return make(at(path, 'key'), `${where} ${must ? `must ${must}` : 'is not allowed here'}`, hintOf());
    }
    case 'dependencies':
      return make(
        at([...path, String(params['property'])], 'key'),
        `${where} sets "${String(params['property'])}" but not "${String(params['missingProperty'])}"`,
        hintOf(),
      );
    default:
      return make(at(path), `${where} ${e.message ?? 'is invalid'}`, hintOf());
  }
}

/** Errors about a value: its type, allowed values, pattern, format, length or range. */
function valueError(c: ErrorContext): Diagnostic {
  const { e, path, where, schema, params, got, hintOf, at, make } = c;
  switch (e.keyword) {
    case 'type': {
      const type = String(params['type']);
      const names = type.split(',').map((t) => TYPE_NAMES[t] ?? t);
      return make(at(path), `${where} must be ${names.join(' or ')} (got ${got})`, hintOf());
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const match = typeof e.data === 'string' ? closestMatch(e.data, allowed) : undefined;
      const hint = hintOf();
      // A domain hint that already names the likely value beats a bare did-you-mean.
      const best =
        match !== undefined && hint?.includes(`"${match}"`)
          ? hint
          : match !== undefined
            ? `did you mean "${match}"?`
            : hint;
      return make(at(path), `${where} must be one of ${allowed.join(', ')} (got ${got})`, best);
    }
    case 'const':
      return make(
        at(path),
        `${where} must be ${JSON.stringify(params['allowedValue'])} (got ${got})`,
        hintOf(),
      );
    case 'pattern': {
      const must = str(schema['x-must']);
      return make(
        at(path),
        `${where} must ${must ?? `match ${String(params['pattern'])}`} (got ${got})`,
        hintOf(),
      );
    }
    case 'format': {
      const format = String(params['format']);
      return make(at(path), `${where} must be ${FORMAT_NAMES[format] ?? format} (got ${got})`, hintOf());
    }
    case 'minItems':
      return make(
        at(path),
        Number(params['limit']) === 1
          ? `${where} must not be empty`
          : `${where} must list at least ${String(params['limit'])} items`,
        hintOf(),
      );
    case 'minLength':
      return make(at(path), `${where} must not be empty`, hintOf());
    case 'maxLength':
      return make(at(path), `${where} is longer than ${String(params['limit'])} characters`, hintOf());
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return make(
        at(path),
        `${where} must be ${String(params['comparison'])} ${String(params['limit'])} (got ${got})`,
        hintOf(),
      );
    case 'minProperties':
      return make(at(path), `${where} must set at least one field`, hintOf());
    default:
      return make(at(path), `${where} ${e.message ?? 'is invalid'}`, hintOf());
  }
}

/** Hints written on a `$ref` target are not visible from the property; the few we need are repeated here. */
function resolvedHint(prop: SchemaNode): string | undefined {
  const target = str(prop['$ref']);
  if (target?.endsWith('/Owners'))
    return 'list at least one email address, e.g. owners: [growth-data@example.com]';
  if (target?.endsWith('/ApiVersion')) return 'start each document with apiVersion: upwatch/v1';
  if (target?.endsWith('/HttpJsonSelect'))
    return 'add select: { records: data, time: date } to say where the records and their dates are';
  return undefined;
}
