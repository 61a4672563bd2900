// Transactions over one better-sqlite3 connection whose bodies may await: one async flow at a time holds the
// connection's transaction, nested calls in that flow become savepoints, and other flows wait their turn.
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';

interface Frame {
  readonly owner: SqliteTransactions;
  savepoints: number;
}

/** Who holds a database file's write turn in this process, and who waits for it. */
interface FileTurn {
  held: boolean;
  readonly waiting: (() => void)[];
}

/**
 * One turn per database file and process: two connections to one file in one process (the dashboard beside the
 * poller, two relays in a test) must take turns here rather than in SQLite, whose busy handler would block the event
 * loop the other connection needs to finish its transaction. Other processes still wait in SQLite (busy_timeout).
 */
const TURNS = new Map<string, FileTurn>();

function turnOf(file: string | undefined): FileTurn {
  if (file === undefined) return { held: false, waiting: [] };
  let t = TURNS.get(file);
  if (!t) TURNS.set(file, (t = { held: false, waiting: [] }));
  return t;
}

/** A rejection with an Error, whatever was thrown. */
function rejected<T>(e: unknown): Promise<T> {
  return Promise.reject(e instanceof Error ? e : new Error(String(e)));
}

function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * better-sqlite3 runs a transaction function synchronously, so a body that awaits cannot use `db.transaction`. Here a
 * transaction is BEGIN IMMEDIATE … COMMIT around the body, held by the async flow that started it (AsyncLocalStorage):
 * - a body that returns synchronously commits before anything else runs (no turn of the event loop in between);
 * - while an async body runs, another flow's `run` waits for it (in turn), and so does work passed to `exclusive`,
 *   so no flow's statements ever land in another flow's transaction;
 * - `run` inside a body (same flow) is a SAVEPOINT, rolled back alone when its own body throws.
 */
export class SqliteTransactions {
  readonly #db: Database.Database;
  readonly #flow = new AsyncLocalStorage<Frame>();
  readonly #turn: FileTurn;

  /** `file`: the database file's path (undefined for an in-memory database, which no other connection shares). */
  constructor(db: Database.Database, file?: string) {
    this.#db = db;
    this.#turn = turnOf(file);
  }

  get #held(): boolean {
    return this.#turn.held;
  }

  set #held(held: boolean) {
    this.#turn.held = held;
  }

  get #waiting(): (() => void)[] {
    return this.#turn.waiting;
  }

  /** True when the calling flow is inside one of this connection's transactions. */
  get inTransaction(): boolean {
    return this.#flow.getStore()?.owner === this;
  }

  /**
   * Run one piece of work outside any transaction of another flow: at once when the calling flow holds the
   * transaction or none is open, else as soon as the open one ends (before the next one can start).
   */
  exclusive<T>(op: () => T): Promise<T> {
    if (!this.#held || this.inTransaction) {
      try {
        return Promise.resolve(op());
      } catch (e) {
        return rejected(e);
      }
    }
    return this.#whenFree(op);
  }

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const frame = this.#flow.getStore();
    if (frame?.owner === this) return this.#savepoint(frame, fn);
    if (this.#held) return this.#whenFree(() => this.#begin(fn));
    return this.#begin(fn);
  }

  /** Call `op` the moment the connection is free (synchronously then, so nothing can start in between). */
  #whenFree<T>(op: () => T | Promise<T>): Promise<T> {
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() =>
      this.#held ? this.#whenFree(op) : op(),
    );
  }

  #release(): void {
    this.#held = false;
    // Wake every waiter in order: single statements run at once; the first transaction to start holds the connection
    // again, and the waiters after it queue once more.
    const waiting = this.#waiting.splice(0);
    for (const wake of waiting) wake();
  }

  #begin<T>(fn: () => T | Promise<T>): Promise<T> {
    this.#held = true;
    const frame: Frame = { owner: this, savepoints: 0 };
    try {
      this.#db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      this.#release();
      return rejected(e);
    }
    let result: T | Promise<T>;
    try {
      result = this.#flow.run(frame, fn);
    } catch (e) {
      this.#end(false);
      return rejected(e);
    }
    if (!isThenable(result)) {
      try {
        this.#end(true);
      } catch (e) {
        return rejected(e);
      }
      return Promise.resolve(result);
    }
    return result.then(
      (value) => {
        this.#end(true);
        return value;
      },
      (e: unknown) => {
        this.#end(false);
        throw e;
      },
    );
  }

  #end(commit: boolean): void {
    try {
      if (this.#db.inTransaction) this.#db.exec(commit ? 'COMMIT' : 'ROLLBACK');
    } catch (e) {
      if (commit && this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw e;
    } finally {
      this.#release();
    }
  }

  #savepoint<T>(frame: Frame, fn: () => T | Promise<T>): Promise<T> {
    const name = `upwatch_sp${++frame.savepoints}`;
    this.#db.exec(`SAVEPOINT ${name}`);
    const undo = () => this.#db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
    let result: T | Promise<T>;
    try {
      result = fn();
    } catch (e) {
      undo();
      return rejected(e);
    }
    if (!isThenable(result)) {
      this.#db.exec(`RELEASE ${name}`);
      return Promise.resolve(result);
    }
    return result.then(
      (value) => {
        this.#db.exec(`RELEASE ${name}`);
        return value;
      },
      (e: unknown) => {
        undo();
        throw e;
      },
    );
  }
}
