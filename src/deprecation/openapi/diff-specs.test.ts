// Table-driven tests of the consumer-scoped OpenAPI diff on small hand-written documents, plus invariants.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- fixtures are untyped JSON documents mutated in place */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSpecs, specChangeFingerprint } from './diff-specs.js';
import type { SpecDocument } from './load-spec.js';
import { parseSpecText, toSpecDocument } from './load-spec.js';

type Doc = Record<string, any>;

function baseDoc(): Doc {
  const itemRef = { $ref: '#/components/schemas/Item' };
  return {
    openapi: '3.0.3',
    info: { title: 'Items', version: '1' },
    paths: {
      '/v1/items': {
        get: {
          operationId: 'listItems',
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer' } }],
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['data'],
                    properties: { data: { type: 'array', items: itemRef }, has_more: { type: 'boolean' } },
                  },
                },
              },
            },
          },
        },
      },
      '/v1/items/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getItem',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: itemRef } } } },
        },
        delete: { operationId: 'deleteItem', responses: { '204': { description: 'gone' } } },
      },
      '/v1/legacy': {
        get: {
          operationId: 'legacy',
          deprecated: true,
          'x-sunset': '2026-12-31',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: itemRef } } } },
        },
      },
    },
    components: {
      schemas: {
        Item: {
          type: 'object',
          required: ['id', 'amount'],
          properties: {
            id: { type: 'string' },
            amount: { type: 'integer' },
            status: { type: 'string', enum: ['active', 'closed'] },
            note: { type: 'string' },
            owner: { $ref: '#/components/schemas/Owner' },
          },
        },
        Owner: {
          type: 'object',
          properties: { name: { type: 'string' }, parent: { $ref: '#/components/schemas/Owner' } },
        },
      },
    },
  };
}

const spec = (d: Doc, origin = 'doc.json'): SpecDocument => toSpecDocument(d, origin);
function variant(mod: (d: Doc) => void): SpecDocument {
  const d = baseDoc();
  mod(d);
  return spec(d, 'rev.json');
}
const item = (d: Doc) => d.components.schemas.Item;
const ids = (r: ReturnType<typeof diffSpecs>) =>
  r.changes.map((c) => `${c.level} ${c.id} ${c.operation}${c.path ? ` ${c.path}` : ''}`);

