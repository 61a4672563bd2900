// `upwatch status | head -1`: output to a pipe closed by the reader ends quietly, with the command's own exit code.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { exitOf, spawnTsx } from '../helpers/cli.js';
import { finding } from '../helpers/gate-fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('upwatch-pipe-');

/** A store whose `status` prints far more than a pipe buffer holds (64 KiB), so the writer blocks on the reader. */
async function bigStore(name: string): Promise<string> {
  const db = join(dir, `${name}.db`);
  const store = openStore(db);
  await store.transaction(async () => {
    for (let i = 0; i < 1200; i++) {
      const f = finding(`metric_${i}`, { subject: `subject ${i}`, title: `metric_${i} rejected` });
      await store.findings.insert({
        ...f,
        episode: 1,
        status: 'open',
        lifecycle: 'condition',
        firstSeen: '2026-03-14T07:00:00.000Z',
        lastSeen: '2026-03-14T07:00:00.000Z',
        goodPollsSinceAbsent: 0,
      });
    }
  });
  await store.close();
  return db;
}

describe('output to a closed pipe', () => {
  it.each([
    ['status', ['status']],
    ['status --json', ['status', '--json']],
  ])(
    '`upwatch %s | head -1` exits 0 without a stack trace',
    async (name, args) => {
      const db = await bigStore(name.replace(/\W+/g, '-'));
      const child = spawnTsx('src/cli/main.ts', [...args, '--db', db]);
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      const firstLine = await new Promise<string>((resolve) => {
        const lines = createInterface({ input: child.stdout! });
        lines.once('line', (line) => {
          lines.close();
          resolve(line);
        });
      });
      child.stdout!.destroy(); // what `head -1` does after its line: the read end of the pipe closes
      expect(firstLine.length).toBeGreaterThan(0);
      expect(await exitOf(child)).toEqual({ code: 0, signal: null });
      expect(stderr).toBe('');
    },
    60_000,
  );
});
