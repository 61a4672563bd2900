// An index over one API description: its operations (with lifecycle markers) and named component schemas.
import type { SpecDocument } from './load-spec.js';

export type Json = Record<string, unknown>;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A request parameter of an operation. */
export interface ParamInfo {
  name: string;
  in: string;
  required: boolean;
  deprecated: boolean;
  enum?: string[];
}

/** What the diff needs to know about one operation. */
export interface OperationInfo {
  /** `GET /v1/charges`: upper-case method, path as written. */
  key: string;
  /** The key with path parameters renamed to `{}`, for matching across versions. */
  matchKey: string;
  method: string;
  path: string;
  operationId?: string;
  deprecated: boolean;
  /** Removal day from `x-sunset`, `x-sunset-date`, `x-deprecation-date` or `x-github.removalDate`. */
  sunset?: string;
  /** Where the sunset came from, e.g. `x-github.removalDate`. */
  sunsetSource?: string;
  /** `x-github.deprecationDate`, when present. */
  deprecationDate?: string;
  stability: string;
  /** Success status codes (2xx, `2XX`, and `default` when no 2xx exists). */
  successStatuses: string[];
  /** The status whose body is diffed (`200` first), and its media types and schema. */
  primaryStatus?: string;
  mediaTypes: string[];
  schema?: unknown;
  params: Map<string, ParamInfo>;
}

const asRecord = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** `{owner}` → `{}` so renamed path parameters still match. */
export function normalizePath(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '') || '/';
}

/**
 * Parse `METHOD /path` (method case-insensitive) into an operation match key, or undefined when malformed.
 *
 * @example
 * operationMatchKey('get /repos/{owner}/{repo}') // 'GET /repos/{}/{}'
 */
export function operationMatchKey(op: string): string | undefined {
  const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(op);
  return m ? `${m[1]!.toUpperCase()} ${normalizePath(m[2]!)}` : undefined;
}

function dateOf(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v.trim());
  return m?.[1];
}

const STABILITY = ['draft', 'alpha', 'beta', 'stable'];

/** Rank of an `x-stability-level` (absent = stable). */
export function stabilityRank(level: string): number {
  const i = STABILITY.indexOf(level);
  return i < 0 ? STABILITY.length - 1 : i;
}

/** Lookup of local `$ref`s and named component schemas of one document. */
export class SpecIndex {
  readonly operations = new Map<string, OperationInfo>();
  /** Operations by match key. */
  readonly byMatchKey = new Map<string, OperationInfo>();
  readonly paths = new Set<string>();
  readonly schemas: Json;
  readonly schemaPrefix: string;

  constructor(readonly spec: SpecDocument) {
    const doc = spec.doc;
    const swagger = spec.dialect === 'swagger-2';
    this.schemaPrefix = swagger ? '#/definitions/' : '#/components/schemas/';
    this.schemas = (swagger ? asRecord(doc.definitions) : asRecord(asRecord(doc.components)?.schemas)) ?? {};
    const paths = asRecord(doc.paths) ?? {};
    for (const [path, rawItem] of Object.entries(paths)) {
      const item = asRecord(this.deref(rawItem));
      if (!item) continue;
      this.paths.add(normalizePath(path));
      for (const method of HTTP_METHODS) {
        const op = asRecord(item[method]);
        if (!op) continue;
        const info = this.readOperation(method, path, op, item);
        this.operations.set(info.key, info);
        this.byMatchKey.set(info.matchKey, info);
      }
    }
  }

  /** Component name when `ref` points at a named schema, else undefined. */
  schemaName(ref: string): string | undefined {
    if (!ref.startsWith(this.schemaPrefix)) return undefined;
    const name = ref.slice(this.schemaPrefix.length);
    return name.includes('/') ? undefined : name.replace(/~1/g, '/').replace(/~0/g, '~');
  }

