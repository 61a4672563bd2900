import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DASHBOARD_NOW, dashboardOptions, dashboardStore } from '../../test/helpers/dashboard-fixture.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import type { Store } from '../store/store.js';
import { startDashboard, type RunningDashboard } from './server.js';

const SECRET = 'EAAB-canary-token-41f7';
let dashboard: RunningDashboard | undefined;
let store: Store | undefined;
afterEach(async () => {
  await dashboard?.close();
  await store?.close();
  dashboard = undefined;
  store = undefined;
});

const at = (hoursBefore: number) => new Date(DASHBOARD_NOW.getTime() - hoursBefore * 3_600_000).toISOString();

/** The dashboard fixture plus an older poll served v23.0, a failed poll, and three contents of a changelog. */
async function start(): Promise<string> {
  const built = await dashboardStore(tempDir('upwatch-sources-'));
  store = built.store;
  const empty = { observations: [], requests: [], metricOutcomes: [] };
  await store.recordPoll({
    source: 'meta',
    startedAt: at(50),
    finishedAt: at(50),
    outcome: 'ok',
    fetch: { ...empty, servedVersion: 'v23.0' },
  });
  await store.recordPoll({
    source: 'meta',
    startedAt: at(2),
    finishedAt: new Date(Date.parse(at(2)) + 1500).toISOString(),
    outcome: 'failed',
    errorCode: 'HTTP_STATUS',
    errorMessage: `GET /v24.0/111/insights?access_token=${SECRET} answered 500 <script>alert(1)</script>`,
    fetch: empty,
  });
  const snaps = store.docs;
  const save = (text: string, hoursBefore: number) =>
    snaps.save({
      source: 'meta',
      doc: 'changelog',
      hash: createHash('sha256').update(text).digest('hex'),
      normalized: text,
      fetchedAt: at(hoursBefore),
    });
  await save('v24.0\n- page_views added\n', 72);
  await save('v24.0\n- page_views added\n- page_impressions <b>deprecated</b>\n', 48);
  await save('v24.0\n- page_views added\n- page_impressions <b>deprecated</b> on 2026-06-15\n', 24);
  dashboard = await startDashboard({
    ...dashboardOptions(built.store, built.path),
    secrets: [SECRET],
    host: '127.0.0.1',
    port: 0,
  });
  return dashboard.url;
}

describe('source pages', () => {
  it('lists the sources on /sources and links each to its page, from the home page too', async () => {
    const url = await start();
    const list = await fetch(`${url}/sources`);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('<tr data-source="meta"><td><b><a href="/sources/meta">meta</a></b>');
    expect(html).toContain('<a href="/sources">Sources</a>');
    expect(await (await fetch(`${url}/`)).text()).toContain('href="/sources/meta"');
  });

  it("shows a source's polls with outcome and error, its served API versions, and its doc diffs, escaped and scrubbed", async () => {
    const url = await start();
    const res = await fetch(`${url}/sources/meta`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain('127.0.0.1:1'); // the connection URL of the source is never shown

    // polls: newest first, the failed one with its error (scrubbed, escaped) and how long it took
    const polls = [...html.matchAll(/<tr data-poll="(\d+)" data-outcome="(\w+)">/g)].map((m) => m[2]);
    expect(polls).toEqual(['ok', 'failed', 'ok']);
    expect(html).toContain('could not verify');
    expect(html).toContain(
      'HTTP_STATUS: GET /v24.0/111/insights?access_token=[REDACTED] answered 500 &#60;script&#62;',
    );
    expect(html).toContain('<td class="num">1.5 s</td>');
    expect(html).toContain('3 polls, 1 failed');

    // versions: both, oldest first, with how many polls served each
    const versions = [
      ...html.matchAll(
        /<tr data-version="([^"]+)"><td><code>[^<]+<\/code>(?: <span[^>]*>[^<]*<\/span>)?<\/td><td>[^<]+<\/td><td>[^<]+<\/td><td class="num">(\d+)<\/td>/g,
      ),
    ].map((m) => `${m[1]}×${m[2]}`);
    expect(versions).toEqual(['v23.0×1', 'v24.0×1']);

    // docs: two changes, newest first, as escaped line diffs
    expect(html).toContain('<article class="doc" data-doc="changelog">');
    expect(html).toContain('3 distinct versions kept');
    const changes = [...html.matchAll(/<details class="change"[^>]*><summary>([^<]+):/g)].map((m) => m[1]);
    expect(changes).toEqual(['2026-03-19 07:00 UTC', '2026-03-18 07:00 UTC']);
    expect(html).toContain(
      '<span class="del">-- page_impressions &#60;b&#62;deprecated&#60;/b&#62;</span>\n<span class="add">+- page_impressions &#60;b&#62;deprecated&#60;/b&#62; on 2026-06-15</span>',
    );
    expect(html).toContain('<span class="add">+- page_impressions &#60;b&#62;deprecated&#60;/b&#62;</span>');
  });

  it('answers 404 with the known sources for an unknown one', async () => {
    const url = await start();
    const res = await fetch(`${url}/sources/${encodeURIComponent('<nope>')}`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('no source named &#60;nope&#62;');
    expect(html).toContain('sources: meta');
  });
});
