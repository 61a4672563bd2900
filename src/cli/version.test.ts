import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { runCli } from './main.js';
import { packageVersion } from './version.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};

describe('packageVersion', () => {
  it("is package.json's version, and what `upwatch --version` prints", async () => {
    expect(packageVersion()).toBe(pkg.version);
    let stdout = '';
    const code = await runCli(['--version'], {
      stdout: (t) => void (stdout += t),
      stderr: () => undefined,
      env: {},
      cwd: import.meta.dirname,
      clock: new ManualClock(new Date(0)),
      isTTY: false,
    });
    expect({ code, stdout }).toEqual({ code: 0, stdout: `${pkg.version}\n` });
  });
});
