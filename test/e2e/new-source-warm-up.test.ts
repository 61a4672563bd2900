// End to end: a new source with low counts and nothing broken upstream sends no alert mail in its first two weeks
// (real simulated Graph API, real SQLite store, real SMTP catcher on loopback, fixed clock).
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { runDemo } from '../../src/demo/run-demo.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { quiet } from '../../src/sim/scenarios/quiet.js';

/** The quiet world at a twentieth of its traffic on 6 pages: daily counts from 0 to a few dozen, nothing broken. */
const smallPages: Scenario = {
  ...quiet,
  name: 'quiet-small-pages',
  description: 'Six small pages, daily counts from 0 to a few dozen, no scripted events.',
  graph: {
    ...quiet.graph,
    pages: { ...quiet.graph.pages, count: 6 },
    metrics: quiet.graph.metrics.map((m) =>
      m.kind === 'count' && m.base !== undefined ? { ...m, base: 200 } : m,
    ),
  },
};

describe('a new source with low counts', () => {
  it('mails no alert in its first 14 days; short-history repeats stay info and say what they wait for', async () => {
    const subjects: string[] = [];
    const result = await runDemo({
      scenario: smallPages,
      days: 14,
      clock: new ManualClock('2020-01-01T00:00:00Z'),
      onMail: (m) => subjects.push(m.subject),
    });
    // Before the warm-up, frozen-run warned "with only 0 day-pairs of history" on day 1 and on day 6: 4 alert mails
    // (2 findings × 2 recipients) and a daily reminder after each.
    expect(subjects.filter((s) => !/REMINDER/.test(s))).toEqual([]);
    expect(result.summary.emails).toEqual({ alert: 0, digest: 0, resolved: 0, reminder: 0, countdown: 0 });
    const held = result.timeline.flatMap((d) => d.opened).filter((f) => f.rule === 'frozen-run');
    expect(held.length).toBeGreaterThan(0);
    for (const f of held) {
      expect(f.severity).toBe('info');
    }
    expect(
      held.some((f) =>
        /Not alerted: frozen-run needs 9 days of \w+ history before the onset/.test(f.explanation ?? ''),
      ),
    ).toBe(true);
  }, 120_000);
});
