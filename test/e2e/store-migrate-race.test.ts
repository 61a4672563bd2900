// Three processes open one new store file at the same moment (two writers like `poll`, one reader like `gate`).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('upwatch-migrate-race-');
const ROUNDS = 20;

interface Opener {
  child: ChildProcess;
  /** Open round `n`'s store; resolves with the child's answer line. */
  open(n: number): Promise<string>;
  ready: Promise<string>;
}

/** A long-lived child (test/helpers/store-opener.ts) that opens a new store file for each round it is told. */
function opener(mode: 'write' | 'read'): Opener {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'test/helpers/store-opener.ts'), mode, dir],
    {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(line));
  const nextLine = () => new Promise<string>((resolve) => waiting.push(resolve));
  return {
    child,
    ready: nextLine(),
    open(n) {
      const answer = nextLine();
      child.stdin.write(`${n}\n`);
      return answer;
    },
  };
}

const openers: Opener[] = [];
afterAll(() => {
  for (const o of openers) o.child.kill('SIGKILL');
});

describe('migrating a new store from concurrent processes', () => {
  it(`${ROUNDS} rounds of two writers and a reader on a new file: the writers always open it, the reader never sees half a schema`, async () => {
    const [a, b, reader] = [opener('write'), opener('write'), opener('read')];
    openers.push(a, b, reader);
    expect(await Promise.all([a.ready, b.ready, reader.ready])).toEqual(['ready', 'ready', 'ready']);
    const failures: string[] = [];
    const readerAnswers: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const [w1, w2, r] = await Promise.all([a.open(round), b.open(round), reader.open(round)]);
      for (const w of [w1, w2]) if (w !== `${round} ok`) failures.push(w);
      readerAnswers.push(r);
    }
    expect(failures).toEqual([]);
    // The reader sees the finished store, or is told plainly that there is none yet or that it is being created.
    const unclear = readerAnswers.filter(
      (r) => !/^\d+ (ok|fail STORE_UNAVAILABLE (no store at .*|.*is being created.*))$/.test(r),
    );
    expect(unclear).toEqual([]);
  }, 180_000);
});
