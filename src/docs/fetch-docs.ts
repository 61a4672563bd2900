// Watched docs: conditional fetch, normalize, hash, store, and write snapshots/<source>/<doc>.{json,txt} on change.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { Clock } from '../core/clock.js';
import type { SourceContract } from '../core/contract.js';
import type { DocChange } from '../core/detector.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { UpstreamErrorInfo } from '../core/observation.js';
import { errorInfoOf, type HttpClient } from '../providers/http.js';
import type { Store } from '../store/store.js';
import { normalizeDoc } from './normalize.js';

export interface DocFetchDeps {
  store: Store;
  http: HttpClient;
  clock: Clock;
  logger?: Logger;
  /** Directory of snapshot files (`snapshots/`); undefined = store only, no files. */
  snapshotsDir?: string;
}

export interface DocFailure {
  doc: string;
  error: UpstreamErrorInfo;
}

/** Result of fetching a source's watched docs. */
export interface DocFetchResult {
  /** Docs whose normalized content changed (or was seen for the first time). */
  changes: DocChange[];
  /** Docs that could not be fetched or parsed; their last snapshot stays as it was. */
  failures: DocFailure[];
  /** Docs confirmed unchanged (304 or same hash). */
  unchanged: string[];
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** Path of a doc's snapshot file. */
export function snapshotPath(dir: string, source: string, doc: string, ext: 'json' | 'txt'): string {
  return join(dir, safe(source), `${safe(doc)}.${ext}`);
}

/**
 * Fetch every watched doc of a source with conditional requests (ETag / If-Modified-Since from the last snapshot).
 *
 * @example
 * const { changes } = await fetchDocs({ store, http, clock, snapshotsDir: 'snapshots' }, source);
 */
export async function fetchDocs(deps: DocFetchDeps, source: SourceContract): Promise<DocFetchResult> {
  const logger = deps.logger ?? silentLogger;
  const snaps = deps.store.docs;
  const result: DocFetchResult = { changes: [], failures: [], unchanged: [] };
  for (const doc of source.docs) {
    const last = await snaps.latest(source.name, doc.name);
    const fetchedAt = deps.clock.now().toISOString();
    const ext = doc.kind === 'openapi' ? 'json' : 'txt';
    try {
      const res = await deps.http.get({
        url: doc.url,
        expect: 'text',
        headers: {
          ...(last?.etag ? { 'if-none-match': last.etag } : {}),
          ...(last?.lastModified ? { 'if-modified-since': last.lastModified } : {}),
        },
      });
      if (res.status === 304 && last) {
        await snaps.markFetched(last.id, fetchedAt);
        if (deps.snapshotsDir) {
          const path = snapshotPath(deps.snapshotsDir, source.name, doc.name, ext);
          if (!existsSync(path)) writeFileAtomic(path, last.normalized);
        }
        result.unchanged.push(doc.name);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        result.failures.push({
          doc: doc.name,
          error: {
            code: 'HTTP_STATUS',
            message: `${res.url} answered HTTP ${res.status}`,
            status: res.status,
            retryable: res.status >= 500,
          },
        });
        continue;
      }
      const norm = normalizeDoc(doc, res.text, res.headers['content-type']);
      const saved = await snaps.save({
        source: source.name,
        doc: doc.name,
        hash: norm.hash,
        normalized: norm.text,
        ...(res.headers['etag'] ? { etag: res.headers['etag'] } : {}),
        ...(res.headers['last-modified'] ? { lastModified: res.headers['last-modified'] } : {}),
        fetchedAt,
      });
      const path = deps.snapshotsDir
        ? snapshotPath(deps.snapshotsDir, source.name, doc.name, norm.ext)
        : undefined;
      if (path && (saved.changed || !existsSync(path))) writeFileAtomic(path, norm.text);
      if (saved.changed) {
        result.changes.push({
          doc,
          ...(saved.previous ? { previous: saved.previous.normalized } : {}),
          current: norm.text,
          fetchedAt,
        });
        logger.info('doc changed', { source: source.name, doc: doc.name, hash: norm.hash.slice(0, 12) });
      } else result.unchanged.push(doc.name);
    } catch (e) {
      const error = errorInfoOf(e, deps.http.redact);
      result.failures.push({ doc: doc.name, error });
      logger.warn('doc fetch failed', {
        source: source.name,
        doc: doc.name,
        error: error.code,
        message: error.message,
      });
    }
  }
  return result;
}
