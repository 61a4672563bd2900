// The consumer-scoped OpenAPI diff: operations in scope, their success-response field inventories, components diffed
// once by name and attributed to operations by reachability (cycle-safe, depth-capped).
import { compareSeverity } from '../../core/finding.js';
import { createHash } from 'node:crypto';
import { isoDay } from '../../core/clock.js';
import type { Severity } from '../../core/contract.js';
import type { FieldInfo, SchemaNode } from './field-inventory.js';
import { InventoryBuilder, joinPath, pathDepth } from './field-inventory.js';
import type { SpecDocument } from './load-spec.js';
import type { OperationInfo } from './spec-index.js';
import { SpecIndex, normalizePath, operationMatchKey, stabilityRank } from './spec-index.js';
import type { SpecRuleId, SpecSection } from './spec-rules.js';
import { SPEC_RULES } from './spec-rules.js';

export interface SpecDiffOptions {
  /** Operations in scope as `METHOD /path` (path parameter names may differ). Empty or omitted = all. */
  operations?: readonly string[];
  /** Response fields the consumer reads (dotted, `[]` optional). Changes to other fields are downgraded to info. */
  fields?: readonly string[];
  /** Deepest field path reported (`data[].id` = 3). Default 6. */
  maxDepth?: number;
  /** "Today", to tell a removal before its announced sunset. */
  now?: Date;
  /** Severity per rule id, overriding the defaults. */
  severity?: Partial<Record<SpecRuleId, Severity>>;
}

/** One change, shaped like an oasdiff change plus upwatch's consumer level. */
export interface SpecChange {
  id: SpecRuleId;
  level: Severity;
  section: SpecSection;
  /** True for lifecycle changes (deprecated, sunset, removed). */
  lifecycle: boolean;
  /** `METHOD /path` as written in the document that has the operation. */
  operation: string;
  operationId?: string;
  /** Field path (`data[].id`) or parameter (`query:limit`), when the change is below the operation. */
  path?: string;
  message: string;
  /** Announced removal day (`x-sunset`, `x-github.removalDate`…), when known. */
  effectiveDate?: string;
  attributes: Record<string, string | number | boolean>;
  /** First 12 hex of sha256(`id:operation:path`), like oasdiff. */
  fingerprint: string;
}

export interface SpecSummary {
  origin: string;
  dialect: SpecDocument['dialect'];
  apiVersion?: string;
  operations: number;
  deprecated: number;
}

export interface SpecDiffResult {
  base: SpecSummary;
  revision: SpecSummary;
  /** Operations compared (in scope and present in at least one document). */
  operationsCompared: number;
  /** Scoped operations found in neither document (likely a typo in the contract). */
  unknownOperations: string[];
  changes: SpecChange[];
}

type Kind =
  | 'removed'
  | 'type-changed'
  | 'types-widened'
  | 'became-nullable'
  | 'became-optional'
  | 'deprecated'
  | 'reactivated'
  | 'enum-value-added'
  | 'stability-decreased';

interface RelChange {
  kind: Kind;
  rel: string;
  base?: FieldInfo;
  rev: FieldInfo | undefined;
  detail: string;
  attrs: Record<string, string | number | boolean>;
}

/** Which of the two documents: the base (before) or the revision (after). */
type Side = 'base' | 'revision';

/** The same schema position in both documents: `b` in the base, `r` in the revision. */
interface Pair {
  b: SchemaNode;
  r: SchemaNode;
}

/**
 * Compare two versions of an API description for a consumer.
 *
 * @example
 * const result = diffSpecs(loadSpecFile('base.json'), loadSpecFile('rev.json'), { operations: ['GET /v1/charges'] });
 * result.changes.filter((c) => c.level === 'block')
 */
export function diffSpecs(
  base: SpecDocument,
  revision: SpecDocument,
  options: SpecDiffOptions = {},
): SpecDiffResult {
  return new SpecDiff(base, revision, options).run();
}

/** Fingerprint of a change, like oasdiff: sha256(`id:operation:path`), first 12 hex digits. */
export function specChangeFingerprint(id: string, operation: string, path = ''): string {
  return createHash('sha256').update(`${id}:${operation}:${path}`).digest('hex').slice(0, 12);
}

