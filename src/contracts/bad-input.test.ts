import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/diagnostic.js';
import { MAX_CONTRACT_FILE_BYTES } from './files.js';
import { FIXED_NOW } from '../../test/helpers/fixed-clock.js';
import { hasErrors, loadContractTexts as loadTexts, loadContracts as loadDir } from './load.js';

// Loading runs the contract rules, and the fixtures pin Graph API v24.0: load on the fixed clock so its end of
// life (2028-02-18) never shows up as a diagnostic.
const NOW = new Date(FIXED_NOW);
const loadContracts = (...[dir, options]: Parameters<typeof loadDir>) =>
  loadDir(dir, { now: NOW, ...options });
const loadContractTexts = (...[files, options]: Parameters<typeof loadTexts>) =>
  loadTexts(files, { now: NOW, ...options });

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/contracts');
const env = () => 'set';

/** Load a fixture folder; return its errors formatted, each one line plus a hint line. */
async function errorsIn(fixture: string): Promise<string[]> {
  const r = await loadContracts(fixture, { root: FIXTURES, env });
  return r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

describe('bad input: one located error with a hint each, never a throw', () => {
  it.each([
    [
      'yaml-syntax-error',
      'yaml-syntax-error/source.yaml:5:1  error  YAML: flow sequence in block collection must be sufficiently indented and end with a ]  [yaml-syntax]',
      'a "[" or "{" opened above is not closed (or this line is not indented enough)',
    ],
    [
      'tab-indentation',
      'tab-indentation/feature.yaml:5:1  error  YAML: tabs are not allowed as indentation  [yaml-tab]',
      'YAML indents with spaces only: replace the tab with spaces',
    ],
    [
      'wrong-type-schedule',
      'wrong-type-schedule/contracts.yaml:11:11  error  schedule must be a string (got number 5)  [schema]',
      'a cron expression in quotes, e.g. schedule: "0 7 * * *" (07:00 every day)',
    ],
    [
      'unknown-key-near-miss',
      'unknown-key-near-miss/contracts.yaml:16:1  error  unknown key "metircs" in Source "meta-page-insights"  [unknown-key]',
      'did you mean "metrics"?',
    ],
    [
      'duplicate-source-names',
      'duplicate-source-names/b.yaml:3:7  error  source "meta-page-insights" is declared twice (first at duplicate-source-names/a.yaml:3:7)  [duplicate-name]',
      'rename one of them or remove the copy; source names must be unique',
    ],
    [
      'invalid-cron',
      'invalid-cron/contracts.yaml:11:11  error  schedule "0 25 * * *" is not a valid cron expression: hour "25" is out of range (0-23)  [invalid-cron]',
      'five fields: minute hour day-of-month month day-of-week, e.g. "0 7 * * *" = 07:00 every day',
    ],
    [
      'alias-bomb',
      'alias-bomb/bomb.yaml:2:1  error  YAML: aliases expand beyond 100 nodes; refusing the document (possible "billion laughs" bomb)  [yaml-alias-limit]',
      'write the values out instead of nesting aliases (*name) of aliases',
    ],
    [
      'empty-file',
      'empty-file/empty.yaml:1:1  error  file is empty  [empty-file]',
      'write a Source or Feature contract here (apiVersion: upwatch/v1, kind: Source …), or delete the file',
    ],
    [
      'not-utf8',
      'not-utf8/latin1.yaml:3:10  error  file is not UTF-8 (invalid byte 0xe9)  [not-utf8]',
      'save the file as UTF-8 (most editors: "Save with encoding" → UTF-8)',
    ],
    [
      'no-contracts',
      'no-contracts/:1:1  error  no contract files (*.yaml, *.yml) in this directory or below it  [no-contracts]',
      'add a Source contract (copy one from the README or docs/contracts.md), or pass --contracts DIR',
    ],
  ])('%s', { timeout: 5_000 }, async (fixture, line, hint) => {
    expect(await errorsIn(fixture)).toEqual([`${line}\n  hint: ${hint}`]);
  });

  it('a feature using meta-page-insights/page_engaged_userz gets a did-you-mean over the declared metrics', async () => {
    const errors = await errorsIn('feature-uses-unknown-metric');
    expect(errors).toContain(
      'feature-uses-unknown-metric/contracts.yaml:27:50  error  feature "engagement_per_view_7d" uses "meta-page-insights/page_engaged_userz" but source "meta-page-insights" declares no metric "page_engaged_userz"  [unknown-metric]\n' +
        '  hint: did you mean "page_engaged_users"?',
    );
  });

  it('the valid fixtures have no errors', async () => {
    for (const f of ['minimal-valid', 'http-json-valid']) expect(await errorsIn(f)).toEqual([]);
  });
});

describe('files over the size cap', () => {
  const big = (): string => {
    const doc = readFileSync(join(FIXTURES, 'minimal-valid/contracts.yaml'), 'utf8');
    let text = '';
    for (let i = 0; text.length < 5 * 1024 * 1024; i++)
      text += `${doc.replaceAll('meta-page-insights', `s${i}`)}---\n`;
    return text;
  };

  it('refuses a 5 MB file on disk without reading it, and still loads the other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-big-'));
    writeFileSync(join(dir, 'big.yaml'), big());
    writeFileSync(join(dir, 'ok.yaml'), readFileSync(join(FIXTURES, 'minimal-valid/contracts.yaml')));
    const r = await loadContracts(dir, { root: dir, env });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'big.yaml:1:1  error  file is 5.0 MiB, over the 1.0 MiB limit for a contract file; not read  [file-too-large]\n' +
        '  hint: split the contracts into several files (one per source is usual), or move generated data out of contracts/',
    ]);
    expect(r.contracts.sources.map((s) => s.name)).toEqual(['meta-page-insights']);
  });

  it('refuses a text over the cap in loadContractTexts too', () => {
    const r = loadContractTexts([{ path: 'big.yaml', text: big() }]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(MAX_CONTRACT_FILE_BYTES).toBe(1024 * 1024);
  });
});

describe('encodings', () => {
  it('reads UTF-8 with a BOM, refuses UTF-16', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-enc-'));
    const text = readFileSync(join(FIXTURES, 'minimal-valid/contracts.yaml'), 'utf8');
    writeFileSync(join(dir, 'bom.yaml'), `\uFEFF${text}`);
    expect((await loadContracts(dir, { root: dir, env })).diagnostics).toEqual([]);
    writeFileSync(
      join(dir, 'bom.yaml'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    const r = await loadContracts(dir, { root: dir, env });
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'not-utf8 file is not UTF-8 (it looks like UTF-16)',
    ]);
    expect(hasErrors(r.diagnostics)).toBe(true);
  });

  it('reports every mistake of a file at once', () => {
    const text = readFileSync(join(FIXTURES, 'minimal-valid/contracts.yaml'), 'utf8')
      .replace('schedule: "0 7 * * *"', 'schedule: 5')
      .replace('kind: count', 'kind: rate')
      .replace('owners: [ranking-ml@example.com]', 'owners: [ranking-ml]');
    const r = loadContractTexts([{ path: 'c.yaml', text }]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toEqual([11, 19, 24]);
  });
});
