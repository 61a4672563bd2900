// Field inventories: a schema flattened to `path → {type, required, nullable, deprecated, enum, x-sunset}` without
// following named component `$ref`s (those become edges, diffed once by name).
import type { Json, SpecIndex } from './spec-index.js';

/** What a consumer relies on about one field. */
export interface FieldInfo {
  /** Sorted `|`-joined JSON types without `null` (`any` when the schema says nothing). */
  types: string;
  required: boolean;
  nullable: boolean;
  deprecated: boolean;
  enum?: string[];
  /** `x-extensible-enum`: new values are expected. */
  extensibleEnum: boolean;
  sunset?: string;
  stability: string;
}

/** An edge to a named component at a field path of a node. */
export interface SchemaEdge {
  path: string;
  target: string;
}

/** A schema's own fields (paths relative to it, `''` = itself) and its edges to named components. */
export interface SchemaNode {
  key: string;
  fields: Map<string, FieldInfo>;
  edges: SchemaEdge[];
}

/** Maximum nesting walked inside one schema (named refs restart the count; cycles are cut earlier). */
const MAX_INLINE_DEPTH = 24;

const asRecord = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** Join a field path and a child segment (`items` of an array are `[]`). */
export function joinPath(prefix: string, rel: string): string {
  if (!prefix) return rel;
  if (!rel) return prefix;
  return rel.startsWith('[') ? `${prefix}${rel}` : `${prefix}.${rel}`;
}

/** Depth of a field path: dotted segments plus array levels (`data[].id` = 3). */
export function pathDepth(path: string): number {
  if (!path) return 0;
  let depth = 1;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 46 /* . */ || c === 91 /* [ */) depth++;
  }
  return depth;
}

function dateOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return /^(\d{4}-\d{2}-\d{2})/.exec(v.trim())?.[1];
}

interface Acc {
  types: Set<string>;
  required: boolean;
  nullable: boolean;
  deprecated: boolean;
  enum?: Set<string>;
  extensibleEnum: boolean;
  sunset?: string;
  stability?: string;
}

/** Builds nodes for one document; component nodes are memoized by name. */
export class InventoryBuilder {
  readonly #components = new Map<string, SchemaNode>();
  readonly #topTypes = new Map<string, Set<string>>();

  constructor(readonly index: SpecIndex) {}

  /** The node of a named component schema (built once). */
  component(name: string): SchemaNode {
    let node = this.#components.get(name);
    if (!node) {
      node = this.build(`#${name}`, this.index.schemas[name]);
      this.#components.set(name, node);
    }
    return node;
  }

