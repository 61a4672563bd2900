// End to end: a store built by real polls of the simulated Graph API (loopback HTTP), a metric divided by 1000 on
// every page, then `upwatch advise`, `accept --as rescaled-history`, `advise` again and `mask` (real CLI, fixed clock).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Advice } from '../../src/advisor/advice.js';
import type { MaskRow } from '../../src/advisor/training-mask.js';
import { ManualClock } from '../../src/core/clock.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { SIM_TOKEN_VARS } from '../../src/sim/contracts.js';
import { scenarioDate, type Scenario } from '../../src/sim/scenario.js';
import { quiet } from '../../src/sim/scenarios/quiet.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const CHANGE_DAY = 35;
const DAYS = CHANGE_DAY + 12;
const METRIC = 'page_media_view';
const scenario: Scenario = {
  ...quiet,
  name: 'views-divided-by-1000',
  description: 'The quiet pages, with page_media_view served ÷1000 on every page from day 35.',
  events: [{ kind: 'unit-change', day: CHANGE_DAY, metric: METRIC, factor: 0.001 }],
};
const day = (n: number) => scenarioDate(scenario, n);
const WINDOW = `${day(CHANGE_DAY - 20)}..${day(DAYS - 2)}`;

let result: DemoResult;
let workDir: string;
let clock: ManualClock;
const env = {
  [SIM_TOKEN_VARS.graph]: quiet.graph.accessToken,
  [SIM_TOKEN_VARS.partner]: quiet.partner.token,
  UPWATCH_USER: 'ana',
};

beforeAll(async () => {
  workDir = tempDir('upwatch-advise-');
  clock = new ManualClock('2020-01-01T00:00:00Z');
  result = await runDemo({ scenario, days: DAYS, workDir, clock });
}, 300_000);

const run = (args: string[]) =>
  cli([...args, '--db', join(workDir, 'upwatch.db')], { cwd: workDir, env, clock });
const advise = (...more: string[]) =>
  run([
    'advise',
    '--model',
    'feed-ranker',
    '--window',
    WINDOW,
    '--contracts',
    join(workDir, 'contracts'),
    ...more,
  ]);

