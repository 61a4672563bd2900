import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/serve/status-report.js';
import { openStore } from '../../src/store/store.js';
import { cli, exitOf, REPO, spawnTsx, waitForOutput } from '../helpers/cli.js';
import { dashboardStore } from '../helpers/dashboard-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('upwatch serve (the CLI)', () => {
  it('serves the store until SIGTERM, acts with the token (bearer), and exits 0', async () => {
    const dir = tempDir('upwatch-serve-cli-');
    const built = await dashboardStore(dir);
    await built.store.close();
    const child = spawnTsx(
      'src/cli/main.ts',
      ['serve', '--port', '0', '--db', built.path, '--contracts', join(REPO, 'contracts')],
      { UPWATCH_SERVE_TOKEN: 'cli-token-1' },
    );
    const seen = await waitForOutput(
      child,
      /upwatch serve: (http:\/\/127\.0\.0\.1:\d+) \(actions need the token\)/,
    );
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(seen)![1]!;
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok');
    const status = (await (await fetch(`${url}/api/status`)).json()) as StatusReport;
    expect(status.findings.map((f) => f.fingerprint)).toEqual([built.fingerprint]);
    const ack = await fetch(`${url}/findings/${built.fingerprint}/ack`, {
      method: 'POST',
      body: new URLSearchParams({ reason: 'vendor ticket 42' }),
      headers: { authorization: 'Bearer cli-token-1' },
      redirect: 'manual',
    });
    expect(ack.status).toBe(303);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    const store = openStore(built.path, { readonly: true });
    try {
      expect((await store.audit.read({ target: built.fingerprint })).at(-1)).toMatchObject({
        actor: 'api-token',
        action: 'acknowledged',
        reason: 'vendor ticket 42',
      });
    } finally {
      await store.close();
    }
  });

  it('without a token opens the store read-only: every page answers, every POST is refused', async () => {
    const built = await dashboardStore(tempDir('upwatch-serve-ro-'));
    await built.store.close();
    const child = spawnTsx('src/cli/main.ts', [
      'serve',
      '--port',
      '0',
      '--db',
      built.path,
      '--contracts',
      join(REPO, 'contracts'),
    ]);
    try {
      const seen = await waitForOutput(child, /upwatch serve: http:\/\/127\.0\.0\.1:\d+ \(read-only/);
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(seen)![1]!;
      for (const path of [
        '/',
        '/findings',
        `/findings/${built.fingerprint}`,
        '/api/status',
        '/metrics',
        '/healthz',
      ])
        expect([path, (await fetch(`${url}${path}`)).status]).toEqual([path, 200]);
      const post = await fetch(`${url}/findings/${built.fingerprint}/ack`, {
        method: 'POST',
        body: new URLSearchParams({ reason: 'x' }),
        headers: { authorization: 'Bearer anything' },
        redirect: 'manual',
      });
      expect(post.status).toBe(403);
    } finally {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  });

  it('exits 2 without a store, or with a bad --port', async () => {
    const cwd = tempDir('upwatch-serve-none-');
    const none = await cli(['serve', '--port', '0', '--db', join(cwd, 'missing.db')], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no store at');
    const port = await cli(['serve', '--port', 'eighty'], { cwd });
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be a whole number');
  });
});
