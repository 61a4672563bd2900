import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/contracts');

function capture(cwd: string, env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env,
    cwd,
    clock: new ManualClock('2026-11-25T07:00:00Z'),
    isTTY: false,
  };
  return { io, out };
}

describe('upwatch validate (in process)', () => {
  it('exits 0 on a valid directory and prints a summary', async () => {
    const { io, out } = capture(FIXTURES, { META_PAGE_TOKEN: 'x' });
    expect(await runCli(['validate', '--contracts', 'minimal-valid'], io)).toBe(0);
    expect(out.stdout).toBe('contracts valid: 1 file, 1 source, 1 feature, 1 metric\n');
    expect(out.stderr).toBe('');
  });

  it('allows warnings: unset secrets are warnings, exit 0', async () => {
    const { io, out } = capture(FIXTURES);
    expect(await runCli(['validate', '--contracts', 'minimal-valid'], io)).toBe(0);
    expect(out.stdout).toBe(
      'minimal-valid/contracts.yaml:9:16  warning  connection.accessToken of source "meta-page-insights" references ${META_PAGE_TOKEN}, which is not set  [secret-unset]\n' +
        '  hint: export META_PAGE_TOKEN where upwatch polls; validation does not need it, polling "meta-page-insights" does\n' +
        '\ncontracts valid: 1 file, 1 source, 1 feature, 1 metric (1 warning)\n',
    );
  });

  it('exits 1 with compiler-style errors and a summary line', async () => {
    const { io, out } = capture(FIXTURES, { META_PAGE_TOKEN: 'x' });
    expect(await runCli(['validate', '--contracts', 'unknown-key-near-miss'], io)).toBe(1);
    expect(out.stdout).toBe(
      'unknown-key-near-miss/contracts.yaml:16:1  error  unknown key "metircs" in Source "meta-page-insights"  [unknown-key]\n' +
        '  hint: did you mean "metrics"?\n' +
        '\ncontracts invalid: 1 error, 0 warnings in 1 file\n',
    );
  });

  it('prints JSON with --format json', async () => {
    const { io, out } = capture(FIXTURES, { META_PAGE_TOKEN: 'x' });
    expect(await runCli(['validate', '--contracts', 'invalid-cron', '--format', 'json'], io)).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(report).toMatchObject({
      valid: false,
      summary: { files: 1, sources: 1, features: 1, metrics: 1, errors: 1, warnings: 0 },
      files: ['invalid-cron/contracts.yaml'],
      diagnostics: [
        { file: 'invalid-cron/contracts.yaml', line: 11, col: 11, severity: 'error', code: 'invalid-cron' },
      ],
    });
  });

  it.each([
    [['validate', '--contracts', 'nope'], 'error: contracts directory not found'],
    [['validate', '--contracts', 'minimal-valid', '--format', 'xml'], "argument 'xml' is invalid"],
    [['validate', '--bogus'], "unknown option '--bogus'"],
  ])('exits 2 on %j', async (argv, message) => {
    const { io, out } = capture(FIXTURES);
    expect(await runCli(argv, io)).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stdout).toBe('');
  });

  it('defaults to contracts/ under the working directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'upwatch-validate-'));
    cpSync(join(FIXTURES, 'http-json-valid'), join(cwd, 'contracts'), { recursive: true });
    const { io, out } = capture(cwd, { PARTNER_API_TOKEN: 't' });
    expect(await runCli(['validate'], io)).toBe(0);
    expect(out.stdout).toBe('contracts valid: 2 files, 1 source, 2 features, 3 metrics\n');
    const empty = capture(mkdtempSync(join(tmpdir(), 'upwatch-validate-')));
    expect(await runCli(['validate'], empty.io)).toBe(2);
    expect(empty.out.stderr).toContain('hint: pass --contracts DIR');
  });
});

describe('upwatch validate (the real binary)', () => {
  const run = promisify(execFile);

  // The binary reads the real clock, so it validates contracts whose verdict no date changes: invalid-cron is an
  // error on any day, and http-json-valid pins no Graph version that could near its end of life.
  it('exits 1 with located errors, and 0 on a valid directory', async () => {
    const bin = join(ROOT, 'bin/upwatch.js');
    const bad = await run(
      process.execPath,
      [bin, 'validate', '--contracts', join(FIXTURES, 'invalid-cron')],
      {
        cwd: ROOT,
      },
    ).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      'test/fixtures/contracts/invalid-cron/contracts.yaml:11:11  error  schedule "0 25 * * *" is not a valid cron expression',
    );
    const good = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'validate', '--contracts', join(FIXTURES, 'http-json-valid')],
      {
        cwd: ROOT,
        env: { ...process.env, PARTNER_API_TOKEN: 'x' },
      },
    );
    expect(good.stdout).toBe('contracts valid: 2 files, 1 source, 2 features, 3 metrics\n');
  });
});

describe('the bundled examples', () => {
  // They pin Graph API v24.0, which ends on 2028-02-18: validated in-process on the fixed clock, not today's.
  it('are valid', async () => {
    const { io, out } = capture(ROOT, { META_PAGE_TOKEN: 'x', PARTNER_API_TOKEN: 'x', GITHUB_TOKEN: 'x' });
    expect(await runCli(['validate'], io)).toBe(0);
    expect(out.stdout).toBe('contracts valid: 4 files, 3 sources, 6 features, 10 metrics\n');
    expect(out.stderr).toBe('');
  });
});