describe('advise on a window that holds a ÷1000 change', () => {
  it('before any decision, waits on a window that ends days after the change (exit 1, do not retrain yet, with the day)', async () => {
    const early = await run([
      'advise',
      '--model',
      'feed-ranker',
      '--window',
      `${day(CHANGE_DAY - 20)}..${day(CHANGE_DAY + 2)}`,
      '--contracts',
      join(workDir, 'contracts'),
      '--format',
      'json',
    ]);
    expect(early.code).toBe(1);
    const advice = JSON.parse(early.stdout) as Advice;
    expect(advice.verdict).toBe('do not retrain yet');
    expect(advice.spans.find((s) => s.kind === 'new-regime')).toMatchObject({
      metric: METRIC,
      from: day(CHANGE_DAY),
      waitUntil: day(CHANGE_DAY + 6),
    });
  });

  it('says retrain after fixes (exit 1): rescale the rows before the onset ×0.001; after accept it is fit (exit 0)', async () => {
    const first = await advise('--format', 'json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    const advice = JSON.parse(first.stdout) as Advice;
    expect(advice.verdict).toBe('retrain after fixes');
    const rescale = advice.spans.filter((s) => s.metric === METRIC && s.kind === 'scale-change');
    expect(rescale.length).toBeGreaterThan(0);
    for (const s of rescale)
      expect(s).toMatchObject({
        action: 'rescale',
        factor: 0.001,
        onset: day(CHANGE_DAY),
        from: day(CHANGE_DAY - 20),
        to: day(CHANGE_DAY - 1),
        weight: 'fix',
        entity: '*',
      });
    expect(rescale[0]!.factorRange?.[0]).toBeLessThanOrEqual(0.001);
    expect(rescale[0]!.factorRange?.[1]).toBeGreaterThanOrEqual(0.001);
    // The invariant unique ≤ total breaks the same day on the companion metric: explained by the change, a note.
    expect(advice.spans.filter((s) => s.metric === 'page_total_media_view_unique')).toMatchObject([
      { rule: 'invariant-broken', action: 'ok', weight: 'note' },
    ]);
    expect(advice.spans.filter((s) => s.weight === 'fix' && s.metric !== METRIC)).toEqual([]);

    const text = await advise();
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toBe(`model feed-ranker, ${WINDOW}: retrain after fixes`);
    expect(text.stdout).toMatch(/FIX +scale-change +\* \S+ {2}rescale ÷1000/);

    const mask = await run([
      'mask',
      '--model',
      'feed-ranker',
      '--window',
      WINDOW,
      '--contracts',
      join(workDir, 'contracts'),
    ]);
    expect(mask.code).toBe(0);
    const lines = mask.stdout.trim().split('\n');
    expect(lines[0]).toBe('feature,source,metric,entity,from,to,action,factor,reason');
    expect(lines).toContain(
      lines.find((l) =>
        l.startsWith(
          `engagement_per_view_7d,meta-page-insights,${METRIC},*,${day(CHANGE_DAY - 20)},${day(CHANGE_DAY - 1)},rescale,0.001,`,
        ),
      ),
    );
    expect(lines.filter((l) => /,rescale,0\.001,/.test(l))).toHaveLength(2); // two features of the model use it

    const trainingGate = await run([
      'gate',
      '--model',
      'feed-ranker',
      '--for',
      'training',
      '--window',
      WINDOW,
      '--contracts',
      join(workDir, 'contracts'),
    ]);
    expect(trainingGate.code).toBe(1);
    expect(trainingGate.stdout).toMatch(
      /^engagement_per_view_7d {2}BLOCKED\n {2}fix +scale-change {2}meta-page-insights\/page_media_view \*/m,
    );
    expect(trainingGate.stdout).toMatch(/^engagement_rate_trend_28d {2}ok$/m);
    expect(trainingGate.stdout).toMatch(/training on \S+: retrain after fixes/);

    const out = join(workDir, 'report.html');
    const report = await run(['report', '--out', out, '--contracts', join(workDir, 'contracts')]);
    expect(report.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/model feed-ranker: fit to retrain on \S+\?/);
    expect(html).toContain('<span class="badge state-warn">retrain after fixes</span>');

    const fp = result.timeline
      .flatMap((d) => d.opened)
      .find((f) => f.rule === 'panel-scale' && f.metric === METRIC)!.fingerprint;
    const accepted = await run([
      'accept',
      fp.slice(0, 8),
      '--as',
      'rescaled-history',
      '--reason',
      'history ÷1000 in the feature store',
    ]);
    expect(accepted.code).toBe(0);

    const after = await advise('--format', 'json');
    const decided = JSON.parse(after.stdout) as Advice;
    expect(decided.verdict).toBe('retrain');
    expect(after.code).toBe(0);
    for (const s of decided.spans.filter((x) => x.metric === METRIC && x.kind === 'scale-change'))
      expect(s).toMatchObject({
        action: 'ok',
        weight: 'decided',
        decision: { kind: 'rescaled-history', by: 'ana', factor: 0.001 },
      });

    const gateAfter = await run([
      'gate',
      '--model',
      'feed-ranker',
      '--for',
      'training',
      '--window',
      WINDOW,
      '--json',
      '--contracts',
      join(workDir, 'contracts'),
    ]);
    expect(gateAfter.code).toBe(0);
    expect((JSON.parse(gateAfter.stdout) as { verdict: string }).verdict).toBe('retrain');

    const jsonl = await run([
      'mask',
      '--model',
      'feed-ranker',
      '--window',
      WINDOW,
      '--format',
      'jsonl',
      '--contracts',
      join(workDir, 'contracts'),
    ]);
    const rows = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MaskRow);
    expect(rows.filter((r) => r.action !== 'ok')).toEqual([]);
    expect(rows.filter((r) => r.metric === METRIC)).toHaveLength(2);
  });

  it('honours a declared event: its days are dropped, and the change that began inside it is linked to it', async () => {
    const file = join(workDir, 'contracts', 'events.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: upwatch/v1',
        'kind: Event',
        'name: ui-redesign-2023-12',
        'description: new page layout',
        `from: ${day(CHANGE_DAY - 1)}`,
        `to: ${day(CHANGE_DAY + 1)}`,
        'metrics: [meta-page-insights/page_media_view]',
        'train: false',
        '',
      ].join('\n'),
    );
    try {
      const valid = await cli(['validate', '--contracts', join(workDir, 'contracts')], {
        cwd: workDir,
        env,
        clock,
      });
      expect(valid.stdout).toMatch(
        /^contracts valid: 4 files, 2 sources, \d+ features, \d+ metrics, 1 event/m,
      );
      const r = await advise('--format', 'json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const advice = JSON.parse(r.stdout) as Advice;
      expect(advice.verdict).toBe('retrain after fixes');
      expect(advice.spans.filter((s) => s.kind === 'event')).toMatchObject([
        {
          feature: 'engagement_per_view_7d',
          event: 'ui-redesign-2023-12',
          from: day(CHANGE_DAY - 1),
          to: day(CHANGE_DAY + 1),
          action: 'drop',
        },
        { feature: 'reach_uniques_7d', event: 'ui-redesign-2023-12', action: 'drop' },
      ]);
      expect(advice.eventLinks).toContainEqual(
        expect.objectContaining({
          rule: 'panel-scale',
          metric: METRIC,
          onset: day(CHANGE_DAY),
          event: 'ui-redesign-2023-12',
        }),
      );
      const text = await advise();
      expect(text.stdout).toMatch(
        /\(panel-scale meta-page-insights\/page_media_view, onset \S+\) explained by event ui-redesign-2023-12/,
      );
    } finally {
      rmSync(file);
    }
  });

  it('exits 3 for a window with no values, 2 for an unknown model, a bad window or --window on a serving gate', async () => {
    const serving = await run([
      'gate',
      '--model',
      'feed-ranker',
      '--window',
      WINDOW,
      '--contracts',
      join(workDir, 'contracts'),
    ]);
    expect(serving.code).toBe(2);
    expect(serving.stderr).toMatch(/--window needs --for training/);
    const unknown = await run(['advise', '--model', 'nope', '--contracts', join(workDir, 'contracts')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown model: nope/);
    const before = await run([
      'advise',
      '--model',
      'feed-ranker',
      '--window',
      '2020-01-01..2020-01-28',
      '--contracts',
      join(workDir, 'contracts'),
    ]);
    expect(before.code).toBe(3);
    expect(before.stdout).toMatch(/^model feed-ranker, 2020-01-01\.\.2020-01-28: could not verify$/m);
    expect(before.stdout).toMatch(
      /could not verify meta-page-insights\/page_media_view: no values in the window/,
    );
    const bad = await run([
      'advise',
      '--model',
      'feed-ranker',
      '--window',
      'last-week',
      '--contracts',
      join(workDir, 'contracts'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--window must be FROM\.\.TO/);
  });
});
