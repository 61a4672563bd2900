// `upwatch validate` flags metrics Meta already removed (with the day and replacement) and pinned versions near or
// past their end of life, from the built-in knowledge file.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const work = mkdtempSync(join(tmpdir(), 'upwatch-known-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The example Meta contract, with its source only, a pinned version and a list of metrics. */
function contract(version: string, metrics: string[]): string {
  const example = readFileSync('contracts/meta-page-insights.yaml', 'utf8').split(/^---$/m)[0]!;
  const head = example
    .slice(0, example.indexOf('metrics:'))
    .replace(/apiVersion: v\d+\.\d+/, `apiVersion: ${version}`);
  return `${head}metrics:\n${metrics.map((m) => `  - name: ${m}\n    period: day\n    kind: count\n`).join('')}`;
}

async function validate(dirName: string, text: string, day: string) {
  const dir = join(work, dirName);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'meta.yaml'), text);
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: { META_PAGE_TOKEN: 'x' },
    cwd: process.cwd(),
    clock: new ManualClock(`${day}T10:00:00Z`),
    isTTY: false,
  };
  const code = await runCli(['validate', '--contracts', dir], io);
  return { code, text: out + err };
}

describe('upwatch validate with the built-in knowledge', () => {
  it('errors on page_impressions (removed 2025-11-15, use page_media_view) and page_engaged_users (2024-03-14)', async () => {
    const r = await validate(
      'removed',
      contract('v24.0', ['page_media_view', 'page_impressions', 'page_engaged_users']),
      '2026-01-10',
    );
    expect(r.code).toBe(1);
    expect(r.text).toMatch(
      /meta\.yaml:\d+:\d+ +error +metric page_impressions .*removed by Meta on 2025-11-15.*use page_media_view/,
    );
    expect(r.text).toMatch(
      /error +metric page_engaged_users .*removed by Meta on 2024-03-14.*no alternative/,
    );
    expect(r.text).toContain('[metric-removed]');
  });

  it('warns on a metric announced for later, and passes', async () => {
    const r = await validate('announced', contract('v25.0', ['page_impressions_unique']), '2026-03-01');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(
      /warning +metric page_impressions_unique .*will be removed by Meta on 2026-06-15.*page_total_media_view_unique/,
    );
  });

  it.each([
    ['v20.0', '2026-09-01', 0, 'warning', 'version-eol-soon', '23 days left'],
    ['v18.0', '2026-03-01', 1, 'error', 'version-eol-passed', 'stopped on 2026-01-26'],
  ])('pinned %s on %s', async (version, day, code, severity, rule, words) => {
    const r = await validate(`pinned-${version}`, contract(version, ['page_media_view']), day);
    expect(r.code).toBe(code);
    expect(r.text).toContain(`${severity}`);
    expect(r.text).toContain(`[${rule}]`);
    expect(r.text).toContain(words);
  });
});