describe('diffSpecs', () => {
  it.each<[string, (d: Doc) => void, string[]]>([
    [
      'optional field removed',
      (d) => delete item(d).properties.note,
      [
        'block response-optional-property-removed GET /v1/items data[].note',
        'block response-optional-property-removed GET /v1/items/{id} note',
        'block response-optional-property-removed GET /v1/legacy note',
      ],
    ],
    [
      'required field removed',
      (d) => {
        delete item(d).properties.amount;
        item(d).required = ['id'];
      },
      [
        'block response-required-property-removed GET /v1/items data[].amount',
        'block response-required-property-removed GET /v1/items/{id} amount',
        'block response-required-property-removed GET /v1/legacy amount',
      ],
    ],
    [
      'type changed',
      (d) => (item(d).properties.amount.type = 'string'),
      [
        'block response-property-type-changed GET /v1/items data[].amount',
        'block response-property-type-changed GET /v1/items/{id} amount',
        'block response-property-type-changed GET /v1/legacy amount',
      ],
    ],
    [
      'became nullable (3.0 nullable)',
      (d) => (item(d).properties.note.nullable = true),
      [
        'warn response-property-became-nullable GET /v1/items data[].note',
        'warn response-property-became-nullable GET /v1/items/{id} note',
        'warn response-property-became-nullable GET /v1/legacy note',
      ],
    ],
    [
      'became nullable (3.1 type list) is not a type change',
      (d) => (item(d).properties.note.type = ['string', 'null']),
      [
        'warn response-property-became-nullable GET /v1/items data[].note',
        'warn response-property-became-nullable GET /v1/items/{id} note',
        'warn response-property-became-nullable GET /v1/legacy note',
      ],
    ],
    [
      'became optional',
      (d) => (item(d).required = ['amount']),
      [
        'warn response-property-became-optional GET /v1/items data[].id',
        'warn response-property-became-optional GET /v1/items/{id} id',
        'warn response-property-became-optional GET /v1/legacy id',
      ],
    ],
    [
      'enum value added',
      (d) => item(d).properties.status.enum.push('paused'),
      [
        'warn response-property-enum-value-added GET /v1/items data[].status',
        'warn response-property-enum-value-added GET /v1/items/{id} status',
        'warn response-property-enum-value-added GET /v1/legacy status',
      ],
    ],
    [
      'x-extensible-enum value added is fine',
      (d) => {
        const s = item(d).properties.status;
        delete s.enum;
        s['x-extensible-enum'] = ['active', 'closed', 'paused'];
      },
      [],
    ],
    [
      'field deprecated',
      (d) => (item(d).properties.note.deprecated = true),
      [
        'warn response-property-deprecated GET /v1/items data[].note',
        'warn response-property-deprecated GET /v1/items/{id} note',
        'warn response-property-deprecated GET /v1/legacy note',
      ],
    ],
    [
      'deep field in a recursive component removed',
      (d) => delete d.components.schemas.Owner.properties.name,
      [
        'block response-optional-property-removed GET /v1/items data[].owner.name',
        'block response-optional-property-removed GET /v1/items/{id} owner.name',
        'block response-optional-property-removed GET /v1/legacy owner.name',
      ],
    ],
    [
      'operation deprecated with x-sunset',
      (d) => Object.assign(d.paths['/v1/items'].get, { deprecated: true, 'x-sunset': '2027-01-31' }),
      ['warn endpoint-deprecated-with-sunset GET /v1/items'],
    ],
    [
      'operation deprecated with x-github.removalDate',
      (d) =>
        Object.assign(d.paths['/v1/items'].get, {
          deprecated: true,
          'x-github': { deprecationDate: '2026-01-01', removalDate: '2026-07-01' },
        }),
      ['warn endpoint-deprecated-with-sunset GET /v1/items'],
    ],
    [
      'operation deprecated without date',
      (d) => (d.paths['/v1/items'].get.deprecated = true),
      ['warn endpoint-deprecated GET /v1/items'],
    ],
    [
      'deprecated path removed',
      (d) => delete d.paths['/v1/legacy'],
      ['block api-path-removed-with-deprecation GET /v1/legacy'],
    ],
    [
      'operation removed, path kept',
      (d) => delete d.paths['/v1/items/{id}'].delete,
      ['block api-removed-without-deprecation DELETE /v1/items/{id}'],
    ],
    [
      'whole path removed without deprecation',
      (d) => delete d.paths['/v1/items/{id}'],
      [
        'block api-path-removed-without-deprecation DELETE /v1/items/{id}',
        'block api-path-removed-without-deprecation GET /v1/items/{id}',
      ],
    ],
    [
      'sunset deleted',
      (d) => delete d.paths['/v1/legacy'].get['x-sunset'],
      ['warn sunset-deleted GET /v1/legacy'],
    ],
    [
      'sunset moved earlier',
      (d) => (d.paths['/v1/legacy'].get['x-sunset'] = '2026-06-30'),
      ['warn api-sunset-date-changed-too-small GET /v1/legacy'],
    ],
    [
      'reactivated',
      (d) => delete d.paths['/v1/legacy'].get.deprecated,
      ['info endpoint-reactivated GET /v1/legacy'],
    ],
    [
      'stability decreased',
      (d) => (d.paths['/v1/items'].get['x-stability-level'] = 'beta'),
      ['warn api-stability-decreased GET /v1/items'],
    ],
    [
      'success status changed',
      (d) => {
        const r = d.paths['/v1/items/{id}'].get.responses;
        r['201'] = r['200'];
        delete r['200'];
      },
      ['block response-success-status-removed GET /v1/items/{id} status:200'],
    ],
    [
      'media type removed',
      (d) => {
        const c = d.paths['/v1/items/{id}'].get.responses['200'].content;
        c['application/xml'] = c['application/json'];
        delete c['application/json'];
      },
      ['block response-media-type-removed GET /v1/items/{id} media:application/json'],
    ],
    [
      'request parameters',
      (d) => {
        d.paths['/v1/items'].get.parameters = [
          { name: 'cursor', in: 'query', required: true, schema: { type: 'string' } },
        ];
      },
      [
        'block new-required-request-parameter GET /v1/items query:cursor',
        'block request-parameter-removed GET /v1/items query:limit',
      ],
    ],
    [
      'renamed path parameter is the same operation',
      (d) => {
        d.paths['/v1/items/{item_id}'] = d.paths['/v1/items/{id}'];
        d.paths['/v1/items/{item_id}'].parameters[0].name = 'item_id';
        delete d.paths['/v1/items/{id}'];
      },
      [],
    ],
    [
      'component inlined at one use is no change',
      (d) => {
        d.paths['/v1/items/{id}'].get.responses['200'].content['application/json'].schema = structuredClone(
          item(d),
        );
      },
      [],
    ],
    [
      'inline schema moved into a new component is no change',
      (d) => {
        d.components.schemas.Amount = { type: 'integer' };
        item(d).properties.amount = { $ref: '#/components/schemas/Amount' };
      },
      [],
    ],
  ])('%s', (_name, mod, expected) => {
    const r = diffSpecs(spec(baseDoc()), variant(mod), { now: new Date('2027-03-01') });
    expect(ids(r).sort()).toEqual([...expected].sort());
  });

  it('reports a removal before the announced sunset', () => {
    const r = diffSpecs(
      spec(baseDoc()),
      variant((d) => delete d.paths['/v1/legacy']),
      { now: new Date('2026-06-01') },
    );
    expect(ids(r)).toEqual(['block api-path-removed-before-sunset GET /v1/legacy']);
    expect(r.changes[0]!.effectiveDate).toBe('2026-12-31');
  });

  it('carries the sunset day and its source on a newly deprecated operation', () => {
    const r = diffSpecs(
      spec(baseDoc()),
      variant((d) =>
        Object.assign(d.paths['/v1/items'].get, {
          deprecated: true,
          'x-github': { removalDate: '2026-07-01' },
        }),
      ),
    );
    expect(r.changes[0]).toMatchObject({
      effectiveDate: '2026-07-01',
      attributes: { sunsetSource: 'x-github.removalDate' },
    });
  });

  it('scopes to the declared operations and reports unknown ones', () => {
    const r = diffSpecs(
      spec(baseDoc()),
      variant((d) => delete item(d).properties.note),
      {
        operations: ['get /v1/items/{item}', 'GET /v1/nope'],
      },
    );
    expect(ids(r)).toEqual(['block response-optional-property-removed GET /v1/items/{id} note']);
    expect(r.unknownOperations).toEqual(['GET /v1/nope']);
    expect(r.operationsCompared).toBe(1);
  });

  it('downgrades changes to undeclared fields to info', () => {
    const r = diffSpecs(
      spec(baseDoc()),
      variant((d) => {
        delete item(d).properties.note;
        item(d).properties.amount.type = 'number';
        item(d).properties.amount.type = 'string';
      }),
      { operations: ['GET /v1/items'], fields: ['data.amount', 'has_more'] },
    );
    expect(ids(r)).toEqual([
      'block response-property-type-changed GET /v1/items data[].amount',
      'info response-optional-property-removed GET /v1/items data[].note',
    ]);
  });

  it('caps the reported depth', () => {
    const r = diffSpecs(
      spec(baseDoc()),
      variant((d) => delete d.components.schemas.Owner.properties.name),
      {
        operations: ['GET /v1/items'],
        maxDepth: 2,
      },
    );
    expect(r.changes).toEqual([]);
  });

  it('applies severity overrides', () => {
    const r = diffSpecs(
      spec(baseDoc()),
      variant((d) => item(d).properties.status.enum.push('paused')),
      {
        operations: ['GET /v1/items/{id}'],
        severity: { 'response-property-enum-value-added': 'info' },
      },
    );
    expect(r.changes.map((c) => c.level)).toEqual(['info']);
  });

  it('fingerprints like oasdiff: sha256(id:operation:path)[:12]', () => {
    const r = diffSpecs(
      spec(baseDoc()),
      variant((d) => delete item(d).properties.note),
      { operations: ['GET /v1/items'] },
    );
    const c = r.changes[0]!;
    expect(c.fingerprint).toBe(
      createHash('sha256')
        .update('response-optional-property-removed:GET /v1/items:data[].note')
        .digest('hex')
        .slice(0, 12),
    );
    expect(specChangeFingerprint(c.id, c.operation, c.path)).toBe(c.fingerprint);
  });

  it('reads Swagger 2.0 (definitions, x-nullable, produces)', () => {
    const swagger = (nullable: boolean) =>
      parseSpecText(
        `swagger: "2.0"
info: {title: k8s, version: v1}
produces: [application/json]
paths:
  /api/v1/pods:
    get:
      responses:
        "200":
          description: ok
          schema: {$ref: "#/definitions/PodList"}
definitions:
  PodList:
    type: object
    properties:
      items: {type: array, items: {$ref: "#/definitions/Pod"}}
  Pod:
    type: object
    properties:
      name: {type: string, x-nullable: ${nullable}}
`,
        'k8s.yaml',
      );
    const r = diffSpecs(swagger(false), swagger(true));
    expect(ids(r)).toEqual(['warn response-property-became-nullable GET /api/v1/pods items[].name']);
    expect(r.base.dialect).toBe('swagger-2');
  });

  it('finds no change between a document and itself, whatever the document', () => {
    const mutators: ((d: Doc) => void)[] = [
      (d) => delete item(d).properties.note,
      (d) => (item(d).properties.amount.type = 'string'),
      (d) => (d.paths['/v1/items'].get.deprecated = true),
      (d) => delete d.paths['/v1/legacy'],
      (d) =>
        (d.components.schemas.Owner.properties.parent = {
          type: 'array',
          items: { $ref: '#/components/schemas/Item' },
        }),
      (d) =>
        (item(d).properties.owner = { anyOf: [{ type: 'string' }, { $ref: '#/components/schemas/Owner' }] }),
    ];
    fc.assert(
      fc.property(
        fc.subarray(mutators.map((_, i) => i)),
        fc.integer({ min: 1, max: 10 }),
        (picked, maxDepth) => {
          const d = baseDoc();
          for (const i of picked) mutators[i]!(d);
          return diffSpecs(spec(d), spec(structuredClone(d)), { maxDepth }).changes.length === 0;
        },
      ),
    );
  });
});

describe('parseSpecText', () => {
  it.each([
    ['{"openapi": "3.1.0", "info": {"title": "t", "version": "2"}, "paths": {}}', 'openapi-3', '2'],
    ['openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\n', 'openapi-3', '1'],
    ['swagger: "2.0"\ninfo: {title: t, version: v1}\npaths: {}\n', 'swagger-2', 'v1'],
  ])('%#', (text, dialect, apiVersion) => {
    expect(parseSpecText(text, 'x')).toMatchObject({ dialect, apiVersion });
  });

  it.each([
    ['{"openapi": ', 'cannot parse'],
    ['openapi: [unclosed', 'cannot parse'],
    ['just: yaml\n', 'not an OpenAPI'],
    ['openapi: "2.0"\n', 'unsupported version'],
  ])('rejects %j with SPEC_INVALID', (text, msg) => {
    expect(() => parseSpecText(text, 'x')).toThrow(msg);
    try {
      parseSpecText(text, 'x');
    } catch (e) {
      expect((e as { code: string }).code).toBe('SPEC_INVALID');
    }
  });
});
