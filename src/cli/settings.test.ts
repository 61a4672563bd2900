import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import type { CliIO } from './io.js';
import { publicUrlOf, resolveSettings } from './settings.js';

const io = (cwd: string, env: Record<string, string> = {}): CliIO => ({
  stdout: () => undefined,
  stderr: () => undefined,
  env,
  cwd,
  clock: new ManualClock('2026-01-01'),
  isTTY: false,
});

describe('resolveSettings', () => {
  it('uses defaults relative to the working directory', () => {
    const dir = tempDir();
    const s = resolveSettings(io(dir));
    expect(s.db).toBe(join(dir, '.upwatch/upwatch.db'));
    expect(s.contracts).toBe(join(dir, 'contracts'));
    expect(s.origin.db).toBe('default');
  });

  it('applies flag > env > file > default per setting', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'upwatch.config.json'),
      JSON.stringify({ db: 'file.db', contracts: 'c-file', snapshots: 's-file' }),
    );
    const s = resolveSettings(io(dir, { UPWATCH_DB: '/env/u.db', UPWATCH_CONTRACTS: 'c-env' }), {
      db: 'flag.db',
    });
    expect(s.db).toBe(join(dir, 'flag.db'));
    expect(s.contracts).toBe(join(dir, 'c-env'));
    expect(s.snapshots).toBe(join(dir, 's-file'));
    expect(s.origin).toMatchObject({ db: 'flag', contracts: 'env', snapshots: 'file', logLevel: 'default' });
  });

  it('reads .upwatchrc.json too, and rejects broken JSON with CONFIG_INVALID', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.upwatchrc.json'), '{"smtpUrl": "smtp://localhost:2525"}');
    expect(resolveSettings(io(dir)).smtpUrl).toBe('smtp://localhost:2525');
    writeFileSync(join(dir, '.upwatchrc.json'), '{nope');
    expect(() => resolveSettings(io(dir))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('publicUrlOf', () => {
  it('reads UPWATCH_PUBLIC_URL (over the file) and drops a trailing slash; unset is undefined', () => {
    const dir = tempDir();
    expect(publicUrlOf(resolveSettings(io(dir)))).toBeUndefined();
    writeFileSync(
      join(dir, 'upwatch.config.json'),
      JSON.stringify({ publicUrl: 'https://file.example.com' }),
    );
    expect(publicUrlOf(resolveSettings(io(dir)))).toBe('https://file.example.com');
    expect(
      publicUrlOf(resolveSettings(io(dir, { UPWATCH_PUBLIC_URL: 'https://upwatch.example.com/' }))),
    ).toBe('https://upwatch.example.com');
  });

  it('names where a bad value came from', () => {
    const dir = tempDir();
    expect(() =>
      publicUrlOf(resolveSettings(io(dir, { UPWATCH_PUBLIC_URL: 'upwatch.example.com' }))),
    ).toThrow('UPWATCH_PUBLIC_URL must be an absolute http(s) URL (got "upwatch.example.com")');
    writeFileSync(join(dir, 'upwatch.config.json'), JSON.stringify({ publicUrl: 'ftp://x' }));
    expect(() => publicUrlOf(resolveSettings(io(dir)))).toThrow(
      `"publicUrl" in ${join(dir, 'upwatch.config.json')} must start with http:// or https://`,
    );
  });
});