const stripArrays = (p: string): string => p.replace(/\[\]/g, '').replace(/\.\*/g, '');

function parentPath(p: string): string | undefined {
  if (!p) return undefined;
  if (p.endsWith('[]')) return p.slice(0, -2);
  const i = p.lastIndexOf('.');
  return i < 0 ? '' : p.slice(0, i);
}

class SpecDiff {
  /** Operations, paths and components of each document. */
  readonly baseIndex: SpecIndex;
  readonly revisionIndex: SpecIndex;
  /** Field inventories of each document's schemas, built on demand. */
  readonly baseInventory: InventoryBuilder;
  readonly revisionInventory: InventoryBuilder;
  readonly maxDepth: number;
  readonly today?: string;
  readonly fields: string[];
  readonly pairDiffs = new Map<string, RelChange[]>();
  readonly pairKids = new Map<string, { path: string; pair: Pair }[]>();
  readonly subs = new Map<string, SchemaNode>();
  readonly changes = new Map<string, SpecChange>();

  constructor(
    base: SpecDocument,
    revision: SpecDocument,
    readonly options: SpecDiffOptions,
  ) {
    this.baseIndex = new SpecIndex(base);
    this.revisionIndex = new SpecIndex(revision);
    this.baseInventory = new InventoryBuilder(this.baseIndex);
    this.revisionInventory = new InventoryBuilder(this.revisionIndex);
    this.maxDepth = options.maxDepth ?? 6;
    if (options.now) this.today = isoDay(options.now);
    this.fields = (options.fields ?? []).map(stripArrays);
  }

  run(): SpecDiffResult {
    const scope = (this.options.operations ?? []).map((o) => ({ raw: o, key: operationMatchKey(o) }));
    const unknownOperations: string[] = [];
    let keys: string[];
    if (scope.length === 0) {
      keys = [...new Set([...this.baseIndex.byMatchKey.keys(), ...this.revisionIndex.byMatchKey.keys()])];
    } else {
      keys = [];
      for (const s of scope) {
        if (!s.key || (!this.baseIndex.byMatchKey.has(s.key) && !this.revisionIndex.byMatchKey.has(s.key)))
          unknownOperations.push(s.raw);
        else keys.push(s.key);
      }
      keys = [...new Set(keys)];
    }
    for (const k of keys) {
      const b = this.baseIndex.byMatchKey.get(k);
      const r = this.revisionIndex.byMatchKey.get(k);
      if (b && !r) this.removedOperation(b);
      else if (b && r) this.compareOperation(b, r);
    }
    const changes = [...this.changes.values()].sort(
      (x, y) =>
        compareSeverity(y.level, x.level) ||
        x.operation.localeCompare(y.operation) ||
        (x.path ?? '').localeCompare(y.path ?? '') ||
        x.id.localeCompare(y.id),
    );
    return {
      base: summary(this.baseIndex),
      revision: summary(this.revisionIndex),
      operationsCompared: keys.length,
      unknownOperations,
      changes,
    };
  }

  private emit(
    id: SpecRuleId,
    op: OperationInfo,
    message: string,
    extra: {
      path?: string;
      effectiveDate?: string;
      attributes?: Record<string, string | number | boolean>;
    } = {},
  ): void {
    const rule = SPEC_RULES[id];
    let level: Severity = this.options.severity?.[id] ?? rule.level;
    if (
      extra.path !== undefined &&
      rule.section === 'response' &&
      this.fields.length > 0 &&
      !this.declared(extra.path)
    )
      level = 'info';
    const fingerprint = specChangeFingerprint(id, op.key, extra.path);
    if (this.changes.has(fingerprint)) return;
    const change: SpecChange = {
      id,
      level,
      section: rule.section,
      lifecycle: rule.lifecycle,
      operation: op.key,
      message,
      attributes: extra.attributes ?? {},
      fingerprint,
    };
    if (op.operationId) change.operationId = op.operationId;
    if (extra.path !== undefined) change.path = extra.path;
    if (extra.effectiveDate) change.effectiveDate = extra.effectiveDate;
    this.changes.set(fingerprint, change);
  }

