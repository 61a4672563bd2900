// Doc snapshots: the normalized text of each watched doc, one row per distinct content, plus fetch metadata.
import { immediate } from './immediate.js';
import type { RepoStore } from './findings-repo.js';

/** The latest known snapshot of a watched doc. */
export interface DocSnapshot {
  id: number;
  source: string;
  doc: string;
  /** sha256 of the normalized text, hex. */
  hash: string;
  normalized: string;
  etag?: string;
  lastModified?: string;
  /** Last time the doc was fetched (or confirmed unchanged with 304). */
  fetchedAt: string;
  /** When this content was first seen. */
  changedAt: string;
}

interface Row {
  id: number;
  source: string;
  doc: string;
  hash: string;
  normalized: string;
  etag: string | null;
  last_modified: string | null;
  fetched_at: string;
  changed_at: string;
}

/**
 * Repository of doc snapshots. A new row is written only when the content hash changes; otherwise the latest
 * row's fetch metadata moves.
 *
 * @example
 * const snaps = docSnapshots(store);
 * const prev = snaps.latest('stripe', 'openapi');
 */
export function docSnapshots(store: RepoStore): DocSnapshotRepo {
  const latest = store.db.prepare(
    'SELECT * FROM doc_snapshots WHERE source = ? AND doc = ? ORDER BY id DESC LIMIT 1',
  );
  const earliest = store.db.prepare(
    'SELECT * FROM doc_snapshots WHERE source = ? AND doc = ? ORDER BY id ASC LIMIT 1',
  );
  const insert = store.db.prepare(
    `INSERT INTO doc_snapshots (source, doc, hash, normalized, etag, last_modified, fetched_at, changed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const docs = store.db.prepare(
    `SELECT doc, COUNT(*) AS versions, MAX(id) AS latest_id FROM doc_snapshots WHERE source = ? GROUP BY doc ORDER BY doc`,
  );
  const byId = store.db.prepare('SELECT * FROM doc_snapshots WHERE id = ?');
  const recent = store.db.prepare(
    'SELECT * FROM doc_snapshots WHERE source = ? AND doc = ? ORDER BY id DESC LIMIT ?',
  );
  const touch = store.db.prepare(
    'UPDATE doc_snapshots SET fetched_at = ?, etag = ?, last_modified = ? WHERE id = ?',
  );
  const toSnap = (r: Row): DocSnapshot => ({
    id: r.id,
    source: r.source,
    doc: r.doc,
    hash: r.hash,
    normalized: r.normalized,
    ...(r.etag === null ? {} : { etag: r.etag }),
    ...(r.last_modified === null ? {} : { lastModified: r.last_modified }),
    fetchedAt: r.fetched_at,
    changedAt: r.changed_at,
  });
  return {
    latest(source, doc) {
      const r = latest.get(source, doc) as Row | undefined;
      return r ? toSnap(r) : undefined;
    },
    earliest(source, doc) {
      const r = earliest.get(source, doc) as Row | undefined;
      return r ? toSnap(r) : undefined;
    },
    docsOf(source) {
      return (docs.all(source) as { doc: string; versions: number; latest_id: number }[]).map((r) => ({
        doc: r.doc,
        versions: r.versions,
        latest: toSnap(byId.get(r.latest_id) as Row),
      }));
    },
    history(source, doc, limit) {
      return (recent.all(source, doc, limit) as Row[]).map(toSnap);
    },
    save(input) {
      return immediate(store.db, () => {
        const prev = latest.get(input.source, input.doc) as Row | undefined;
        if (prev && prev.hash === input.hash) {
          touch.run(input.fetchedAt, input.etag ?? null, input.lastModified ?? null, prev.id);
          return { changed: false, previous: toSnap(prev) };
        }
        insert.run(
          input.source,
          input.doc,
          input.hash,
          input.normalized,
          input.etag ?? null,
          input.lastModified ?? null,
          input.fetchedAt,
          input.fetchedAt,
        );
        return prev ? { changed: true, previous: toSnap(prev) } : { changed: true };
      });
    },
    markFetched(id, fetchedAt) {
      immediate(store.db, () =>
        store.db.prepare('UPDATE doc_snapshots SET fetched_at = ? WHERE id = ?').run(fetchedAt, id),
      );
    },
  };
}

export interface SaveDocInput {
  source: string;
  doc: string;
  hash: string;
  normalized: string;
  etag?: string;
  lastModified?: string;
  fetchedAt: string;
}

export interface DocSnapshotRepo {
  latest(source: string, doc: string): DocSnapshot | undefined;
  /** The first snapshot kept of a doc: the baseline the contract started from. */
  earliest(source: string, doc: string): DocSnapshot | undefined;
  /** Each watched doc of a source with snapshots, by name: how many distinct contents were kept, and the latest. */
  docsOf(source: string): { doc: string; versions: number; latest: DocSnapshot }[];
  /** The latest `limit` snapshots of a doc, newest first. */
  history(source: string, doc: string, limit: number): DocSnapshot[];
  /** Save a fetched doc; `changed` is true when its hash differs from the latest snapshot (or it is new). */
  save(input: SaveDocInput): { changed: boolean; previous?: DocSnapshot };
  /** Record a 304 Not Modified: the content is unchanged as of `fetchedAt`. */
  markFetched(id: number, fetchedAt: string): void;
}
