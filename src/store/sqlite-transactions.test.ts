import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTransactions } from './sqlite-transactions.js';

let db: Database.Database | undefined;
afterEach(() => db?.close());

function setup(): { db: Database.Database; tx: SqliteTransactions; rows: () => string[] } {
  db = new Database(':memory:');
  db.exec('CREATE TABLE t (v TEXT)');
  const d = db;
  return {
    db: d,
    tx: new SqliteTransactions(d),
    rows: () => (d.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v),
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SqliteTransactions', () => {
  it('commits a synchronous body before anything else can run, and returns its value', async () => {
    const { db, tx, rows } = setup();
    const p = tx.run(() => {
      db.prepare("INSERT INTO t VALUES ('a')").run();
      return 7;
    });
    // Committed synchronously: the row is there before the promise is even awaited.
    expect(db.inTransaction).toBe(false);
    expect(rows()).toEqual(['a']);
    expect(await p).toBe(7);
  });

  it('rolls back a body that throws or rejects', async () => {
    const { db, tx, rows } = setup();
    await expect(
      tx.run(() => {
        db.prepare("INSERT INTO t VALUES ('sync')").run();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(
      tx.run(async () => {
        db.prepare("INSERT INTO t VALUES ('async')").run();
        await tick();
        throw new Error('later');
      }),
    ).rejects.toThrow('later');
    expect(rows()).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it("keeps another flow's work out of an open transaction: it waits, and survives the first one's rollback", async () => {
    const { db, tx, rows } = setup();
    const order: string[] = [];
    const first = tx.run(async () => {
      db.prepare("INSERT INTO t VALUES ('first')").run();
      order.push('first wrote');
      await tick();
      await tick();
      order.push('first fails');
      throw new Error('first rolls back');
    });
    const second = tx.run(() => {
      order.push('second runs');
      db.prepare("INSERT INTO t VALUES ('second')").run();
    });
    const single = tx.exclusive(() => {
      order.push('single runs');
      return rows();
    });
    await expect(first).rejects.toThrow('first rolls back');
    await second;
    // The single statement ran after the first transaction ended, so it never saw the first flow's row.
    expect(await single).not.toContain('first');
    expect(order.slice(0, 2)).toEqual(['first wrote', 'first fails']);
    expect(rows()).toEqual(['second']);
  });

  it('makes a nested call a savepoint that rolls back alone', async () => {
    const { db, tx, rows } = setup();
    await tx.run(async () => {
      db.prepare("INSERT INTO t VALUES ('outer')").run();
      await expect(
        tx.run(async () => {
          db.prepare("INSERT INTO t VALUES ('inner')").run();
          await tick();
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      expect(tx.inTransaction).toBe(true);
      await tx.run(() => db.prepare("INSERT INTO t VALUES ('inner ok')").run());
    });
    expect(rows()).toEqual(['outer', 'inner ok']);
  });

  it('runs many concurrent async transactions one after another, none lost', async () => {
    const { db, tx, rows } = setup();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tx.run(async () => {
          const before = rows().length;
          await tick();
          // Nothing else wrote in between: each transaction has the connection to itself.
          expect(rows().length).toBe(before);
          db.prepare('INSERT INTO t VALUES (?)').run(String(i));
        }),
      ),
    );
    expect(rows()).toHaveLength(20);
  });
});

describe('two connections to one file in one process', () => {
  it('take turns instead of blocking each other in SQLite: async transactions on both commit, none busy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-turns-'));
    const file = join(dir, 'two.db');
    const a = new Database(file);
    a.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (v TEXT)');
    const b = new Database(file);
    // A short busy timeout: were the two connections to wait in SQLite, one would fail within 50 ms.
    for (const c of [a, b]) c.pragma('busy_timeout = 50');
    const ta = new SqliteTransactions(a, file);
    const tb = new SqliteTransactions(b, file);
    try {
      const write = (tx: SqliteTransactions, c: Database.Database, v: string) =>
        tx.run(async () => {
          c.prepare('INSERT INTO t VALUES (?)').run(v);
          await new Promise((resolve) => setTimeout(resolve, 80));
          c.prepare('INSERT INTO t VALUES (?)').run(`${v}2`);
        });
      await Promise.all([
        write(ta, a, 'a'),
        write(tb, b, 'b'),
        tb.exclusive(() => b.prepare("INSERT INTO t VALUES ('s')").run()),
      ]);
      expect((a.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v)).toEqual([
        'a',
        'a2',
        'b',
        'b2',
        's',
      ]);
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
