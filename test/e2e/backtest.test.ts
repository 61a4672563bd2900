import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { ManualClock, addDays } from '../../src/core/clock.js';
import { negBinomial, normal, seeded } from '../../src/core/random.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'backtest');

async function backtest(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
    cwd: process.cwd(),
    clock: new ManualClock('2026-03-01T00:00:00Z'),
    isTTY: false,
  };
  const code = await runCli(['backtest', ...args], io);
  return { code, stdout, stderr };
}

describe('upwatch backtest', () => {
  it('replays the hand-written CSV and prints each finding on the day it would have fired', async () => {
    const r = await backtest(['--history', join(FIXTURES, 'shop.csv')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^2026-02-04 {2}warn {3}frozen-run +shop\/orders {2}onset 2026-02-02/m);
    expect(r.stdout).toMatch(/^2026-02-06 {2}block {2}panel-scale +shop\/revenue {2}onset 2026-02-05/m);
    expect(r.stdout).toMatch(/≈×100/);
    expect(r.stdout).toMatch(/backtest: 210 rows, 35 days replayed/);
    // The same lifecycle as poll: the ×100 on revenue is a change and is still open (blocking) at the end.
    expect(r.stdout).toMatch(/open at the end: [1-9]\d* block/);
    expect(r.stderr).toMatch(/read 210 rows; replaying/);
  });

  it('prints one JSON object per finding, with contracts applying kinds and check overrides', async () => {
    const r = await backtest([
      '--history',
      join(FIXTURES, 'shop.csv'),
      '--contracts',
      join(FIXTURES, 'contracts'),
      '--format',
      'json',
      '--no-progress',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            rule: string;
            severity: string;
            metric: string;
            evidence: Record<string, unknown>;
          },
      );
    expect(lines.map((l) => [l.rule, l.severity, l.metric])).toEqual([
      ['frozen-run', 'block', 'orders'],
      ['panel-scale', 'block', 'revenue'],
    ]);
    for (const l of lines)
      expect(Object.keys(l)).toEqual(
        expect.arrayContaining([
          'rule',
          'severity',
          'source',
          'metric',
          'entities',
          'onset',
          'detectedOn',
          'explanation',
          'evidence',
        ]),
      );
    expect(lines[1]!.evidence['factor']).toBe(100);
    expect(lines.map((l) => (l as unknown as { lifecycle: string }).lifecycle)).toEqual([
      'condition',
      'change',
    ]);
    expect(lines[1]!.evidence['absorbed']).toEqual(['unit-scale']);
  });

  it('flags unique viewers overtaking views once the contract declares the invariant', async () => {
    const history = join(FIXTURES, 'page-views.csv');
    const r = await backtest([
      '--history',
      history,
      '--contracts',
      join(FIXTURES, 'page-views-contracts'),
      '--format',
      'json',
      '--no-progress',
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        rule: 'invariant-broken',
        severity: 'block',
        metric: 'page_total_media_view_unique',
        entities: ['101', '102', '103'],
        onset: '2026-02-06',
        detectedOn: '2026-02-08',
        evidence: expect.objectContaining({
          atMost: 'page_media_view',
          violatingEntityDays: 6,
          baselineRatio: 0.6,
          factor: null,
          exampleEntity: '101',
          exampleValue: 999,
          exampleBound: 896,
        }) as unknown,
      }),
    ]);
    expect(lines[0]!['explanation']).toMatch(
      /^page_total_media_view_unique must stay at most page_media_view, but exceeds it on 3\/3 entities since 2026-02-06/,
    );
    // Without the contract the names do not pair (X_unique ≤ X is inferred only for exact names): no finding.
    const bare = await backtest(['--history', history, '--no-progress']);
    expect(bare.stdout).toMatch(/findings: 0 block, 0 warn, 0 info/);
  });

  it('reads JSON Lines with the same fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-bt-'));
    const file = join(dir, 'h.jsonl');
    const rows = Array.from({ length: 20 }, (_, d) =>
      JSON.stringify({
        date: `2026-01-${String(d + 1).padStart(2, '0')}`,
        source: 's',
        metric: 'm',
        entity: 'e',
        value: d < 12 ? 100 + ((d * 37) % 23) : 111,
      }),
    );
    writeFileSync(file, `${rows.join('\n')}\n`);
    const r = await backtest(['--history', file, '--format', 'json', '--no-progress']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.split('\n')[0]!)).toMatchObject({
      rule: 'frozen-run',
      source: 's',
      metric: 'm',
      entities: ['e'],
    });
  });

  it.each([
    {
      name: 'bad rows, with line numbers',
      file: join(FIXTURES, 'bad-rows.csv'),
      want: [
        /bad-rows\.csv:3: value must be a number/,
        /bad-rows\.csv:4: date must be an ISO day/,
        /bad-rows\.csv:5: metric is empty/,
      ],
    },
    { name: 'a missing file', file: join(FIXTURES, 'nope.csv'), want: [/cannot read history file/] },
  ])('exits 2 on $name', async ({ file, want }) => {
    const r = await backtest(['--history', file]);
    expect(r.code).toBe(2);
    for (const w of want) expect(r.stderr).toMatch(w);
    expect(r.stderr).toMatch(/HISTORY_INVALID/);
  });

  it('exits 2 on a CSV without the expected header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-bt-'));
    writeFileSync(join(dir, 'h.csv'), 'day,metric,value\n2026-01-01,m,1\n');
    const r = await backtest(['--history', join(dir, 'h.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/h\.csv:1: CSV header lacks date, source, entity/);
  });

  it('reads a segment column as the entity, and exits 2 on category rows it cannot replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-bt-'));
    const days = Array.from(
      { length: 20 },
      (_, i) => `2026-01-${String(i + 1).padStart(2, '0')},s,m,low,${100 + (i % 7)}`,
    );
    writeFileSync(join(dir, 'seg.csv'), `date,source,metric,segment,value\n${days.join('\n')}\n`);
    const ok = await backtest(['--history', join(dir, 'seg.csv'), '--no-progress']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    writeFileSync(
      join(dir, 'cat.csv'),
      'date,source,metric,entity,category,value\n2026-01-01,s,intent,global,video,4\n',
    );
    const r = await backtest(['--history', join(dir, 'cat.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /cat\.csv:2: backtest does not replay categorical metrics \(this row has category "video"\)/,
    );
  });

  it('prints the same on worker threads as in one thread (--workers), each kind once; exits 2 on --workers 0', async () => {
    // views: ÷1000 on every page from day 15 (a new regime in the first worker's days), then ×10 from day 70;
    // ctr: a 0..1 ratio, read as one.
    const r = seeded(77);
    const lines = ['date,source,metric,entity,value'];
    for (let t = 0; t < 100; t++)
      for (let e = 0; e < 24; e++) {
        const date = addDays('2026-01-05', t);
        const factor = (t >= 15 ? 1 / 1000 : 1) * (t >= 70 ? 10 : 1);
        lines.push(`${date},site,views,p${e},${negBinomial(r, 500 + 60 * e, 20) * factor}`);
        const ctr = Math.round(Math.min(0.9, (0.02 + e / 400) * Math.exp(0.3 * normal(r))) * 1e4) / 1e4;
        lines.push(`${date},site,ctr,p${e},${ctr}`);
      }
    const dir = mkdtempSync(join(tmpdir(), 'upwatch-bt-'));
    writeFileSync(join(dir, 'site.csv'), `${lines.join('\n')}\n`);
    const args = ['--history', join(dir, 'site.csv'), '--format', 'json'];
    const one = await backtest([...args, '--workers', '1']);
    const two = await backtest([...args, '--workers', '2']);
    expect(two.code).toBe(0);
    expect(one.stdout).toMatch(/"rule":"panel-scale","severity":"block","source":"site","metric":"views"/);
    expect(two.stdout).toBe(one.stdout);
    for (const run of [one, two])
      expect(run.stderr.match(/site\/ctr: every value of its first days lies in 0\.\.1/g)).toHaveLength(1);
    const zero = await backtest([...args, '--workers', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--workers must be a whole number ≥ 1 \(got "0"\)/);
  });
});
