// Git access for `upwatch ci`: the repository root, refs, and the contract files at a ref or in the working tree.
import { execFile, spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { UpwatchError } from '../core/errors.js';
import {
  MAX_CONTRACT_FILE_BYTES,
  decodeContract,
  findContractFiles,
  readContractFile,
  tooLargeDiagnostic,
} from '../contracts/files.js';

/**
 * A contract file read for `upwatch ci`, its path relative to the repository root with `/` separators: its text, or
 * the diagnostic saying why it cannot be used (over the size limit, not UTF-8), exactly as the loader reports them.
 */
export type ContractFileRead = { path: string; text: string } | { path: string; problem: Diagnostic };

const CONTRACT_FILE = /\.ya?ml$/i;
const MAX_OUTPUT = 64 * 1024 * 1024;

/** Run git without a shell; resolve stdout, or reject with the exit code and stderr. */
function git(cwd: string, args: string[]): Promise<string> {
  return gitBytes(cwd, args).then((b) => b.toString('utf8'));
}

/** Run git without a shell; resolve stdout as bytes. */
function gitBytes(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        maxBuffer: MAX_OUTPUT,
        encoding: 'buffer',
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (error) {
          const e = error as NodeJS.ErrnoException & { code?: string | number };
          if (e.code === 'ENOENT') {
            reject(
              new UpwatchError('GIT_FAILED', 'git is not installed or not on PATH', {
                hint: 'install git (apt-get install git) and run upwatch ci again',
                cause: error,
              }),
            );
            return;
          }
          reject(
            new GitCommandError(args, typeof e.code === 'number' ? e.code : -1, String(stderr).trim(), error),
          );
          return;
        }
        resolvePromise(stdout);
      },
    );
  });
}

/** A git command that exited non-zero (internal; turned into an UpwatchError by the callers). */
class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number,
    readonly stderr: string,
    cause: unknown,
  ) {
    super(`git ${args[0] ?? ''} failed (exit ${exitCode}): ${stderr.split('\n')[0] ?? ''}`, { cause });
  }
}

/**
 * The root of the git work tree containing `cwd`.
 *
 * @example
 * const root = await gitRoot(process.cwd()); // '/home/me/project'
 */
export async function gitRoot(cwd: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch (e) {
    if (e instanceof UpwatchError) throw e;
    throw new UpwatchError('GIT_FAILED', `${cwd} is not inside a git repository`, {
      hint: 'run upwatch ci from a git checkout (in GitHub Actions: actions/checkout with fetch-depth: 0)',
      cause: e,
    });
  }
}

/** The commit a ref points at, or undefined when the ref does not exist. */
export async function resolveCommit(root: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  try {
    return (
      await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
    ).trim();
  } catch (e) {
    if (e instanceof GitCommandError) return undefined;
    throw e;
  }
}

/** Resolve a ref the user named, or fail with GIT_FAILED and a hint to fetch it. */
export async function requireCommit(root: string, ref: string, what: 'base' | 'head'): Promise<string> {
  const sha = await resolveCommit(root, ref);
  if (sha === undefined) {
    throw new UpwatchError('GIT_FAILED', `${what} ref "${ref}" does not exist in ${root}`, {
      hint:
        what === 'base'
          ? `fetch it first (git fetch origin ${ref.replace(/^origin\//, '')}); in GitHub Actions use actions/checkout with fetch-depth: 0, or pass --base with an existing ref`
          : `check the ref name, or omit --head to check the working tree`,
      details: { ref },
    });
  }
  return sha;
}

/**
 * The best common ancestor of two commits, or undefined when there is none in the local history (e.g. a shallow
 * clone). Comparing with it keeps commits that landed on the base branch after the pull request branched off out of
 * the diff.
 *
 * @example
 * await mergeBase(root, baseSha, 'HEAD') // '9f2c…'
 */
export async function mergeBase(root: string, a: string, b: string): Promise<string | undefined> {
  try {
    const out = (await git(root, ['merge-base', '--end-of-options', a, b])).trim();
    return out === '' ? undefined : out;
  } catch (e) {
    if (e instanceof GitCommandError) return undefined;
    throw e;
  }
}

/**
 * The default base ref: `origin/main` when it exists, else `main`.
 *
 * @example
 * await defaultBaseRef(root) // 'origin/main'
 */
export async function defaultBaseRef(root: string): Promise<string> {
  for (const ref of ['origin/main', 'main']) {
    if ((await resolveCommit(root, ref)) !== undefined) return ref;
  }
  throw new UpwatchError('GIT_FAILED', `no base ref: neither origin/main nor main exists in ${root}`, {
    hint: 'pass --base REF (e.g. --base origin/${{ github.base_ref }}), or fetch the main branch: git fetch origin main',
  });
}

/** A directory as a path relative to the repository root with `/` separators (`.` for the root). */
export function repoRelative(root: string, cwd: string, dir: string): string {
  const rel = relative(real(root), real(resolve(cwd, dir)));
  if (rel === '') return '.';
  if (rel.startsWith('..')) {
    throw new UpwatchError('USAGE', `contracts directory ${dir} is outside the repository ${root}`, {
      hint: 'pass --contracts with a directory inside the checkout',
    });
  }
  return rel.split(sep).join('/');
}

