import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { createAjv } from './ajv.js';
import { renderFieldReference, renderSchemaFile, replaceGeneratedBlock } from './reference-doc.js';
import { CONTRACT_SCHEMA } from './schema.js';

const ROOT = join(import.meta.dirname, '../..');

describe('generated files', () => {
  it('schema/contract.schema.json is up to date (run npm run schema)', () => {
    expect(readFileSync(join(ROOT, 'schema/contract.schema.json'), 'utf8')).toBe(renderSchemaFile());
  });

  it('the field tables of docs/contracts.md are up to date (run npm run schema)', async () => {
    const path = join(ROOT, 'docs/contracts.md');
    const current = readFileSync(path, 'utf8');
    const options = { ...(await resolveConfig(path)), filepath: path };
    expect(await format(replaceGeneratedBlock(current, renderFieldReference()), options)).toBe(current);
    expect(current).toContain('### MetaGraphConnection');
  });
});

describe('the published schema', () => {
  const validate = createAjv().compile(CONTRACT_SCHEMA);

  it.each([
    [
      'a minimal source',
      {
        apiVersion: 'upwatch/v1',
        kind: 'Source',
        name: 'm',
        owners: ['a@example.com'],
        provider: 'meta-graph',
        connection: { apiVersion: 'v24.0', accessToken: '${T}', pages: ['1'] },
        schedule: '0 7 * * *',
        metrics: [{ name: 'page_media_view', kind: 'count' }],
      },
      true,
    ],
    [
      'a feature',
      { apiVersion: 'upwatch/v1', kind: 'Feature', name: 'f', owners: ['a@example.com'], uses: ['m/x'] },
      true,
    ],
    ['an unknown kind', { apiVersion: 'upwatch/v1', kind: 'Model' }, false],
    [
      'a meta-graph connection on an http-json source',
      {
        apiVersion: 'upwatch/v1',
        kind: 'Source',
        name: 'm',
        owners: ['a@example.com'],
        provider: 'http-json',
        connection: { apiVersion: 'v24.0', accessToken: '${T}', pages: ['1'] },
        schedule: '0 7 * * *',
        metrics: [{ name: 'x', kind: 'count' }],
      },
      false,
    ],
    [
      'an amount without a unit',
      {
        apiVersion: 'upwatch/v1',
        kind: 'Source',
        name: 'm',
        owners: ['a@example.com'],
        provider: 'http-json',
        connection: { url: 'https://x.example.com/', select: { records: 'data', time: 'day' } },
        schedule: '0 7 * * *',
        metrics: [{ name: 'revenue', kind: 'amount' }],
      },
      false,
    ],
  ])('%s → valid: %s', (_name, doc, valid) => {
    expect(validate(doc)).toBe(valid);
  });
});
