// Detector: a watched OpenAPI document changed — the consumer-scoped spec diff over its declared operations and fields.
import { isoDay } from '../core/clock.js';
import type { Detector, DocChange } from '../core/detector.js';
import { errorMessage } from '../core/errors.js';
import type { FindingDraft } from '../core/finding.js';
import { diffSpecs } from '../deprecation/openapi/diff-specs.js';
import { parseSpecText } from '../deprecation/openapi/load-spec.js';
import { SpecIndex, operationMatchKey } from '../deprecation/openapi/spec-index.js';
import { fuseDrafts } from '../deprecation/fusion.js';
import { countdown } from '../deprecation/wording.js';
import { metricOfPath } from './field-metric.js';

export interface OpenApiOptions {
  /** Deepest response field path compared. */
  maxDepth: number;
}

/**
 * `deprecation-openapi`: when a watched OpenAPI snapshot changes, runs the spec diff scoped to the doc's declared
 * operations and fields. Each change becomes a finding with its oasdiff rule id and consumer severity (removals block,
 * deprecations warn with the sunset day, undeclared fields are info); lifecycle changes are class `deprecation`,
 * type/nullability/enum changes class `schema`; subject = `METHOD /path` (+ field). On every poll that has the
 * document (`docs`, or a change), a declared operation deprecated in the current version is reported again
 * (`endpoint-deprecated…`, warn, with the countdown) and one it does not describe is `declared-operation-missing`
 * (block), so those findings stay open for as long as the document says so.
 *
 * @example
 * deprecationOpenApi.detect({ docChanges: [{ doc: { kind: 'openapi', operations: ['GET /v1/charges'], … }, previous, current }], … })
 * // [{ rule: 'endpoint-deprecated-with-sunset', severity: 'warn', subject: 'GET /v1/charges', effectiveDate: '2026-12-31' }]
 */
export const deprecationOpenApi: Detector<OpenApiOptions> = {
  id: 'deprecation-openapi',
  title: 'Breaking and lifecycle changes in watched OpenAPI documents',
  description:
    'Diffs the previous and current snapshot of each watched OpenAPI document, scoped to the operations and fields ' +
    'the contract declares: removed operations and fields, deprecations with their sunset (x-sunset, ' +
    'x-github.removalDate), type changes, fields that became nullable or optional, new enum values and decreased ' +
    'stability, with oasdiff rule ids.',
  class: 'deprecation',
  stage: 'deprecation',
  scope: 'source',
  defaults: { maxDepth: 6 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { maxDepth: { type: 'integer', minimum: 1, maximum: 12 } },
  },
  // eslint-disable-next-line max-lines-per-function -- maps each spec change class to its draft; the diff itself lives in deprecation/openapi
  detect(input) {
    const { source, now } = input;
    const drafts: FindingDraft[] = [];
    // Diffs to run: each changed doc against its previous snapshot, and every doc against its first snapshot (the
    // baseline the contract started from), so a change still in effect (a field deprecated, later removed) stays a
    // finding on the polls in between. Baseline drafts never repeat a subject the fresh diff already reported.
    const diffs: { change: DocChange; previous: string; persisted: boolean }[] = [];
    for (const change of input.docChanges)
      if (change.previous !== undefined) diffs.push({ change, previous: change.previous, persisted: false });
    const current = new Map<string, DocChange>();
    for (const d of input.docs ?? []) current.set(d.doc.name, d);
    for (const d of input.docChanges) current.set(d.doc.name, d);
    for (const d of current.values()) {
      const baseline = input.docBaselines?.get(d.doc.name);
      if (baseline !== undefined && baseline !== d.current && baseline !== d.previous)
        diffs.push({ change: d, previous: baseline, persisted: true });
    }
    const fresh = new Set<string>();
    for (const { change, previous, persisted } of diffs) {
      if (change.doc.kind !== 'openapi') continue;
      const onset = isoDay(change.fetchedAt);
      let result;
      try {
        result = diffSpecs(
          parseSpecText(previous, `${change.doc.name} (previous)`),
          parseSpecText(change.current, change.doc.name),
          {
            operations: change.doc.operations,
            fields: change.doc.fields,
            maxDepth: input.options.maxDepth,
            now,
          },
        );
      } catch (e) {
        if (persisted) continue; // reported when the unreadable version arrived
        drafts.push({
          rule: 'openapi-unreadable',
          class: 'unverified',
          severity: 'info',
          source: source.name,
          subject: `doc:${change.doc.name}`,
          entities: [],
          onset,
          evidence: { channel: 'openapi', doc: change.doc.name, url: change.doc.url, error: errorMessage(e) },
          explanation: `${change.doc.name} changed but could not be read as OpenAPI (${errorMessage(e)}); its operations are unverified.`,
        });
        continue;
      }
      for (const c of result.changes) {
        // A still-standing change matters only at warn or block; undeclared-field news was told when it happened.
        if (persisted && c.level === 'info') continue;
        const d: FindingDraft = {
          rule: c.id,
          class: c.lifecycle ? 'deprecation' : 'schema',
          severity: c.level,
          source: source.name,
          subject: c.path && !c.path.includes(':') ? `${c.operation} ${c.path}` : c.operation,
          entities: [],
          onset,
          evidence: {
            channel: 'openapi',
            doc: change.doc.name,
            url: change.doc.url,
            operation: c.operation,
            ...(c.path ? { path: c.path } : {}),
            oasdiffFingerprint: c.fingerprint,
            ...c.attributes,
          },
          explanation: `${change.doc.name}: ${c.message}.`,
        };
        if (c.effectiveDate) d.effectiveDate = c.effectiveDate;
        const metric = c.path ? metricOfPath(source, c.path) : undefined;
        if (metric) d.metric = metric;
        const key = `${change.doc.name}|${d.metric ?? ''}|${d.subject ?? ''}`;
        if (persisted) {
          if (fresh.has(key)) continue;
          d.evidence.state = 'still in effect';
        } else fresh.add(key);
        drafts.push(d);
      }
      if (persisted) continue;
      for (const op of result.unknownOperations)
        drafts.push({
          rule: 'openapi-operation-unknown',
          class: 'schema',
          severity: 'info',
          source: source.name,
          subject: op,
          entities: [],
          onset,
          evidence: { channel: 'openapi', doc: change.doc.name, operation: op },
          explanation: `${change.doc.name} declares ${op}, which is in neither version of the document; check the method and path.`,
        });
    }
    // Current state of the declared operations in every doc (changed or not, when the pipeline passes `docs`):
    // a deprecated or missing declared operation stays a finding for as long as the document says so.
    for (const d of current.values()) drafts.push(...currentState(source.name, d, now));
    return fuseDrafts(drafts);
  },
};

