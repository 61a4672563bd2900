import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { isUpwatchError } from '../core/errors.js';
import { startGraphSimulator } from './graph-simulator.js';
import { pollInstant } from './scenario.js';
import { meta2024 } from './scenarios/meta-2024.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('the simulator and time', () => {
  it.each(sources(import.meta.dirname).map((f) => [f.slice(import.meta.dirname.length + 1), f]))(
    '%s never reads the system clock',
    (_name, file) => {
      const code = readFileSync(file, 'utf8');
      expect(code).not.toMatch(/Date\.now\(|new Date\(\)|performance\.now\(|process\.hrtime/);
    },
  );
});

describe('startGraphSimulator', () => {
  it('rejects with HTTP_CONNECT and a hint when the port is taken', async () => {
    const clock = new ManualClock(pollInstant(meta2024, 0));
    const first = await startGraphSimulator({ clock, scenario: meta2024 });
    try {
      const port = Number(new URL(first.url).port);
      const e: unknown = await startGraphSimulator({ clock, scenario: meta2024, port }).catch(
        (x: unknown) => x,
      );
      expect(isUpwatchError(e, 'HTTP_CONNECT')).toBe(true);
      expect((e as { hint?: string }).hint).toMatch(/port 0/);
    } finally {
      await first.close();
    }
  });
});
