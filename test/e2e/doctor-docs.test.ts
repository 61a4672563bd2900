// The `upwatch doctor` excerpts in docs/gate.md and docs/alerts.md stay true: each check line has the form the real
// doctor prints, and the store line names this upwatch's schema version.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { ManualClock } from '../../src/core/clock.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/store.js';

const ROOT = join(import.meta.dirname, '../..');
const DOCS = ['docs/gate.md', 'docs/alerts.md'];

/** A doctor check line: level padded to four, two spaces, the check's name, a colon. */
const CHECK_LINE = /^(ok|warn|fail) {2,4}(store|outbox|contracts|smtp|test mail|config): (.*)$/;

/** The check lines inside the fenced blocks of a document. */
function excerptLines(file: string): string[] {
  const blocks = readFileSync(join(ROOT, file), 'utf8')
    .split('```')
    .filter((_, i) => i % 2 === 1);
  return blocks.flatMap((b) => b.split('\n')).filter((l) => CHECK_LINE.test(l));
}

/** A check line with what varies between installations blanked: the path or URL before the detail, and counts. */
function form(line: string): string {
  const [, level, what, detail] = CHECK_LINE.exec(line)!;
  const withoutPlace =
    what === 'store' || what === 'contracts' ? detail!.replace(/^\S+: /, 'PLACE: ') : detail!;
  return `${level!.padEnd(4)}  ${what}: ${withoutPlace.replace(/\d+/g, 'N')}`;
}

async function realDoctor(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-doctor-docs-'));
  cpSync(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
  const db = join(dir, 'upwatch.db');
  await openStore(db).close();
  let stdout = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: () => undefined,
    env: { META_PAGE_TOKEN: 'x' },
    cwd: dir,
    clock: new ManualClock('2026-03-15T07:00:00Z'),
    isTTY: false,
  };
  await runCli(['doctor', '--db', db, '--contracts', join(dir, 'contracts')], io);
  return stdout.split('\n').filter((l) => CHECK_LINE.test(l));
}

describe('doctor excerpts in the docs', () => {
  let real: string[] = [];
  beforeAll(async () => {
    real = await realDoctor();
  });

  it('the real doctor prints store, outbox and contracts lines at this schema version', () => {
    const store = real.find((l) => CHECK_LINE.exec(l)?.[2] === 'store');
    expect(store).toMatch(
      new RegExp(
        `^ok {4}store: \\S+: quick_check ok, schema version ${MIGRATIONS.length}/${MIGRATIONS.length}$`,
      ),
    );
    expect(real.map((l) => CHECK_LINE.exec(l)?.[2])).toEqual(['store', 'outbox', 'contracts', 'smtp']);
  });

  it.each(DOCS)('%s shows the schema version of this upwatch on every store line', (file) => {
    const stores = excerptLines(file).filter((l) => CHECK_LINE.exec(l)?.[2] === 'store');
    expect(stores.length).toBeGreaterThan(0);
    for (const l of stores) expect(l).toContain(`schema version ${MIGRATIONS.length}/${MIGRATIONS.length}`);
  });

  it.each(DOCS)('%s prints store, outbox and contracts lines in the form the real doctor does', (file) => {
    // A contracts line reads the same with or without warnings, so the level is left out of the comparison.
    const detail = (l: string) => form(l).slice(6);
    for (const l of excerptLines(file)) {
      const what = CHECK_LINE.exec(l)![2]!;
      if (!['store', 'outbox', 'contracts'].includes(what)) continue;
      const twin = real.find((r) => CHECK_LINE.exec(r)?.[2] === what);
      expect(detail(l), `${file}: ${l}`).toBe(detail(twin!));
    }
  });
});