  private declared(path: string): boolean {
    const p = stripArrays(path);
    return this.fields.some((f) => f === p || f.startsWith(`${p}.`) || p.startsWith(`${f}.`) || p === '');
  }

  private removedOperation(op: OperationInfo): void {
    const pathGone = !this.revisionIndex.paths.has(normalizePath(op.path));
    const attributes: Record<string, string | number | boolean> = { deprecated: op.deprecated };
    if (op.sunset) attributes.sunset = op.sunset;
    if (op.deprecationDate) attributes.deprecationDate = op.deprecationDate;
    const extra = { attributes, ...(op.sunset ? { effectiveDate: op.sunset } : {}) };
    if (!op.deprecated) {
      this.emit(
        pathGone ? 'api-path-removed-without-deprecation' : 'api-removed-without-deprecation',
        op,
        `${op.key} was removed without being deprecated first`,
        extra,
      );
    } else if (op.sunset && this.today && op.sunset > this.today) {
      this.emit(
        pathGone ? 'api-path-removed-before-sunset' : 'api-removed-before-sunset',
        op,
        `${op.key} was removed before its sunset day ${op.sunset}`,
        extra,
      );
    } else {
      const since = op.deprecationDate ? ` since ${op.deprecationDate}` : '';
      const sunset = op.sunset ? `, sunset ${op.sunset} (${op.sunsetSource})` : '';
      this.emit(
        pathGone ? 'api-path-removed-with-deprecation' : 'api-removed-with-deprecation',
        op,
        `${op.key} was removed after being deprecated${since}${sunset}`,
        extra,
      );
    }
  }

  private compareOperation(b: OperationInfo, r: OperationInfo): void {
    // lifecycle
    if (!b.deprecated && r.deprecated) {
      const attributes: Record<string, string | number | boolean> = {};
      if (r.deprecationDate) attributes.deprecationDate = r.deprecationDate;
      if (r.sunset) {
        attributes.sunset = r.sunset;
        attributes.sunsetSource = r.sunsetSource ?? 'x-sunset';
        this.emit(
          'endpoint-deprecated-with-sunset',
          r,
          `${r.key} is deprecated; removal on ${r.sunset} (${r.sunsetSource})`,
          {
            effectiveDate: r.sunset,
            attributes,
          },
        );
      } else
        this.emit('endpoint-deprecated', r, `${r.key} is deprecated (no sunset day given)`, { attributes });
    } else if (b.deprecated && !r.deprecated) {
      this.emit('endpoint-reactivated', r, `${r.key} is no longer deprecated`);
    } else if (b.deprecated && r.deprecated) {
      if (b.sunset && !r.sunset)
        this.emit('sunset-deleted', r, `${r.key}: its sunset day ${b.sunset} was deleted`);
      else if (b.sunset && r.sunset && r.sunset < b.sunset)
        this.emit(
          'api-sunset-date-changed-too-small',
          r,
          `${r.key}: sunset moved earlier, ${b.sunset} → ${r.sunset}`,
          {
            effectiveDate: r.sunset,
            attributes: { previousSunset: b.sunset, sunset: r.sunset },
          },
        );
    }
    if (stabilityRank(r.stability) < stabilityRank(b.stability))
      this.emit(
        'api-stability-decreased',
        r,
        `${r.key}: stability decreased from ${b.stability} to ${r.stability}`,
      );
    // statuses and media types
    for (const s of b.successStatuses)
      if (!r.successStatuses.includes(s))
        this.emit('response-success-status-removed', r, `${r.key}: success status ${s} was removed`, {
          path: `status:${s}`,
        });
    if (b.primaryStatus && b.primaryStatus === r.primaryStatus)
      for (const m of b.mediaTypes)
        if (!r.mediaTypes.includes(m))
          this.emit(
            'response-media-type-removed',
            r,
            `${r.key}: media type ${m} of status ${b.primaryStatus} was removed`,
            {
              path: `media:${m}`,
            },
          );
    this.compareParams(b, r);
    // response fields
    if (
      b.primaryStatus &&
      b.primaryStatus === r.primaryStatus &&
      b.schema !== undefined &&
      r.schema !== undefined
    )
      this.compareBodies(b, r);
  }