  /** The node of an inline schema (an operation's response body). */
  build(key: string, schema: unknown): SchemaNode {
    const accs = new Map<string, Acc>();
    const edges: SchemaEdge[] = [];
    this.walk(schema, '', true, accs, edges, new Set(), 0);
    const fields = new Map<string, FieldInfo>();
    for (const [path, a] of accs) {
      const types = [...a.types].filter((t) => t !== 'null').sort();
      const info: FieldInfo = {
        types: types.length ? types.join('|') : 'any',
        required: a.required,
        nullable: a.nullable || a.types.has('null'),
        deprecated: a.deprecated,
        extensibleEnum: a.extensibleEnum,
        stability: a.stability ?? 'stable',
      };
      if (a.enum) info.enum = [...a.enum].sort();
      if (a.sunset) info.sunset = a.sunset;
      fields.set(path, info);
    }
    const seen = new Set<string>();
    const unique = edges.filter((e) => {
      const k = `${e.path}\u0000${e.target}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return { key, fields, edges: unique };
  }

  /** Top-level JSON types of a named component (following allOf/anyOf/oneOf and ref chains). */
  topTypes(name: string, seen = new Set<string>()): Set<string> {
    const cached = this.#topTypes.get(name);
    if (cached) return cached;
    if (seen.has(name)) return new Set();
    seen.add(name);
    const out = new Set<string>();
    const collect = (s: unknown, depth: number): void => {
      const rec = asRecord(s);
      if (!rec || depth > 8) return;
      if (typeof rec.$ref === 'string') {
        const target = this.index.schemaName(rec.$ref);
        if (target !== undefined) for (const t of this.topTypes(target, seen)) out.add(t);
        else collect(this.index.resolvePointer(rec.$ref), depth + 1);
        return;
      }
      for (const t of ownTypes(rec)) out.add(t);
      for (const k of ['allOf', 'anyOf', 'oneOf'] as const)
        if (Array.isArray(rec[k])) for (const sub of rec[k] as unknown[]) collect(sub, depth + 1);
    };
    collect(this.index.schemas[name], 0);
    this.#topTypes.set(name, out);
    return out;
  }

  private acc(accs: Map<string, Acc>, path: string, required: boolean): Acc {
    let a = accs.get(path);
    if (!a) {
      a = { types: new Set(), required, nullable: false, deprecated: false, extensibleEnum: false };
      accs.set(path, a);
    } else a.required ||= required;
    return a;
  }

  private walk(
    raw: unknown,
    path: string,
    required: boolean,
    accs: Map<string, Acc>,
    edges: SchemaEdge[],
    stack: Set<unknown>,
    depth: number,
  ): void {
    const schema = asRecord(raw);
    if (!schema || depth > MAX_INLINE_DEPTH || stack.has(schema)) return;
    const a = this.acc(accs, path, required);
    if (typeof schema.$ref === 'string') {
      const name = this.index.schemaName(schema.$ref);
      if (name !== undefined) {
        edges.push({ path, target: name });
        for (const t of this.topTypes(name)) a.types.add(t);
        return;
      }
      const target = this.index.resolvePointer(schema.$ref);
      if (target === undefined) {
        a.types.add('external-ref');
        return;
      }
      stack.add(schema);
      this.walk(target, path, required, accs, edges, stack, depth + 1);
      stack.delete(schema);
      return;
    }
    stack.add(schema);
    for (const t of ownTypes(schema)) a.types.add(t);
    if (schema.nullable === true || schema['x-nullable'] === true) a.nullable = true;
    if (schema.deprecated === true) a.deprecated = true;
    const sunset =
      dateOf(schema['x-sunset']) ?? dateOf(schema['x-sunset-date']) ?? dateOf(schema['x-deprecation-date']);
    if (sunset) a.sunset = sunset;
    if (typeof schema['x-stability-level'] === 'string') a.stability = schema['x-stability-level'];
    const ext = schema['x-extensible-enum'];
    if (Array.isArray(ext)) a.extensibleEnum = true;
    const values = Array.isArray(schema.enum) ? schema.enum : Array.isArray(ext) ? ext : undefined;
    if (values) {
      a.enum ??= new Set();
      for (const v of values) {
        if (v === null) a.nullable = true;
        else a.enum.add(String(v));
      }
    }
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const subs = schema[k];
      if (!Array.isArray(subs)) continue;
      for (const sub of subs) {
        const rec = asRecord(sub);
        // `anyOf: [{type: 'null'}]`-style alternatives only make the field nullable
        if (rec && rec.type === 'null' && Object.keys(rec).length === 1) {
          a.nullable = true;
          continue;
        }
        this.walk(sub, path, required, accs, edges, stack, depth + 1);
      }
    }
    const props = asRecord(schema.properties);
    if (props) {
      const req = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
      for (const [name, sub] of Object.entries(props))
        this.walk(sub, joinPath(path, name), req.has(name), accs, edges, stack, depth + 1);
    }
    if (schema.items !== undefined && !Array.isArray(schema.items))
      this.walk(schema.items, joinPath(path, '[]'), true, accs, edges, stack, depth + 1);
    const addl = asRecord(schema.additionalProperties);
    if (addl) this.walk(addl, joinPath(path, '*'), false, accs, edges, stack, depth + 1);
    stack.delete(schema);
  }
}

function ownTypes(schema: Json): string[] {
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (schema.properties !== undefined) return ['object'];
  if (schema.items !== undefined) return ['array'];
  return [];
}
