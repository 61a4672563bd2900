import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFinding } from '../../src/core/finding.js';
import { openStore } from '../../src/store/store.js';
import { createRepo, runGit, writeFiles, type TestRepo } from './ci-fixture.js';
import { runCiCli, TODAY } from './ci-run.js';
import { BASE, FEATURES, META_SOURCE } from './ci-scenarios.js';

const NEW_FEATURE = `---
apiVersion: upwatch/v1
kind: Feature
name: views_28d
owners: [ranking-ml@example.com]
uses:
  - meta-page-insights/page_media_view
`;

let repo: TestRepo;
let scratch: string;
beforeAll(() => {
  repo = createRepo([BASE, { 'contracts/features.yaml': FEATURES + NEW_FEATURE }], { branch: 'pr' });
  scratch = mkdtempSync(join(tmpdir(), 'upwatch-ci-opts-'));
});
afterAll(() => {
  repo.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

async function frozenStore(path: string): Promise<void> {
  const store = openStore(path);
  await store.findings.insert({
    ...toFinding(
      {
        rule: 'frozen-run',
        class: 'frozen',
        severity: 'block',
        source: 'meta-page-insights',
        metric: 'page_media_view',
        entities: ['104100000000001'],
        onset: '2026-11-08',
        evidence: { runLength: 12 },
        explanation: 'page_media_view repeated 1,204 for 12 days on 1 of 2 pages (p = 3e-9)',
      },
      TODAY,
    ),
    episode: 1,
    status: 'open',
    firstSeen: TODAY,
    lastSeen: TODAY,
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
  });
  await store.close();
}

describe('upwatch ci could not run: exit 2', () => {
  it.each([
    ['an unknown format', ['--format', 'xml']],
    ['an unknown fail-on level', ['--fail-on', 'sometimes']],
    ['an unknown flag', ['--bogus']],
    ['a base ref that does not exist', ['--base', 'origin/nope']],
    ['a head ref that does not exist', ['--base', 'main', '--head', 'nope']],
    ['a contracts directory missing at head', ['--base', 'main', '--contracts', 'nowhere']],
  ])('%s', async (_name, args) => {
    const run = await runCiCli(repo.root, args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toBe('');
  });

  it('outside a git repository, with a hint', async () => {
    const run = await runCiCli(scratch, ['--base', 'main']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not inside a git repository [GIT_FAILED]');
    expect(run.stderr).toContain('hint:');
  });

  it('names the missing base ref and how to fetch it, as an annotation under --format github', async () => {
    const run = await runCiCli(repo.root, ['--base', 'origin/main', '--format', 'github']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /^::error title=upwatch ci could not run::base ref "origin\/main" does not exist/,
    );
    expect(run.stderr).toContain('fetch-depth: 0');
  });

  it('defaults the base to main when origin/main does not exist', async () => {
    const run = await runCiCli(repo.root, []);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('upwatch ci: main (');
  });
});

describe('upwatch ci options', () => {
  it('checks --head REF instead of the working tree', async () => {
    const dirty = createRepo([BASE, { 'contracts/features.yaml': FEATURES + NEW_FEATURE }], { branch: 'pr' });
    try {
      writeFiles(dirty.root, {
        'contracts/features.yaml': FEATURES + NEW_FEATURE.replace('page_media_view', 'page_fans'),
      });
      expect((await runCiCli(dirty.root, ['--base', 'main'])).code).toBe(1);
      const atHead = await runCiCli(dirty.root, ['--base', 'main', '--head', 'pr', '--format', 'json']);
      expect(atHead.code).toBe(0);
      expect(JSON.parse(atHead.stdout).head).toMatchObject({ ref: 'pr', worktree: false });
    } finally {
      dirty.cleanup();
    }
  });

  it('writes --output FILE in the chosen format and prints text to stdout', async () => {
    const out = join(scratch, 'reports', 'upwatch.sarif');
    const run = await runCiCli(repo.root, ['--base', 'main', '--format', 'sarif', '--output', out]);
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
    expect(run.stdout).toContain('upwatch ci passed');
  });

  it('appends a markdown step summary when GITHUB_STEP_SUMMARY is set', async () => {
    const summary = join(scratch, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const run = await runCiCli(repo.root, ['--base', 'main', '--format', 'github'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(run.code).toBe(0);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## upwatch ci\n')).toBe(true);
    expect(md).toMatch(/\*\*🟢 passed\*\* \| \d+ checks \| \d+ passed \| 0 failed/);
    expect(md).toContain('| ⚪ info | `upwatch/feature-added` | `contracts/features.yaml:9:1` |');
  });

  it('reads current health from a store (--db, read-only) and fails a feature on a frozen metric', async () => {
    const db = join(scratch, 'frozen.db');
    await frozenStore(db);
    const run = await runCiCli(repo.root, ['--base', 'main', '--db', db, '--require-health']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^contracts\/features\.yaml:14:5 {2}error {2}feature views_28d uses meta-page-insights\/page_media_view: page_media_view repeated 1,204 for 12 days .*\(store: block finding frozen-run\) {2}\[upwatch\/metric-frozen\]$/m,
    );
    expect(run.stdout).toContain(`health: store ${db}`);
  });

  it('reads the store from UPWATCH_DB', async () => {
    const db = join(scratch, 'frozen-env.db');
    await frozenStore(db);
    expect((await runCiCli(repo.root, ['--base', 'main'], { UPWATCH_DB: db })).code).toBe(1);
  });

  it('falls back from an unreachable store to the status file, then to knowledge (exit 3 with --require-health)', async () => {
    const missing = join(scratch, 'missing.db');
    const unverified = await runCiCli(repo.root, [
      '--base',
      'main',
      '--db',
      missing,
      '--require-health',
      '--format',
      'json',
    ]);
    expect(unverified.code).toBe(3);
    const result = JSON.parse(unverified.stdout);
    expect(result.verdict).toBe('unverified');
    expect(result.health).toMatchObject({ origin: 'knowledge', verified: false, required: true });
    expect(result.health.detail).toContain('store unavailable');

    const statusDir = join(scratch, 'status');
    mkdirSync(statusDir, { recursive: true });
    const status = join(statusDir, 'status.json');
    writeFileSync(
      status,
      JSON.stringify({
        schemaVersion: 1,
        generatedAt: '2026-11-20T07:10:00.000Z',
        allowed: true,
        counts: { ok: 1, warn: 0, blocked: 0 },
        features: [
          {
            feature: 'engagement_per_view_7d',
            owners: [],
            state: 'ok',
            findingsState: 'ok',
            reasons: [],
            unverified: [],
          },
        ],
      }),
    );
    const verified = await runCiCli(repo.root, [
      '--base',
      'main',
      '--db',
      missing,
      '--status-file',
      status,
      '--require-health',
    ]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('health: status file');
  });

  it('reads snapshots/status.json committed at head by default and fails on a rescaled metric there', async () => {
    const withStatus = createRepo(
      [
        BASE,
        {
          'contracts/features.yaml': FEATURES + NEW_FEATURE,
          'snapshots/status.json': JSON.stringify({
            schemaVersion: 1,
            generatedAt: '2026-11-20T07:10:00.000Z',
            allowed: false,
            counts: { ok: 0, warn: 0, blocked: 1 },
            features: [
              {
                feature: 'engagement_per_view_7d',
                owners: [],
                state: 'blocked',
                findingsState: 'blocked',
                unverified: [],
                reasons: [
                  {
                    fingerprint: '0123456789abcdef',
                    rule: 'unit-scale',
                    severity: 'block',
                    source: 'meta-page-insights',
                    metric: 'page_media_view',
                    explanation:
                      'page_media_view jumped ×100 on 2026-11-17 on 2 of 2 pages (fraction → percent)',
                    status: 'open',
                    effect: 'block',
                  },
                ],
              },
            ],
          }),
        },
      ],
      { branch: 'pr' },
    );
    try {
      const run = await runCiCli(withStatus.root, ['--base', 'main', '--require-health', '--format', 'json']);
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as { health: unknown; issues: { rule: string }[] };
      expect(result.health).toMatchObject({ origin: 'status-file', verified: true });
      expect(result.issues.find((i) => i.rule === 'upwatch/metric-rescaled')).toMatchObject({
        severity: 'block',
        feature: 'views_28d',
        findingFingerprint: '0123456789abcdef',
      });
    } finally {
      withStatus.cleanup();
    }
  });

  it('says how old a status file is when it is a week old or more', async () => {
    const status = join(scratch, 'old-status.json');
    writeFileSync(
      status,
      JSON.stringify({
        schemaVersion: 1,
        generatedAt: '2026-11-01T07:00:00.000Z',
        allowed: true,
        counts: {},
        features: [],
      }),
    );
    const run = await runCiCli(repo.root, ['--base', 'main', '--status-file', status, '--require-health']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(generated 2026-11-01T07:00:00.000Z); 19 days old');
  });

  it('runs from a subdirectory with repo-relative paths', async () => {
    const sub = join(repo.root, 'contracts');
    const run = await runCiCli(sub, ['--base', 'main', '--contracts', '.', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).contractsDir).toBe('contracts');
  });

  it('reads a base that predates the contracts directory (the first pull request)', async () => {
    const first = createRepo([{ 'README.md': 'x' }, BASE], { branch: 'pr' });
    try {
      const run = await runCiCli(first.root, ['--base', 'main', '--format', 'json']);
      expect(run.code).toBe(0);
      const rules = (JSON.parse(run.stdout) as { issues: { rule: string }[] }).issues.map((i) => i.rule);
      expect(rules).toContain('upwatch/source-added');
      expect(rules).toContain('upwatch/feature-added');
    } finally {
      first.cleanup();
    }
  });

  it('compares with the merge base, so commits that landed on main after branching are not read as reverted', async () => {
    const r = createRepo([BASE, { 'contracts/features.yaml': FEATURES.replace('ranking-ml', 'feed-ml') }], {
      branch: 'pr',
    });
    try {
      // main moves on: page_media_view becomes a ratio there; the pull request branched before that.
      runGit(r.root, ['checkout', '-q', 'main']);
      writeFiles(r.root, {
        'contracts/meta-page-insights.yaml': META_SOURCE.replace(
          'page_media_view\n    period: day\n    kind: count',
          'page_media_view\n    period: day\n    kind: ratio',
        ),
      });
      runGit(r.root, ['commit', '-q', '-am', 'main moves on']);
      runGit(r.root, ['checkout', '-q', 'pr']);
      const run = await runCiCli(r.root, ['--base', 'main', '--format', 'json']);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as { base: { commit: string; mergeBase: boolean } };
      expect(result.base).toMatchObject({ commit: r.commits[0], mergeBase: true });
    } finally {
      r.cleanup();
    }
  });

  it('uses origin/main as the default base when it exists', async () => {
    const r = createRepo([BASE, { 'contracts/features.yaml': FEATURES.replace('ranking-ml', 'feed-ml') }], {
      branch: 'pr',
    });
    try {
      runGit(r.root, ['update-ref', 'refs/remotes/origin/main', r.commits[0]!]);
      const run = await runCiCli(r.root, ['--format', 'json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).base.ref).toBe('origin/main');
    } finally {
      r.cleanup();
    }
  });
});

describe('contract files the loader cannot use', () => {
  it('fails a head contract file that is not UTF-8, at the first bad byte', async () => {
    const r = createRepo([BASE, {}], { branch: 'pr' });
    try {
      writeFileSync(join(r.root, 'contracts', 'notes.yaml'), Buffer.from('# caf\u00e9\n', 'latin1'));
      const run = await runCiCli(r.root, ['--base', 'main']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /^contracts\/notes\.yaml:1:6 {2}error {2}file is not UTF-8 .*\[upwatch\/contract-invalid\]$/m,
      );
    } finally {
      r.cleanup();
    }
  });
});

describe('META_SOURCE fixture', () => {
  it('is valid on its own (the scenarios start from a clean base)', async () => {
    const clean = createRepo([BASE, {}], { branch: 'pr' });
    try {
      const run = await runCiCli(clean.root, ['--base', 'main', '--format', 'json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).counts.block).toBe(0);
      expect(META_SOURCE).toContain('v24.0');
    } finally {
      clean.cleanup();
    }
  });
});
