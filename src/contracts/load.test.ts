import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isUpwatchError } from '../core/errors.js';
import { FIXED_NOW } from '../../test/helpers/fixed-clock.js';
import { hasErrors, loadContractTexts as loadTexts, loadContracts as loadDir } from './load.js';

// Loading runs the contract rules, and the fixtures pin Graph API v24.0: load on the fixed clock so its end of
// life (2028-02-18) never shows up as a diagnostic.
const NOW = new Date(FIXED_NOW);
const loadContracts = (...[dir, options]: Parameters<typeof loadDir>) =>
  loadDir(dir, { now: NOW, ...options });
const loadContractTexts = (...[files, options]: Parameters<typeof loadTexts>) =>
  loadTexts(files, { now: NOW, ...options });
import type { ContractRule } from './rules/rule.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/contracts');

const SOURCE = `apiVersion: upwatch/v1
kind: Source
name: meta
owners: [a@example.com]
provider: meta-graph
connection:
  apiVersion: v24.0
  accessToken: \${META_PAGE_TOKEN}
  pages: ["1"]
schedule: "0 7 * * *"
metrics:
  - name: page_media_view
    kind: count
`;
const FEATURE = `apiVersion: upwatch/v1
kind: Feature
name: views_7d
owners: [b@example.com]
uses: [meta/page_media_view]
`;

describe('loadContracts', () => {
  it('loads the minimal shape from the issue with every default filled in', async () => {
    const { contracts, diagnostics } = await loadContracts(join(FIXTURES, 'minimal-valid'), {
      root: FIXTURES,
      env: () => 'set',
    });
    expect(diagnostics).toEqual([]);
    expect(contracts.files).toEqual(['minimal-valid/contracts.yaml']);
    const [source] = contracts.sources;
    expect(source).toMatchObject({
      name: 'meta-page-insights',
      provider: 'meta-graph',
      timezone: 'UTC',
      freshnessHours: 36,
      checks: {},
      location: { file: 'minimal-valid/contracts.yaml', line: 1, col: 1 },
      connection: {
        kind: 'meta-graph',
        baseUrl: 'https://graph.facebook.com',
        apiVersion: 'v24.0',
        accessToken: { template: '${META_PAGE_TOKEN}', refs: ['META_PAGE_TOKEN'] },
        pages: ['104100000000001', '104100000000002'],
        lookbackDays: 3,
      },
      docs: [{ name: 'pages-changelog', kind: 'changelog', operations: [], fields: [] }],
      metrics: [{ name: 'page_post_engagements', period: 'day', kind: 'count', checks: {} }],
    });
    expect(source!.metrics[0]!.location).toEqual({ file: 'minimal-valid/contracts.yaml', line: 17, col: 5 });
    expect(contracts.features[0]).toMatchObject({
      name: 'engagement_per_view_7d',
      policy: { blockOn: ['block'], warnOn: ['warn'] },
      uses: [
        {
          source: 'meta-page-insights',
          metric: 'page_post_engagements',
          location: { file: 'minimal-valid/contracts.yaml', line: 25, col: 8 },
        },
      ],
    });
  });

  it('reads .yaml and .yml files recursively, several documents per file, http-json fields', async () => {
    const { contracts, diagnostics } = await loadContracts('http-json-valid', {
      root: FIXTURES,
      env: () => 'x',
    });
    expect(diagnostics).toEqual([]);
    expect(contracts.files).toEqual([
      'http-json-valid/features/checkout.yaml',
      'http-json-valid/partner.yml',
    ]);
    expect(contracts.features.map((f) => f.name)).toEqual(['checkout_conversion_7d', 'revenue_per_session']);
    expect(contracts.features[0]).toMatchObject({
      model: 'checkout-ranker',
      policy: { blockOn: ['block', 'warn'] },
    });
    const s = contracts.sources[0]!;
    expect(s).toMatchObject({ timezone: 'Europe/Paris', freshnessHours: 12 });
    expect(s.connection).toEqual({
      kind: 'http-json',
      url: { template: 'https://partner.example.com/v2/stats?day={since}&account={entity}', refs: [] },
      headers: {
        Authorization: { template: 'Bearer ${PARTNER_API_TOKEN}', refs: ['PARTNER_API_TOKEN'] },
        Accept: { template: 'application/json', refs: [] },
      },
      entities: ['acme', 'globex'],
      select: { records: 'data', time: 'date', next: 'paging.next' },
      lookbackDays: 3,
    });
    expect(s.metrics[1]).toMatchObject({
      kind: 'ratio',
      field: 'rates.conversion',
      range: { min: 0, max: 1 },
    });
  });

  it('throws CONTRACTS_NOT_FOUND for a missing directory (the only thrown case)', async () => {
    const e: unknown = await loadContracts(join(FIXTURES, 'does-not-exist')).catch((x: unknown) => x);
    expect(isUpwatchError(e, 'CONTRACTS_NOT_FOUND')).toBe(true);
  });

  it('skips hidden directories and node_modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-load-'));
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, '.git', 'x.yaml'), 'not: [valid');
    writeFileSync(join(dir, 'node_modules', 'y.yaml'), 'not: [valid');
    writeFileSync(join(dir, 'c.yaml'), `${SOURCE}---\n${FEATURE}`);
    const r = await loadContracts(dir, { root: dir });
    expect(r.contracts.files).toEqual(['c.yaml']);
    expect(r.diagnostics).toEqual([]);
  });
});

