// Golden replay: two benchmark panels replayed day by day; every event and a digest of every day's findings are
// pinned, so a speed change in the detectors, the frame or the replay cannot alter what a backtest reports.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatePanel, panelRows, type PanelSpec } from '../../bench/detection/generate.js';
import { HistorySet } from './history-set.js';
import { replayFindings } from './replay.js';

const SPEC: PanelSpec = { metrics: 10, entities: 24, days: 150, injectFrom: 80, injectShare: 0.8 };

function replay(seed: number, warmupDays: number) {
  const set = new HistorySet();
  for (const row of panelRows(generatePanel(seed, SPEC))) set.add(row);
  set.finish();
  const digest = createHash('sha256');
  let findings = 0;
  const { events, records } = replayFindings(set, {
    warmupDays,
    onDay: (day, source, fs) => {
      findings += fs.length;
      digest.update(JSON.stringify({ day, source, fs }));
    },
  });
  return { events, records: records.length, findings, days: digest.digest('hex') };
}

describe('replay golden (benchmark panels)', () => {
  it.each([
    { seed: 51, warmup: 60 },
    { seed: 52, warmup: 30 },
  ])('seed $seed, warm-up $warmup: same events and daily findings', async ({ seed, warmup }) => {
    const r = replay(seed, warmup);
    expect(r.events.length).toBeGreaterThan(0);
    await expect(JSON.stringify(r, null, 1)).toMatchFileSnapshot(
      `./__snapshots__/replay-golden-${seed}.json`,
    );
  });
});
