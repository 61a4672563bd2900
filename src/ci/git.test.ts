import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRepo, runGit, writeFiles, type TestRepo } from '../../test/e2e/ci-fixture.js';
import { isUpwatchError } from '../core/errors.js';
import {
  defaultBaseRef,
  gitRoot,
  readContractsAtRef,
  readContractsInWorkingTree,
  repoRelative,
  requireCommit,
} from './git.js';

const repos: TestRepo[] = [];
function repo(...commits: Parameters<typeof createRepo>): TestRepo {
  const r = createRepo(...commits);
  repos.push(r);
  return r;
}
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

describe('git access', () => {
  it('reads the contract files at a ref, and the working tree with uncommitted edits', async () => {
    const r = repo(
      [
        {
          'contracts/a.yaml': 'a: 1\n',
          'contracts/sub/b.yml': 'b: 1\n',
          'contracts/notes.md': 'x',
          'other.yaml': 'o',
        },
      ],
      { branch: 'pr' },
    );
    writeFiles(r.root, { 'contracts/a.yaml': 'a: 2\n', 'contracts/c.yaml': 'c: 1\n' });
    const atMain = await readContractsAtRef(r.root, 'main', 'contracts');
    expect(atMain).toEqual([
      { path: 'contracts/a.yaml', text: 'a: 1\n' },
      { path: 'contracts/sub/b.yml', text: 'b: 1\n' },
    ]);
    const tree = await readContractsInWorkingTree(r.root, 'contracts');
    expect(tree.map((f) => [f.path, 'text' in f ? f.text : f.problem.code])).toEqual([
      ['contracts/a.yaml', 'a: 2\n'],
      ['contracts/c.yaml', 'c: 1\n'],
      ['contracts/sub/b.yml', 'b: 1\n'],
    ]);
  });

  it('gives an empty list when the directory does not exist at the base', async () => {
    const r = repo([{ 'README.md': 'x' }]);
    expect(await readContractsAtRef(r.root, 'main', 'contracts')).toEqual([]);
  });

  it('fails with GIT_FAILED and a hint for a ref that does not exist', async () => {
    const r = repo([{ 'contracts/a.yaml': 'a: 1\n' }]);
    const err: unknown = await readContractsAtRef(r.root, 'origin/nope', 'contracts').catch(
      (e: unknown) => e,
    );
    expect(isUpwatchError(err, 'GIT_FAILED')).toBe(true);
    expect((err as Error).message).toContain('"origin/nope" does not exist');
    expect((err as { hint: string }).hint).toContain('fetch-depth: 0');
    // Option-looking refs are refused, never passed to git as flags.
    await expect(requireCommit(r.root, '--output=/tmp/x', 'head')).rejects.toThrow(/does not exist/);
  });

  it('fails with GIT_FAILED when the directory is not a repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-norepo-'));
    try {
      const err: unknown = await gitRoot(dir).catch((e: unknown) => e);
      expect(isUpwatchError(err, 'GIT_FAILED')).toBe(true);
      expect((err as Error).message).toContain('not inside a git repository');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('defaults the base to origin/main, then main, else fails with a hint', async () => {
    const r = repo([{ 'a.yaml': 'a' }, { 'b.yaml': 'b' }], { branch: 'pr' });
    expect(await defaultBaseRef(r.root)).toBe('main');
    runGit(r.root, ['update-ref', 'refs/remotes/origin/main', r.commits[0]!]);
    expect(await defaultBaseRef(r.root)).toBe('origin/main');
    const lone = repo([{ 'a.yaml': 'a' }]);
    runGit(lone.root, ['branch', '-m', 'main', 'trunk']);
    await expect(defaultBaseRef(lone.root)).rejects.toMatchObject({ code: 'GIT_FAILED' });
  });

  it('maps a directory to a repo-relative path and refuses one outside the repo', () => {
    expect(repoRelative('/r', '/r/sub', '../contracts')).toBe('contracts');
    expect(repoRelative('/r', '/r', '.')).toBe('.');
    expect(() => repoRelative('/r', '/r', '../x')).toThrow(/outside the repository/);
  });

  it('reports a missing working-tree directory as CONTRACTS_NOT_FOUND', async () => {
    const r = repo([{ 'a.txt': 'a' }]);
    await expect(readContractsInWorkingTree(r.root, 'contracts')).rejects.toMatchObject({
      code: 'CONTRACTS_NOT_FOUND',
    });
  });
});

describe('contract files the loader cannot use', () => {
  it('reports a non-UTF-8 file and one over the size limit at a ref without reading the big one', async () => {
    const r = repo([
      {
        'contracts/latin1.yaml': Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]).toString(
          'latin1',
        ),
        'contracts/big.yaml': `# ${'x'.repeat(1024 * 1024 + 10)}\n`,
      },
    ]);
    writeFileSync(
      join(r.root, 'contracts/latin1.yaml'),
      Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]),
    );
    runGit(r.root, ['commit', '-q', '-am', 'latin1 bytes']);
    for (const files of [
      await readContractsAtRef(r.root, 'main', 'contracts'),
      await readContractsInWorkingTree(r.root, 'contracts'),
    ]) {
      expect(
        files.map((f) =>
          'problem' in f ? `${f.path} ${f.problem.code} ${f.problem.line}:${f.problem.col}` : f.path,
        ),
      ).toEqual(['contracts/big.yaml file-too-large 1:1', 'contracts/latin1.yaml not-utf8 1:7']);
    }
  });
});

describe('paths through symbolic links', () => {
  it('maps a directory reached through a symlinked working directory to the repo-relative path', () => {
    const r = repo([{ 'contracts/a.yaml': 'a: 1\n' }]);
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-link-'));
    try {
      const link = join(dir, 'checkout');
      symlinkSync(r.root, link);
      expect(repoRelative(r.root, link, 'contracts')).toBe('contracts');
      expect(repoRelative(r.root, link, 'not-yet/created')).toBe('not-yet/created');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