  private compareParams(b: OperationInfo, r: OperationInfo): void {
    for (const [k, p] of b.params) {
      const q = r.params.get(k);
      if (!q) {
        if (p.in === 'path') continue; // renamed path parameters are the same operation
        this.emit('request-parameter-removed', r, `${r.key}: ${p.in} parameter ${p.name} was removed`, {
          path: k,
        });
        continue;
      }
      if (!p.required && q.required)
        this.emit(
          'request-parameter-became-required',
          r,
          `${r.key}: ${p.in} parameter ${p.name} became required`,
          { path: k },
        );
      if (!p.deprecated && q.deprecated)
        this.emit('request-parameter-deprecated', r, `${r.key}: ${p.in} parameter ${p.name} is deprecated`, {
          path: k,
        });
      if (p.enum && q.enum) {
        const gone = p.enum.filter((v) => !q.enum!.includes(v));
        if (gone.length)
          this.emit(
            'request-parameter-enum-value-removed',
            r,
            `${r.key}: ${p.in} parameter ${p.name} no longer accepts ${gone.join(', ')}`,
            {
              path: k,
              attributes: { removed: gone.join(',') },
            },
          );
      }
    }
    const basePathParams = [...b.params.values()].filter((p) => p.in === 'path').length;
    const revPathParams = [...r.params.values()].filter((p) => p.in === 'path').length;
    for (const [k, q] of r.params) {
      if (b.params.has(k)) continue;
      if (q.in === 'path') {
        if (revPathParams > basePathParams)
          this.emit('new-request-path-parameter', r, `${r.key}: new path parameter ${q.name}`, { path: k });
        continue;
      }
      if (q.required)
        this.emit('new-required-request-parameter', r, `${r.key}: new required ${q.in} parameter ${q.name}`, {
          path: k,
        });
    }
  }

  private compareBodies(b: OperationInfo, r: OperationInfo): void {
    const root: Pair = {
      b: this.baseInventory.build(`op:${b.key}`, b.schema),
      r: this.revisionInventory.build(`op:${r.key}`, r.schema),
    };
    // Visit each (base, revision) node pair once, at its shallowest field path: buckets by depth, shallowest first.
    const buckets: { pair: Pair; prefix: string }[][] = Array.from({ length: this.maxDepth + 1 }, () => []);
    buckets[0]!.push({ pair: root, prefix: '' });
    const visited = new Set<string>();
    for (let d = 0; d <= this.maxDepth; d++) {
      const bucket = buckets[d]!;
      for (let i = 0; i < bucket.length; i++) {
        const { pair, prefix } = bucket[i]!;
        const key = `${pair.b.key}|${pair.r.key}`;
        if (visited.has(key)) continue;
        visited.add(key);
        for (const c of this.pairDiff(pair)) {
          const abs = joinPath(prefix, c.rel);
          if (pathDepth(abs) > this.maxDepth) continue;
          this.emitField(r, abs, c);
        }
        for (const kid of this.pairChildren(pair)) {
          const abs = joinPath(prefix, kid.path);
          const depth = pathDepth(abs);
          if (depth > this.maxDepth) continue;
          if (!visited.has(`${kid.pair.b.key}|${kid.pair.r.key}`))
            buckets[depth]!.push({ pair: kid.pair, prefix: abs });
        }
      }
    }
  }

  private emitField(op: OperationInfo, path: string, c: RelChange): void {
    const body = path === '';
    const where = body ? 'response body' : `response field ${path}`;
    const m = `${op.key}: ${where} ${c.detail}`;
    const opts = { path, attributes: c.attrs };
    switch (c.kind) {
      case 'removed':
        this.emit(
          c.base?.required ? 'response-required-property-removed' : 'response-optional-property-removed',
          op,
          m,
          opts,
        );
        break;
      case 'type-changed':
        this.emit(body ? 'response-body-type-changed' : 'response-property-type-changed', op, m, opts);
        break;
      case 'types-widened':
        this.emit(
          body ? 'response-body-list-of-types-widened' : 'response-property-list-of-types-widened',
          op,
          m,
          opts,
        );
        break;
      case 'became-nullable':
        this.emit(body ? 'response-body-became-nullable' : 'response-property-became-nullable', op, m, opts);
        break;
      case 'became-optional':
        this.emit('response-property-became-optional', op, m, opts);
        break;
      case 'deprecated':
        if (c.rev?.sunset)
          this.emit('response-property-deprecated-with-sunset', op, m, {
            ...opts,
            effectiveDate: c.rev.sunset,
          });
        else this.emit('response-property-deprecated', op, m, opts);
        break;
      case 'reactivated':
        this.emit('response-property-reactivated', op, m, opts);
        break;
      case 'enum-value-added':
        this.emit('response-property-enum-value-added', op, m, opts);
        break;
      case 'stability-decreased':
        this.emit('response-property-stability-decreased', op, m, opts);
        break;
    }
  }

