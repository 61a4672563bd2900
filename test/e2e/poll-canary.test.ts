// Canary: a unique token value goes through successes, faults and paging; it must appear in no stored byte,
// log line or thrown error.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { pollSource } from '../../src/pipeline/poll-source.js';
import { openStore } from '../../src/store/store.js';
import { httpJsonSource, metaSource } from '../helpers/contracts.js';
import { startGraphServer, type GraphServer } from '../helpers/graph-server.js';
import { startJsonApiServer } from '../helpers/json-api-server.js';
import type { LoopbackServer } from '../helpers/loopback-server.js';
import { testDeps } from '../helpers/poll-deps.js';
import { tempDir } from '../helpers/temp-dir.js';

const CANARY = `canary-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
const dir = tempDir('upwatch-canary-');
let graph: GraphServer;
let api: LoopbackServer;

beforeAll(async () => {
  graph = await startGraphServer({
    token: CANARY,
    metrics: { page_media_view: () => 5 },
    errors: { page_engaged_users: { code: 100, message: `(#100) invalid metric for token ${CANARY}` } },
    faultFor: (path) => (path.includes('/222/') ? 'hang' : path.includes('/333/') ? 'once-500' : 'ok'),
  });
  api = await startJsonApiServer({
    errorBody: (url) => (url.pathname.startsWith('/echo') ? `bad request ${url.search}` : undefined),
  });
});
afterAll(async () => {
  await graph.close();
  await api.close();
});

describe('canary token', () => {
  it('appears nowhere in the database file, its WAL, the logs or thrown errors', async () => {
    const dbPath = join(dir, 'canary.db');
    const store = openStore(dbPath);
    const deps = testDeps({ store, env: { META_TOKEN: CANARY, API_KEY: CANARY }, http: { maxAttempts: 2 } });
    const thrown: unknown[] = [];

    const meta = metaSource(graph.url, ['page_media_view', 'page_engaged_users']);
    (meta.connection as { pages: string[] }).pages = ['111', '222', '333'];
    await pollSource(deps, meta);
    await pollSource(deps, metaSource(graph.url, ['page_media_view'])); // paging.next carries the token
    const wrongToken = testDeps({ store, env: { META_TOKEN: `${CANARY}-x` } });
    await pollSource(wrongToken, metaSource(graph.url, ['page_media_view'])); // #190

    for (const path of [
      '/v2/stats',
      '/echo/stats',
      '/fault/hang/s',
      '/fault/redirect-loop/s',
      '/fault/html-200/s',
    ]) {
      const src = httpJsonSource(
        `${api.url}${path}?since={since}&api_key=\${API_KEY}`,
        { records: 'data', entity: 'account', time: 'date' },
        ['visits'],
      );
      (src.connection as { headers: Record<string, unknown> }).headers = {
        authorization: { template: 'Bearer ${API_KEY}', refs: ['API_KEY'] },
      };
      await pollSource(deps, src);
    }
    try {
      await deps.http.get({
        url: `${api.url}/fault/hang/direct`,
        query: { access_token: new Secret(CANARY) },
      });
    } catch (e) {
      thrown.push(e);
    }
    expect(thrown).toHaveLength(1);

    // The upstreams really received it (the test would be vacuous otherwise).
    expect(graph.requests.some((r) => r.url.includes(CANARY))).toBe(true);
    expect(api.requests.some((r) => r.headers.authorization === `Bearer ${CANARY}`)).toBe(true);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM polls').get()).toEqual({ n: 8 });

    // The upstream's error text that echoed the token was kept, scrubbed.
    const echoed = store.db
      .prepare("SELECT error FROM metric_outcomes WHERE error LIKE '%invalid metric for token%'")
      .get() as { error: string };
    expect(echoed.error).toContain('[REDACTED]');
    const walPath = `${dbPath}-wal`;
    const bytes = [readFileSync(dbPath), ...(existsSync(walPath) ? [readFileSync(walPath)] : [])];
    await store.close();
    for (const b of bytes) expect(b.includes(CANARY)).toBe(false);
    const text = JSON.stringify([
      deps.logger.lines,
      wrongToken.logger.lines,
      thrown.map((e) => [
        String(e),
        (e as Error).message,
        (e as { details?: unknown }).details,
        (e as Error).cause,
      ]),
    ]);
    expect(text).not.toContain(CANARY);
  });
});