describe('loadContractTexts', () => {
  it('never resolves secrets at load: the model keeps only the template and variable names', () => {
    const r = loadContractTexts([{ path: 'a.yaml', text: `${SOURCE}---\n${FEATURE}` }], {
      env: (n) => (n === 'META_PAGE_TOKEN' ? 'canary-secret-9d1' : undefined),
    });
    expect(r.diagnostics).toEqual([]);
    expect(JSON.stringify(r)).not.toContain('canary-secret-9d1');
    expect(inspect(r, { depth: 20 })).not.toContain('canary-secret-9d1');
  });

  it('warns about unset variables only when given an environment', () => {
    const files = [{ path: 'a.yaml', text: `${SOURCE}---\n${FEATURE}` }];
    expect(loadContractTexts(files).diagnostics).toEqual([]);
    const r = loadContractTexts(files, { env: () => undefined });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'secret-unset', line: 8, col: 16 }),
    ]);
    expect(hasErrors(r.diagnostics)).toBe(false);
    expect(r.contracts.sources).toHaveLength(1);
  });

  it('keeps a document with errors out of the set and reports every issue at once', () => {
    const bad = SOURCE.replace('kind: count', 'kind: rate').replace('schedule: "0 7 * * *"', 'schedule: 5');
    const r = loadContractTexts([{ path: 'a.yaml', text: `${bad}---\n${FEATURE}` }]);
    expect(r.contracts.sources).toEqual([]);
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [10, 'schema'],
      [13, 'schema'],
    ]);
    // The feature's reference to the broken source is not reported again.
    expect(r.diagnostics.some((d) => d.code === 'unknown-source')).toBe(false);
    expect(hasErrors(r.diagnostics)).toBe(true);
  });

  it('refuses ${VAR} outside secret fields and credentials written in clear', () => {
    const text = SOURCE.replace('accessToken: ${META_PAGE_TOKEN}', 'accessToken: EAABsecretliteral').replace(
      'name: page_media_view',
      'name: page_media_view\n    description: uses ${OOPS}',
    );
    const r = loadContractTexts([{ path: 'a.yaml', text }]);
    const codes = r.diagnostics.map((d) => d.code);
    expect(codes).toContain('secret-not-allowed');
    expect(r.diagnostics.find((d) => d.path === '/connection/accessToken')?.message).toBe(
      'connection.accessToken must reference an environment variable like ${META_PAGE_TOKEN} (got a literal value)',
    );
    expect(JSON.stringify(r.diagnostics)).not.toContain('EAABsecretliteral');
  });

  it('runs the rules it is given, and turns a throwing rule into a diagnostic', () => {
    const boom: ContractRule = {
      id: 'boom',
      check: () => {
        throw new Error('kaput');
      },
    };
    const r = loadContractTexts([{ path: 'a.yaml', text: SOURCE }], { rules: [boom] });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'internal', message: expect.stringContaining('boom') }),
    ]);
  });

  it('skips empty documents: a leading or trailing ---, or one holding only comments', () => {
    const r = loadContractTexts([
      { path: 'a.yaml', text: `---\n${SOURCE}---\n# nothing here\n---\n${FEATURE}---\n` },
    ]);
    expect(r.diagnostics).toEqual([]);
    expect([r.contracts.sources.length, r.contracts.features.length]).toEqual([1, 1]);
  });

  it('refuses a document that is not a mapping, or has the wrong apiVersion or kind', () => {
    const r = loadContractTexts([
      {
        path: 'a.yaml',
        text: '- just\n- a list\n---\napiVersion: v1\nkind: Source\n---\napiVersion: upwatch/v1\nkind: Sauce\n',
      },
    ]);
    expect(r.diagnostics.map((d) => `${d.line}:${d.code}:${d.message}`)).toEqual([
      '1:not-a-contract:document 1 must be a mapping with apiVersion and kind (got a list)',
      '4:schema:apiVersion must be "upwatch/v1" (got "v1")',
      '8:schema:kind must be one of Source, Feature, Event, Model (got "Sauce")',
    ]);
    expect(r.diagnostics[2]!.hint).toBe('did you mean "Source"?');
  });
  it('reports semantic errors beside schema errors in the same file, all in one run', () => {
    // A source with a schema error (an unknown metric kind), a bad cron; a feature misspelling one of its metrics;
    // a feature with a schema error of its own (unknown key) and a reference to an undeclared source.
    const text = `${SOURCE.replace('"0 7 * * *"', '"0 25 * * *"').replace('kind: count', 'kind: rate')}---
${FEATURE.replace('meta/page_media_view', 'meta/page_media_veiw')}---
${FEATURE.replace('views_7d', 'views_28d').replace('owners:', 'ownrs:').replace('meta/page_media_view', 'mta/page_media_view')}`;
    const r = loadContractTexts([{ path: 'a.yaml', text }]);
    expect(r.diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual([
      '10:invalid-cron',
      '13:schema',
      '19:unknown-metric',
      '24:unknown-key',
      '25:unknown-source',
    ]);
    expect(r.diagnostics.find((d) => d.code === 'unknown-metric')!.hint).toBe(
      'did you mean "page_media_view"?',
    );
    expect(r.contracts.sources).toEqual([]);
  });
});