  private component(side: Side, name: string): SchemaNode {
    return side === 'base' ? this.baseInventory.component(name) : this.revisionInventory.component(name);
  }

  /** A node re-rooted at `prefix` of another node (an inline subtree compared with a component). */
  private sub(node: SchemaNode, prefix: string): SchemaNode {
    if (prefix === '') return node;
    const key = `${node.key}@${prefix}`;
    let s = this.subs.get(key);
    if (s) return s;
    const under = (p: string) => p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`);
    const rel = (p: string) => (p === prefix ? '' : p.slice(prefix.length).replace(/^\./, ''));
    const fields = new Map<string, FieldInfo>();
    for (const [p, f] of node.fields) if (under(p)) fields.set(rel(p), f);
    const edges = node.edges
      .filter((e) => under(e.path))
      .map((e) => ({ path: rel(e.path), target: e.target }));
    s = { key, fields, edges };
    this.subs.set(key, s);
    return s;
  }

  /** Can `path` (relative to `node`) be reached in the document of `side`, through refs if need be? */
  private reachable(side: Side, node: SchemaNode, path: string, budget: number): boolean {
    if (node.fields.has(path)) return true;
    if (budget <= 0) return false;
    for (const e of node.edges) {
      const p = e.path;
      if (p !== '' && !(path.startsWith(p) && (path[p.length] === '.' || path[p.length] === '['))) continue;
      const rest = p === '' ? path : path.slice(p.length).replace(/^\./, '');
      if (this.reachable(side, this.component(side, e.target), rest, budget - 1)) return true;
    }
    return false;
  }

  // eslint-disable-next-line max-lines-per-function -- one comparison per schema attribute (type, format, enum, required, nullable, bounds, deprecated) of a node pair, each a few lines
  private pairDiff(pair: Pair): RelChange[] {
    const key = `${pair.b.key}|${pair.r.key}`;
    let out = this.pairDiffs.get(key);
    if (out) return out;
    out = [];
    const { b, r } = pair;
    for (const [q, bf] of b.fields) {
      const rf = r.fields.get(q);
      if (!rf) {
        if (q.endsWith('[]') || q.endsWith('*') || this.reachable('revision', r, q, 6)) continue;
        const parent = parentPath(q);
        if (parent !== undefined && !r.fields.has(parent) && !this.reachable('revision', r, parent, 6))
          continue; // parent reported
        out.push({
          kind: 'removed',
          rel: q,
          base: bf,
          rev: undefined,
          detail: `was removed${bf.required ? ' (it was required)' : ''}`,
          attrs: {},
        });
        continue;
      }
      const bt = bf.types;
      const rt = rf.types;
      if (
        bt !== rt &&
        bt !== 'any' &&
        rt !== 'any' &&
        !bt.includes('external-ref') &&
        !rt.includes('external-ref')
      ) {
        const bs = bt.split('|');
        const rs = new Set(rt.split('|'));
        const widened = bs.every((t) => rs.has(t)) || (bt === 'integer' && rs.has('number'));
        out.push({
          kind: widened ? 'types-widened' : 'type-changed',
          rel: q,
          base: bf,
          rev: rf,
          detail: `type changed from ${bt} to ${rt}`,
          attrs: { from: bt, to: rt },
        });
      }
      if (!bf.nullable && rf.nullable)
        out.push({
          kind: 'became-nullable',
          rel: q,
          base: bf,
          rev: rf,
          detail: 'became nullable',
          attrs: {},
        });
      if (bf.required && !rf.required && q !== '' && !q.endsWith('[]'))
        out.push({
          kind: 'became-optional',
          rel: q,
          base: bf,
          rev: rf,
          detail: 'became optional',
          attrs: {},
        });
      if (!bf.deprecated && rf.deprecated)
        out.push({
          kind: 'deprecated',
          rel: q,
          base: bf,
          rev: rf,
          detail: rf.sunset ? `is deprecated; removal on ${rf.sunset}` : 'is deprecated',
          attrs: rf.sunset ? { sunset: rf.sunset } : {},
        });
      else if (bf.deprecated && !rf.deprecated)
        out.push({
          kind: 'reactivated',
          rel: q,
          base: bf,
          rev: rf,
          detail: 'is no longer deprecated',
          attrs: {},
        });
      if (bf.enum && rf.enum && !rf.extensibleEnum) {
        const added = rf.enum.filter((v) => !bf.enum!.includes(v));
        if (added.length)
          out.push({
            kind: 'enum-value-added',
            rel: q,
            base: bf,
            rev: rf,
            detail: `has new enum value${added.length > 1 ? 's' : ''} ${added.join(', ')}`,
            attrs: { added: added.join(',') },
          });
      }
      if (stabilityRank(rf.stability) < stabilityRank(bf.stability))
        out.push({
          kind: 'stability-decreased',
          rel: q,
          base: bf,
          rev: rf,
          detail: `stability decreased from ${bf.stability} to ${rf.stability}`,
          attrs: {},
        });
    }
    this.pairDiffs.set(key, out);
    return out;
  }

  private pairChildren(pair: Pair): { path: string; pair: Pair }[] {
    const key = `${pair.b.key}|${pair.r.key}`;
    let out = this.pairKids.get(key);
    if (out) return out;
    out = [];
    const group = (n: SchemaNode) => {
      const m = new Map<string, string[]>();
      for (const e of n.edges) m.set(e.path, [...(m.get(e.path) ?? []), e.target]);
      return m;
    };
    const be = group(pair.b);
    const re = group(pair.r);
    for (const path of new Set([...be.keys(), ...re.keys()])) {
      const tb = be.get(path) ?? [];
      const tr = re.get(path) ?? [];
      for (const t of tb)
        if (tr.includes(t))
          out.push({ path, pair: { b: this.component('base', t), r: this.component('revision', t) } });
      const onlyB = tb.filter((t) => !tr.includes(t));
      const onlyR = tr.filter((t) => !tb.includes(t));
      if (onlyB.length === 1 && onlyR.length === 1) {
        out.push({
          path,
          pair: { b: this.component('base', onlyB[0]!), r: this.component('revision', onlyR[0]!) },
        });
        continue;
      }
      // A ref replaced by the same shape written inline (or the reverse): compare the component with the subtree.
      // Only when the ref is the whole field (an `anyOf: [string, $ref]` expansion is a type change, not a move).
      const rootTypes = (side: Side, t: string) => this.component(side, t).fields.get('')?.types;
      if (
        onlyB.length === 1 &&
        tr.length === 0 &&
        pair.r.fields.get(path)?.types === rootTypes('base', onlyB[0]!)
      )
        out.push({ path, pair: { b: this.component('base', onlyB[0]!), r: this.sub(pair.r, path) } });
      if (
        onlyR.length === 1 &&
        tb.length === 0 &&
        pair.b.fields.get(path)?.types === rootTypes('revision', onlyR[0]!)
      )
        out.push({ path, pair: { b: this.sub(pair.b, path), r: this.component('revision', onlyR[0]!) } });
    }
    this.pairKids.set(key, out);
    return out;
  }
}

function summary(idx: SpecIndex): SpecSummary {
  const s: SpecSummary = {
    origin: idx.spec.origin,
    dialect: idx.spec.dialect,
    operations: idx.operations.size,
    deprecated: [...idx.operations.values()].filter((o) => o.deprecated).length,
  };
  if (idx.spec.apiVersion) s.apiVersion = idx.spec.apiVersion;
  return s;
}
