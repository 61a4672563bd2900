// The published package: pack the working tree, install the tarball into an empty project, and use it as a user would.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { REPO } from '../helpers/cli.js';

const MINUTE = 60_000;
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion; never rejects, so a failure message can show everything it printed. */
function run(
  cmd: string,
  args: string[],
  cwd: string,
  options: { env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env: options.env ?? process.env, timeout: options.timeout ?? 5 * MINUTE, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr });
      },
    );
  });
}

/** What to show when a command did not do what the test expected. */
function explain(what: string, r: Run): string {
  return `${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** Fail with the command's whole output unless it exited with `code`. */
function expectExit(what: string, r: Run, code: number): void {
  if (r.code !== code) expect.fail(explain(what, r));
}

/**
 * Offer better-sqlite3's install script the binary the checkout already compiled, as a local prebuild, so the
 * install does not compile it again (minutes of CPU) when the versions match; when they do not, or `tar` fails,
 * the install compiles from source as it would for a user. Returns the environment that points at it.
 */
async function localSqlitePrebuild(tmp: string): Promise<Record<string, string>> {
  const dir = join(REPO, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const prebuilds = join(tmp, 'prebuilds');
  mkdirSync(prebuilds);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const tar = await run('tar', ['czf', join(prebuilds, name), 'build/Release/better_sqlite3.node'], dir);
  return tar.code === 0 ? { npm_config_better_sqlite3_local_prebuilds: prebuilds } : {};
}

// Slow on purpose (a minute or two, several when better-sqlite3 must be compiled): `npm pack` runs the TypeScript
// build through `prepack`, and `npm install` of the tarball fetches the runtime dependencies and builds
// better-sqlite3's native module, whose prebuilt binaries cannot be downloaded here. Everything happens in
// temporary folders; the working tree's own dist/ is never touched, so the tests that spawn bin/upwatch.js from
// the checkout cannot see a half-written build.
describe('the npm package, installed from its tarball', () => {
  let tmp = '';
  let project = '';
  let files: string[] = [];
  // `--no`: never fetch an `upwatch` from the registry in place of the installed one; `--`: the rest is upwatch's.
  const npx = (args: string[], env?: NodeJS.ProcessEnv) =>
    run('npx', ['--no', '--', 'upwatch', ...args], project, { env: env ?? process.env, timeout: 3 * MINUTE });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'upwatch-package-'));
    const tree = join(tmp, 'tree');
    project = join(tmp, 'project');
    const packed = join(tmp, 'packed');
    // A copy of the working tree (uncommitted edits included) without its build, dependencies or git data.
    const skip = new Set(['.git', 'node_modules', 'dist', 'coverage', '.upwatch', 'bench/results']);
    cpSync(REPO, tree, {
      recursive: true,
      filter: (src) => !skip.has(relative(REPO, src).split(sep).join('/')),
    });
    symlinkSync(join(REPO, 'node_modules'), join(tree, 'node_modules'), 'dir');

    mkdirSync(packed);
    const pack = await run('npm', ['pack', '--json', '--pack-destination', packed], tree, {
      timeout: 10 * MINUTE,
    });
    expectExit('npm pack', pack, 0);
    const tgz = readdirSync(packed).filter((f) => f.endsWith('.tgz'));
    if (tgz.length !== 1)
      expect.fail(`npm pack wrote ${tgz.join(', ') || 'no tarball'}\n${explain('npm pack', pack)}`);
    const tarball = join(packed, tgz[0]!);
    try {
      files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    } catch {
      expect.fail(`npm pack --json printed no file list\n${explain('npm pack', pack)}`);
    }

    mkdirSync(project);
    const init = await run('npm', ['init', '-y'], project);
    expectExit('npm init -y', init, 0);
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    // better-sqlite3's install script builds its native module; allow it explicitly, as a user's project would.
    Object.assign(manifest, { type: 'module', allowScripts: { 'better-sqlite3': true } });
    writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    const install = ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'];
    const installed = await run('npm', install, project, {
      env: { ...process.env, ...(await localSqlitePrebuild(tmp)) },
      timeout: 20 * MINUTE,
    });
    expectExit(`npm ${install.join(' ')}`, installed, 0);
  }, 30 * MINUTE);

  it('ships the build, the schema, the docs and the licence, and nothing test-only or unmapped', () => {
    for (const f of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/upwatch.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/sim/contracts/meta-2024/features.yaml',
      'schema/contract.schema.json',
      'docs/contracts.md',
    ])
      expect(files, f).toContain(f);
    const stray = files.filter(
      (f) =>
        f.startsWith('src/') || /\.test\.|\.test-helper\.|\/testing[./]|\.map$|detectors\/docs\./.test(f),
    );
    expect(stray).toEqual([]);
  });

  it('`upwatch --version` prints the package version', async () => {
    const r = await npx(['--version']);
    expectExit('npx upwatch --version', r, 0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it('`upwatch validate` passes on a copy of an example contract (an unset secret is only a warning)', async () => {
    mkdirSync(join(project, 'contracts'), { recursive: true });
    copyFileSync(join(REPO, 'contracts', 'partner-ads.yaml'), join(project, 'contracts', 'partner-ads.yaml'));
    const env = { ...process.env };
    delete env['PARTNER_API_TOKEN'];
    const r = await npx(['validate', '--contracts', 'contracts'], env);
    expectExit('npx upwatch validate', r, 0);
    expect(r.stdout).toMatch(/^contracts valid: 1 file, 1 source, /m);
  });

  it(
    '`upwatch demo --days 30` runs the bundled scenario from the installed package (exit 0)',
    async () => {
      const r = await npx(['demo', '--days', '30']);
      expectExit('npx upwatch demo --days 30', r, 0);
      expect(r.stdout).toMatch(/^Day +0 +2023-11-14 Tue$/m);
      expect(r.stdout).toMatch(/^ +polls +60 stored/m);
    },
    5 * MINUTE,
  );

  it(
    "imports as 'upwatch', and its types check without skipLibCheck",
    async () => {
      const imported = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const u = await import('upwatch'); console.log(typeof u.checkGate, typeof u.loadContracts);",
        ],
        project,
      );
      expectExit("import('upwatch')", imported, 0);
      expect(imported.stdout).toBe('function function\n');

      writeFileSync(
        join(project, 'use.ts'),
        "import { checkGate, loadContracts, type Store } from 'upwatch';\n" +
          'export const api: [typeof checkGate, typeof loadContracts, Store?] = [checkGate, loadContracts];\n',
      );
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            strict: true,
            noEmit: true,
          },
          files: ['use.ts'],
        }),
      );
      const tsc = await run(
        process.execPath,
        [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
        project,
        {
          timeout: 5 * MINUTE,
        },
      );
      expectExit('tsc --noEmit (use.ts importing upwatch)', tsc, 0);
    },
    5 * MINUTE,
  );
});

describe('bin/upwatch.js without a build', () => {
  it('says the package is not built and how to fix it, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-unbuilt-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(REPO, 'bin', 'upwatch.js'), join(dir, 'bin', 'upwatch.js'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'upwatch', type: 'module' }));
    const r = await run(process.execPath, [join(dir, 'bin', 'upwatch.js'), '--version'], dir);
    expectExit('bin/upwatch.js in a folder without dist/ or src/', r, 2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `error: upwatch is not built: ${join(dir, 'dist', 'cli', 'main.js')} is missing`,
    );
    expect(r.stderr).toContain(`hint: run \`npm run build\` in ${dir}`);
  });
});
