import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerIn } from '../../scripts/new-detector.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm run new:detector', () => {
  it('scaffolds a detector and its test from the template and registers it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-scaffold-'));
    cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true, filter: (p) => !p.includes('/src/cli') });
    cpSync(join(ROOT, 'scripts', 'new-detector.ts'), join(dir, 'scripts', 'new-detector.ts'));
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(dir, 'scripts', 'new-detector.ts'), 'seasonal-break'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(out).toMatch(/created src\/detectors\/seasonal-break\.ts/);
    const registry = readFileSync(join(dir, 'src', 'detectors', 'registry.ts'), 'utf8');
    expect(registry).toMatch(/import \{ seasonalBreak \} from '\.\/seasonal-break\.js';/);
    const mod = (await import(pathToFileURL(join(dir, 'src', 'detectors', 'registry.ts')).href)) as {
      detectorById: (id: string) => { id: string; detect: unknown } | undefined;
    };
    expect(mod.detectorById('seasonal-break')?.id).toBe('seasonal-break');
    expect(() =>
      execFileSync(
        process.execPath,
        ['--import', 'tsx', join(dir, 'scripts', 'new-detector.ts'), 'seasonal-break'],
        { cwd: ROOT, stdio: 'pipe' },
      ),
    ).toThrow(/already exists/);
  });

  it('registration is idempotent and keeps the list valid', () => {
    const registry = readFileSync(join(ROOT, 'src', 'detectors', 'registry.ts'), 'utf8');
    const once = registerIn(registry, 'my-check');
    expect(registerIn(once, 'my-check')).toBe(once);
    expect(once).toMatch(/\n {2}myCheck,\n\];/);
  });
});
