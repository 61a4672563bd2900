// End to end: one recommender through a scheduled weekly retrain while upwatch polls the simulated Graph API once a
// simulated day. Each Monday the training job asks the advisor about the last 28 days: yes while the upstream is
// clean, no the week a metric is divided by 1000 (too new, then fixes), yes once the rescale is recorded.
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adviseStore } from '../../src/advisor/advise-store.js';
import type { Advice } from '../../src/advisor/advice.js';
import { trainingMask, type MaskRow } from '../../src/advisor/training-mask.js';
import { addDays, isoDay, ManualClock } from '../../src/core/clock.js';
import { loadContractTexts } from '../../src/contracts/load.js';
import { runDemo } from '../../src/demo/run-demo.js';
import { acceptFinding } from '../../src/findings/accept.js';
import { simContractEnv } from '../../src/sim/contracts.js';
import { pageIds, scenarioDate, type Scenario } from '../../src/sim/scenario.js';
import { quiet } from '../../src/sim/scenarios/quiet.js';
import { openStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp-dir.js';

const BURST_DAY = 20;
const CHANGE_DAY = 38;
const ACCEPT_DAY = 50;
const DAYS = 64;
const METRIC = 'page_media_view';
const scenario: Scenario = {
  ...quiet,
  name: 'weekly-retrain',
  description:
    'The quiet pages; a 3-day viral burst on one page from day 20; page_media_view served ÷1000 on every page from day 38.',
  events: [
    { kind: 'viral-burst', day: BURST_DAY, page: 2, days: 3, factor: 6 },
    { kind: 'unit-change', day: CHANGE_DAY, metric: METRIC, factor: 0.001 },
  ],
};

interface Week {
  day: number;
  advice: Advice;
  mask: MaskRow[];
}
const weeks: Week[] = [];

beforeAll(async () => {
  const workDir = tempDir('upwatch-advise-weekly-');
  const clock = new ManualClock('2020-01-01T00:00:00Z');
  const db = join(workDir, 'upwatch.db');
  const contracts = () => {
    const dir = join(workDir, 'contracts');
    const files = readdirSync(dir).map((n) => ({ path: n, text: readFileSync(join(dir, n), 'utf8') }));
    return loadContractTexts(files, { env: simContractEnv(scenario), now: clock.now() }).contracts;
  };
  await runDemo({
    scenario,
    days: DAYS,
    workDir,
    clock,
    onDay: async (d) => {
      if (d.day === ACCEPT_DAY) {
        const store = openStore(db);
        try {
          const held = (await store.findings.list({ status: ['open', 'acknowledged'] })).find(
            (f) => f.metric === METRIC && f.lifecycle === 'change',
          )!;
          await acceptFinding(store, {
            finding: held.fingerprint,
            as: 'rescaled-history',
            reason: 'feature store ÷1000 before the onset',
            by: 'ana',
            now: clock.now(),
          });
        } finally {
          await store.close();
        }
      }
      // The scheduled retrain: every 7th day from day 28, on the 28 days that ended yesterday.
      if (d.day < 28 || d.day % 7 !== 0) return;
      const to = addDays(isoDay(clock.now()), -1);
      const store = openStore(db, { readonly: true });
      try {
        const advice = await adviseStore({
          store,
          contracts: contracts(),
          model: 'feed-ranker',
          window: { from: addDays(to, -27), to },
          now: clock.now(),
        });
        weeks.push({ day: d.day, advice, mask: trainingMask(advice) });
      } finally {
        await store.close();
      }
    },
  });
}, 300_000);

describe('a weekly retrain of feed-ranker', () => {
  it('is told yes, then not yet, then fixes with a mask, then yes after the decision', () => {
    const verdicts = weeks.map((w) => [w.day, w.advice.verdict]);
    expect(verdicts).toEqual([
      [28, 'retrain'],
      [35, 'retrain'],
      [42, 'do not retrain yet'], // days into the new regime: wait until it has 7
      [49, 'retrain after fixes'], // rescale the rows before the onset (the mask says how)
      [56, 'retrain'], // the rescale was recorded on day 50
      [63, 'retrain'],
    ]);
    // The burst blocks nothing; the advisor marks it unrepresentative on its page.
    const burst = weeks[0]!.advice.spans.filter((s) => s.kind === 'unstable' && s.metric === METRIC);
    expect(burst.length).toBeGreaterThan(0);
    for (const s of burst)
      expect(s).toMatchObject({ entity: pageIds(scenario)[2], weight: 'note', action: 'ok' });
    expect(
      burst[0]!.from >= scenarioDate(scenario, BURST_DAY - 1) &&
        burst[0]!.to <= scenarioDate(scenario, BURST_DAY + 3),
    ).toBe(true);

    const onset = weeks[2]!.advice.spans.find((s) => s.kind === 'new-regime')!;
    expect(onset).toMatchObject({ metric: METRIC, weight: 'wait' });
    expect(weeks[2]!.advice.retrainFrom).toBe(addDays(onset.from, 6));

    const fix = weeks[3]!.mask.filter((r) => r.action === 'rescale');
    expect(fix).toHaveLength(2); // the two features of the model that use page_media_view
    for (const r of fix)
      expect(r).toMatchObject({ metric: METRIC, entity: '*', factor: 0.001, to: addDays(onset.from, -1) });

    expect(weeks[4]!.mask.filter((r) => r.action !== 'ok')).toEqual([]);
    expect(weeks[4]!.advice.spans.filter((s) => s.metric === METRIC)).toMatchObject([
      { kind: 'scale-change', weight: 'decided', decision: { kind: 'rescaled-history', by: 'ana' } },
      { kind: 'scale-change', weight: 'decided' },
    ]);
  });
});