/** The real path of `p`, resolving symbolic links in its longest existing prefix (git prints real paths). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = dirname(p);
    return parent === p ? p : join(real(parent), basename(p));
  }
}

/**
 * Every contract file under `dir` (repo-relative) at a git ref, listed with `git ls-tree` (with sizes, so a file over
 * the limit is never read) and read with `git show`. A directory absent at the ref gives an empty list (a pull
 * request may add the first contracts). Symbolic links at a ref are skipped.
 *
 * @example
 * const files = await readContractsAtRef(root, 'origin/main', 'contracts');
 */
export async function readContractsAtRef(
  root: string,
  ref: string,
  dir: string,
  role: 'base' | 'head' = 'base',
): Promise<ContractFileRead[]> {
  const commit = await requireCommit(root, ref, role);
  let listing: string;
  try {
    listing = await git(root, ['ls-tree', '-r', '-l', '-z', commit, '--', dir]);
  } catch (e) {
    throw wrap(e, `cannot list ${dir} at ${ref}`);
  }
  const entries = listing
    .split('\0')
    .map((line) => /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.*)$/s.exec(line))
    .filter(
      (m): m is RegExpExecArray =>
        m !== null && m[2] === 'blob' && m[1] !== '120000' && CONTRACT_FILE.test(m[5]!),
    )
    .map((m) => ({ path: m[5]!, oid: m[3]!, size: Number(m[4]) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const readable = entries.filter((e) => e.size <= MAX_CONTRACT_FILE_BYTES);
  let blobs: Map<string, Buffer>;
  try {
    blobs = await readBlobs(
      root,
      readable.map((e) => e.oid),
    );
  } catch (e) {
    throw wrap(e, `cannot read the contract files at ${ref}`);
  }
  const files: ContractFileRead[] = [];
  for (const { path, oid, size } of entries) {
    const bytes = blobs.get(oid);
    if (size > MAX_CONTRACT_FILE_BYTES || bytes === undefined) {
      files.push({ path, problem: tooLargeDiagnostic(path, size) });
      continue;
    }
    const read = decodeContract(path, bytes);
    files.push(read.ok ? { path, text: read.text } : { path, problem: read.diagnostic });
  }
  return files;
}

/**
 * Every contract file under `dir` (repo-relative) in the working tree, including uncommitted edits, found and read
 * as the contract loader does (hidden entries and node_modules skipped, size limit, strict UTF-8).
 */
export async function readContractsInWorkingTree(root: string, dir: string): Promise<ContractFileRead[]> {
  let paths: string[];
  try {
    paths = await findContractFiles(join(root, dir));
  } catch (e) {
    throw new UpwatchError(
      'CONTRACTS_NOT_FOUND',
      `contracts directory ${dir} does not exist in the working tree`,
      {
        hint: 'pass --contracts DIR (default: contracts)',
        cause: e,
      },
    );
  }
  const files: ContractFileRead[] = [];
  for (const abs of paths) {
    const path = relative(root, abs).split(sep).join('/');
    const read = await readContractFile(abs, path);
    files.push(read.ok ? { path, text: read.text } : { path, problem: read.diagnostic });
  }
  return files;
}

/** Read blobs by object id with one `git cat-file --batch` process (one `git show` per file is ~5 ms each). */
function readBlobs(root: string, oids: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (oids.length === 0) return Promise.resolve(out);
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: root,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (e) => reject(new GitCommandError(['cat-file'], -1, String(e), e)));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new GitCommandError(['cat-file'], code ?? -1, stderr.trim(), undefined));
        return;
      }
      const all = Buffer.concat(chunks);
      let at = 0;
      while (at < all.length) {
        const nl = all.indexOf(0x0a, at);
        if (nl < 0) break;
        const [oid, type, size] = all.subarray(at, nl).toString('utf8').split(' ');
        at = nl + 1;
        if (type === 'missing' || size === undefined || oid === undefined) continue;
        const n = Number(size);
        out.set(oid, all.subarray(at, at + n));
        at += n + 1;
      }
      resolvePromise(out);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(oids.join('\n') + '\n');
  });
}

/** Read one file at a ref, or undefined when it does not exist there. */
export async function readFileAtRef(root: string, commit: string, path: string): Promise<string | undefined> {
  try {
    return await git(root, ['show', `${commit}:${path}`]);
  } catch (e) {
    if (e instanceof GitCommandError) return undefined;
    throw e;
  }
}

function wrap(e: unknown, what: string): UpwatchError {
  if (e instanceof UpwatchError) return e;
  const detail = e instanceof GitCommandError ? e.stderr.split('\n')[0] : String(e);
  return new UpwatchError('GIT_FAILED', `${what}: ${detail}`, {
    hint: 'check that the repository is not shallow (fetch-depth: 0) and that the ref exists',
    cause: e,
  });
}