/** Findings about the declared operations as the current document describes them (no diff needed). */
function currentState(source: string, d: DocChange, now: Date): FindingDraft[] {
  if (d.doc.kind !== 'openapi' || d.doc.operations.length === 0) return [];
  let index: SpecIndex;
  try {
    index = new SpecIndex(parseSpecText(d.current, d.doc.name));
  } catch {
    return [];
  }
  const onset = isoDay(d.fetchedAt);
  const out: FindingDraft[] = [];
  for (const declared of d.doc.operations) {
    const key = operationMatchKey(declared);
    if (!key) continue;
    const op = index.byMatchKey.get(key);
    const base = { class: 'deprecation' as const, source, entities: [], onset };
    if (!op) {
      // Removed (the diff said so when it happened) or never there (a typo): either way it cannot be relied on.
      const [method, ...path] = declared.trim().split(/\s+/);
      out.push({
        ...base,
        rule: 'declared-operation-missing',
        severity: 'block',
        subject: `${method!.toUpperCase()} ${path.join(' ')}`,
        evidence: {
          channel: 'openapi',
          doc: d.doc.name,
          url: d.doc.url,
          operation: declared,
          state: 'current',
        },
        explanation: `${d.doc.name} does not describe ${declared}, which the contract declares: it was removed, or the contract names it wrongly.`,
      });
      continue;
    }
    if (!op.deprecated) continue;
    const c = op.sunset ? countdown(op.sunset, now) : undefined;
    out.push({
      ...base,
      rule: op.sunset ? 'endpoint-deprecated-with-sunset' : 'endpoint-deprecated',
      severity: 'warn',
      subject: op.key,
      ...(op.sunset ? { effectiveDate: op.sunset } : {}),
      evidence: {
        channel: 'openapi',
        doc: d.doc.name,
        url: d.doc.url,
        operation: op.key,
        state: 'current',
        ...(op.sunset
          ? { sunset: op.sunset, sunsetSource: op.sunsetSource ?? 'x-sunset', daysUntil: c!.days }
          : {}),
      },
      explanation: `${d.doc.name}: ${op.key} is deprecated${c ? `; removal ${c.words} (${op.sunsetSource})` : ' (no sunset day given)'}.`,
    });
  }
  return out;
}
