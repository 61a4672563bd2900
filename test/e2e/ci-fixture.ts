// Real git repositories in temp folders for the `upwatch ci` tests: built from object literals, one commit each.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Files of one commit: path → content, or null to delete the file. */
export type CommitFiles = Record<string, string | null>;

const IDENTITY = [
  '-c',
  'user.name=upwatch test',
  '-c',
  'user.email=test@upwatch.invalid',
  '-c',
  'commit.gpgsign=false',
];

/** Run git in `cwd` with a per-repo identity, so no global config is needed. */
export function runGit(cwd: string, args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Write (or delete) files under `root`. */
export function writeFiles(root: string, files: CommitFiles): void {
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, path);
    if (text === null) rmSync(abs, { force: true });
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
}

export interface TestRepo {
  root: string;
  /** Commit ids, in order. */
  commits: string[];
  cleanup(): void;
}

/**
 * Create a repository on branch `main` with one commit per entry. The first commit is the base of a pull request;
 * later entries are committed on branch `pr` when `branch` is set, else on main.
 */
export function createRepo(commits: CommitFiles[], options: { branch?: string } = {}): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'upwatch-ci-'));
  runGit(root, ['-c', 'init.defaultBranch=main', 'init', '-q']);
  const ids: string[] = [];
  commits.forEach((files, i) => {
    if (i === 1 && options.branch) runGit(root, ['checkout', '-q', '-b', options.branch]);
    writeFiles(root, files);
    runGit(root, ['add', '-A']);
    runGit(root, ['commit', '-q', '--allow-empty', '-m', `commit ${i + 1}`]);
    ids.push(runGit(root, ['rev-parse', 'HEAD']).trim());
  });
  return { root, commits: ids, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
