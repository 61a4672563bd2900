import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadContracts } from '../contracts/load.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { scaffoldFiles, writeScaffold } from './scaffold.js';
import { SANDBOX_URL, sandboxGraphVersion } from './templates.js';

const NOW = new Date('2026-12-07T10:00:00Z');

describe('scaffoldFiles', () => {
  it('writes contracts that load without a diagnostic (the token variable set)', async () => {
    const dir = tempDir('upwatch-init-');
    const out = writeScaffold(dir, scaffoldFiles(NOW), { force: false });
    expect(out.map((o) => [o.path, o.action])).toEqual([
      ['contracts/meta-page-insights.yaml', 'written'],
      ['contracts/features.yaml', 'written'],
      ['.gitignore', 'written'],
      ['.github/workflows/upwatch.yml', 'written'],
    ]);
    const { contracts, diagnostics } = await loadContracts('contracts', {
      root: dir,
      env: (name) => (name === 'SIM_META_TOKEN' ? 't' : undefined),
      now: NOW,
    });
    expect(diagnostics).toEqual([]);
    expect(contracts.sources.map((s) => s.name)).toEqual(['meta-page-insights']);
    expect(contracts.features.map((f) => f.name).sort()).toEqual([
      'engagement_per_view_7d',
      'video_watch_rate_14d',
    ]);
  });

  it('points at the sandbox, with the real Meta lines commented beside, and the schema for editors', () => {
    const source = scaffoldFiles(NOW)[0]!.text;
    expect(source.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../node_modules/upwatch/schema/contract.schema.json',
    );
    expect(source).toContain(`baseUrl: ${SANDBOX_URL}\n  # baseUrl: https://graph.facebook.com`);
    expect(source).toContain('# accessToken: ${META_PAGE_TOKEN}');
    expect(source).toContain('apiVersion: v26.0');
  });

  it('writes a workflow and a .gitignore that parse as YAML and name the store', () => {
    const files = scaffoldFiles(NOW);
    const workflow = files.find((f) => f.path === '.github/workflows/upwatch.yml')!.text;
    const doc = parseAllDocuments(workflow)[0]!.toJS() as {
      on: unknown;
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    expect(doc.on).toMatchObject({ pull_request: { paths: ['contracts/**', 'snapshots/status.json'] } });
    expect(doc.jobs['upwatch-ci']!.steps.some((s) => s.run?.startsWith('npx upwatch ci --base'))).toBe(true);
    expect(files.find((f) => f.path === '.gitignore')!.text).toMatch(/^\.upwatch\/$/m);
  });
});

describe('writeScaffold', () => {
  it('never overwrites a file without force, and adds only the missing .gitignore lines', () => {
    const dir = tempDir('upwatch-init-');
    mkdirSync(join(dir, 'contracts'));
    writeFileSync(join(dir, 'contracts', 'features.yaml'), 'mine\n');
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.upwatch/');
    const out = writeScaffold(dir, scaffoldFiles(NOW), { force: false });
    expect(Object.fromEntries(out.map((o) => [o.path, o.action]))).toMatchObject({
      'contracts/features.yaml': 'skipped',
      '.gitignore': 'appended',
      'contracts/meta-page-insights.yaml': 'written',
    });
    expect(readFileSync(join(dir, 'contracts', 'features.yaml'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(
      'node_modules/\n.upwatch/\nupwatch-report.html\n',
    );
    const again = writeScaffold(dir, scaffoldFiles(NOW), { force: false });
    expect(new Set(again.map((o) => o.action))).toEqual(new Set(['skipped', 'unchanged']));
    const forced = writeScaffold(dir, scaffoldFiles(NOW), { force: true });
    expect(new Set(forced.map((o) => o.action))).toEqual(new Set(['overwritten']));
    expect(readFileSync(join(dir, 'contracts', 'features.yaml'), 'utf8')).toContain('kind: Feature');
  });
});

describe('sandboxGraphVersion', () => {
  it.each([
    ['2026-12-07', 'v26.0'],
    ['2026-04-01', 'v24.0'], // v25.0 (released 2026-02-18) is younger than the sandbox's first day
    ['2025-12-01', 'v23.0'],
  ])('on %s pins %s', (day, version) => {
    expect(sandboxGraphVersion(new Date(`${day}T00:00:00Z`))).toBe(version);
  });
});
