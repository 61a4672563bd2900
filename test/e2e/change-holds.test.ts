// End to end: a metric divided by 1000 on every page blocks its features until someone records a decision, even
// after the detectors' baselines adapt and they fall quiet (real pipeline, real SQLite store, real CLI, fixed clock).
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ManualClock } from '../../src/core/clock.js';
import type { StatusFile } from '../../src/gate/status-file.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { SIM_TOKEN_VARS } from '../../src/sim/contracts.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { quiet } from '../../src/sim/scenarios/quiet.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const CHANGE_DAY = 35;
/** The detectors fall quiet within days of the change; the days after are what must stay blocked. */
const DAYS = CHANGE_DAY + 35;
const FEATURE = 'engagement_per_view_7d'; // uses page_media_view (and page_post_engagements, untouched)

const scenario: Scenario = {
  ...quiet,
  name: 'views-divided-by-1000',
  description: 'The quiet pages, with page_media_view served ÷1000 on every page from day 35.',
  events: [{ kind: 'unit-change', day: CHANGE_DAY, metric: 'page_media_view', factor: 0.001 }],
};

let result: DemoResult;
let workDir: string;
let clock: ManualClock;
const env = {
  [SIM_TOKEN_VARS.graph]: quiet.graph.accessToken,
  [SIM_TOKEN_VARS.partner]: quiet.partner.token,
};

beforeAll(async () => {
  workDir = tempDir('upwatch-change-holds-');
  clock = new ManualClock('2020-01-01T00:00:00Z');
  result = await runDemo({ scenario, days: DAYS, workDir, clock });
}, 300_000);

const paths = () => ({ db: join(workDir, 'upwatch.db'), contracts: join(workDir, 'contracts') });
const run = (args: string[]) =>
  cli([...args, '--db', paths().db], { cwd: workDir, env: { ...env, UPWATCH_USER: 'ana' }, clock });

describe('a ÷1000 change on every page', () => {
  it('blocks the feature the day after, and the detectors fall quiet within days (absence alone would reopen it)', async () => {
    const opened = result.timeline.flatMap((d) => d.opened.map((f) => ({ day: d.day, f })));
    const scale = opened.find((o) => o.f.rule === 'panel-scale' && o.f.metric === 'page_media_view');
    expect(scale?.day).toBeLessThanOrEqual(CHANGE_DAY + 2);
    const changes = result.timeline.flatMap((d) =>
      d.features.filter((c) => c.feature === FEATURE).map((c) => ({ day: d.day, to: c.to })),
    );
    expect(changes).toEqual([{ day: scale!.day, to: 'blocked' }]);

    const store = openStore(paths().db, { readonly: true });
    try {
      const [held] = (await store.findings.list()).filter((f) => f.fingerprint === scale!.f.fingerprint);
      // Before changes held, two quiet polls resolved it ("absent for 2 consecutive good polls") and the gate
      // allowed the feature again while every value stayed 1000× off. Now it is still open after 30+ quiet polls.
      expect(held).toMatchObject({ status: 'open', lifecycle: 'change', evidence: { factor: 0.001 } });
      expect(held!.goodPollsSinceAbsent).toBeGreaterThanOrEqual(30);
      expect(
        (await store.audit.read({ targetKind: 'finding', target: held!.fingerprint })).map((a) => a.action),
      ).toEqual(['opened']);
    } finally {
      await store.close();
    }
  });

  it('stays blocked until `upwatch accept … --as rescaled-history`; then the gate exits 0 and status shows it', async () => {
    const fp = result.timeline
      .flatMap((d) => d.opened)
      .find((f) => f.rule === 'panel-scale' && f.metric === 'page_media_view')!.fingerprint;

    const blocked = await run(['gate', FEATURE, '--contracts', paths().contracts]);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/panel-scale +meta-page-insights\/page_media_view/);
    expect(blocked.stdout).toMatch(
      /Not seen by the detector since \d{4}-\d\d-\d\d: the baselines have adapted/,
    );

    const accepted = await run([
      'accept',
      fp.slice(0, 8),
      '--as',
      'rescaled-history',
      '--reason',
      'history ÷1000 from the onset in the feature store',
    ]);
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(new RegExp(`^decided ${fp} .*rescaled-history ×0\\.001 by ana`));

    const gate = await run(['gate', FEATURE, '--contracts', paths().contracts, '--json']);
    expect(gate.code).toBe(0);
    const json = JSON.parse(gate.stdout) as StatusFile;
    expect(json.features[0]).toMatchObject({
      feature: FEATURE,
      state: 'ok',
      decisions: [{ kind: 'rescaled-history', factor: 0.001, by: 'ana', metric: 'page_media_view' }],
    });

    const status = await run(['status', '--contracts', paths().contracts]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/decisions \(last 90 days\): 1/);
    expect(status.stdout).toMatch(/page_media_view +rescaled-history ×0\.001 by ana: history ÷1000/);
    const statusJson = JSON.parse((await run(['status', '--json'])).stdout) as {
      decisions: { kind: string }[];
    };
    expect(statusJson.decisions.map((d) => d.kind)).toEqual(['rescaled-history']);

    const again = await run(['accept', fp.slice(0, 8), '--as', 'new-definition', '--reason', 'twice']);
    expect(again.code).toBe(2);
  });
});
