// End to end (in-process CLI): `upwatch init` writes contracts `upwatch validate` accepts; `upwatch sim` refuses to start clearly.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const clock = new ManualClock('2026-12-07T10:00:00Z');

describe('upwatch init', () => {
  it('scaffolds DIR, whose contracts validate; a second run skips every file', async () => {
    const cwd = tempDir('upwatch-init-e2e-');
    const first = await cli(['init', 'project'], { cwd, clock });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('wrote       project/contracts/meta-page-insights.yaml');
    expect(first.stdout).toContain('  cd project\n');
    const valid = await cli(['validate', '--contracts', 'project/contracts'], {
      cwd,
      clock,
      env: { SIM_META_TOKEN: 'sim-meta-page-token' },
    });
    expect(valid.stdout).toBe('contracts valid: 2 files, 1 source, 2 features, 3 metrics\n');
    expect(valid.code).toBe(0);
    const features = join(cwd, 'project', 'contracts', 'features.yaml');
    writeFileSync(features, `${readFileSync(features, 'utf8')}# mine\n`);
    const again = await cli(['init', 'project'], { cwd, clock });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      'skipped     project/contracts/features.yaml (it exists; --force overwrites it)',
    );
    expect(again.stdout).toContain('kept        project/.gitignore (it already has the upwatch lines)');
    expect(readFileSync(features, 'utf8')).toMatch(/# mine\n$/);
  });
});

describe('upwatch sim', () => {
  it('names the scenarios when asked for one it does not have (exit 2)', async () => {
    const r = await cli(['sim', '--scenario', 'meta-2025'], { cwd: tempDir(), clock });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: unknown scenario "meta-2025" [USAGE]\n  hint: scenarios: meta-2024, quiet\n',
    );
  });

  it('says the port is taken, with a hint (exit 2)', async () => {
    const server = createServer((_req, res) => res.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await cli(['sim', '--port', String(port)], { cwd: tempDir(), clock });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: port ${port} on 127.0.0.1 is taken [USAGE]`);
      expect(r.stderr).toContain('--port 0 for a free port');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    [['--port', '70000'], '--port must be a whole number from 0 to 65535'],
    [['--day-seconds', '0'], '--day-seconds must be a number from 1 to 86400'],
    [['--start', '2026-12-31'], '--start 2026-12-31 is after today (2026-12-07)'],
    [['--start', '2026-01-01'], '--start 2026-01-01 is too far back'],
  ])('refuses %j (exit 2)', async (args, message) => {
    const r = await cli(['sim', ...args], { cwd: tempDir(), clock });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('lists the scenarios and the clock controls in --help', async () => {
    const r = await cli(['sim', '--help'], { cwd: tempDir(), clock });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Scenarios:\n {2}meta-2024 +The 2024 Page Insights story\n {2}quiet +The meta-2024 pages/,
    );
    expect(r.stdout).toContain('/_sim/advance?days=N');
  });
});