  /** Resolve a local JSON pointer (`#/a/b`); undefined for external or broken refs. */
  resolvePointer(ref: string): unknown {
    if (!ref.startsWith('#/')) return undefined;
    let cur: unknown = this.spec.doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      const rec = asRecord(cur);
      if (Array.isArray(cur)) cur = (cur as unknown[])[Number(key)];
      else if (rec) cur = rec[key];
      else return undefined;
    }
    return cur;
  }

  /** Follow `$ref` chains of non-schema objects (responses, parameters, path items), cycle-safe. */
  deref(v: unknown): unknown {
    let cur = v;
    for (let i = 0; i < 32; i++) {
      const ref = asRecord(cur)?.$ref;
      if (typeof ref !== 'string') return cur;
      cur = this.resolvePointer(ref);
    }
    return undefined;
  }

  // eslint-disable-next-line max-lines-per-function -- reads one operation's parts (parameters, request body, success responses, lifecycle extensions) from the document in order
  private readOperation(method: string, path: string, op: Json, item: Json): OperationInfo {
    const key = `${method.toUpperCase()} ${path}`;
    const xgithub = asRecord(op['x-github']);
    let sunset: string | undefined;
    let sunsetSource: string | undefined;
    for (const [name, value] of [
      ['x-sunset', op['x-sunset']],
      ['x-sunset-date', op['x-sunset-date']],
      ['x-deprecation-date', op['x-deprecation-date']],
      ['x-github.removalDate', xgithub?.removalDate],
    ] as const) {
      const d = dateOf(value);
      if (d) {
        sunset = d;
        sunsetSource = name;
        break;
      }
    }
    const stability = typeof op['x-stability-level'] === 'string' ? op['x-stability-level'] : 'stable';
    const responses = asRecord(op.responses) ?? {};
    const codes = Object.keys(responses);
    let successStatuses = codes.filter((c) => /^2(\d\d|XX)$/i.test(c));
    if (successStatuses.length === 0 && codes.includes('default')) successStatuses = ['default'];
    const primaryStatus = ['200', '201', '202', '203', '206', '2XX', ...successStatuses].find((c) =>
      successStatuses.includes(c),
    );
    const info: OperationInfo = {
      key,
      matchKey: `${method.toUpperCase()} ${normalizePath(path)}`,
      method: method.toUpperCase(),
      path,
      deprecated: op.deprecated === true,
      stability,
      successStatuses,
      mediaTypes: [],
      params: new Map(),
    };
    if (typeof op.operationId === 'string') info.operationId = op.operationId;
    if (sunset) {
      info.sunset = sunset;
      info.sunsetSource = sunsetSource!;
    }
    const depDate = dateOf(xgithub?.deprecationDate);
    if (depDate) info.deprecationDate = depDate;
    if (primaryStatus) {
      info.primaryStatus = primaryStatus;
      const resp = asRecord(this.deref(responses[primaryStatus])) ?? {};
      if (this.spec.dialect === 'swagger-2') {
        const produces = (op.produces ?? this.spec.doc.produces ?? ['application/json']) as unknown;
        info.mediaTypes = Array.isArray(produces)
          ? produces.filter((p): p is string => typeof p === 'string')
          : [];
        if (resp.schema !== undefined) info.schema = resp.schema;
      } else {
        const content = asRecord(resp.content) ?? {};
        info.mediaTypes = Object.keys(content);
        const mt =
          info.mediaTypes.find((m) => m === 'application/json') ??
          info.mediaTypes.find((m) => /json/i.test(m)) ??
          info.mediaTypes[0];
        const schema = mt === undefined ? undefined : asRecord(content[mt])?.schema;
        if (schema !== undefined) info.schema = schema;
      }
    }
    for (const list of [item.parameters, op.parameters]) {
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        const p = asRecord(this.deref(raw));
        if (!p || typeof p.name !== 'string' || typeof p.in !== 'string') continue;
        const schema = asRecord(this.deref(p.schema)) ?? p;
        const en = Array.isArray(schema.enum) ? schema.enum.map((e) => String(e)) : undefined;
        info.params.set(`${p.in}:${p.name}`, {
          name: p.name,
          in: p.in,
          required: p.required === true || p.in === 'path',
          deprecated: p.deprecated === true,
          ...(en ? { enum: en } : {}),
        });
      }
    }
    return info;
  }
}
