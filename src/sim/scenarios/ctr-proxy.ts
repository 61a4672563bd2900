// A warehouse story: a click-through rate used as a relevance target jumps after a UI redesign, a declared event.
import { successes, volume, type PushScenario, type PushValue } from '../push-scenario.js';

/** Surfaces, their daily impressions and click-through rate before the redesign; `redesigned` got the new cards. */
const SURFACES = [
  { surface: 'home', impressions: 50_000, ctr: 0.03, redesigned: true },
  { surface: 'related', impressions: 30_000, ctr: 0.02, redesigned: true },
  { surface: 'search', impressions: 20_000, ctr: 0.045, redesigned: false },
];

/** Data day the redesign ships (bigger thumbnails, autoplay on): the event's first day. */
const REDESIGN_DAY = 10;
/** Clicks per impression on redesigned surfaces after the redesign, relative to before. */
const LIFT = 1.35;

const CONTRACTS = `apiVersion: upwatch/v1
kind: Source
name: feed-events
description: Nightly impressions and clicks of recommended items, per surface.
owners: [feed-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - { name: impressions, kind: count }
  - { name: clicks, kind: count }
  - name: ctr
    kind: ratio
    numerator: clicks
    denominator: impressions
    segments: { dimension: surface }
---
apiVersion: upwatch/v1
kind: Feature
name: impressions_7d
owners: [feed-ml@example.com]
uses: [feed-events/impressions]
---
apiVersion: upwatch/v1
kind: Model
name: feed-ranker
description: Ranks recommended items; trained with clicks per impression as its relevance target.
owners: [feed-ml@example.com]
features: [impressions_7d]
kpis: [feed-events/ctr]
---
apiVersion: upwatch/v1
kind: Event
name: ui-redesign-2026-08
description: new feed cards with bigger thumbnails and autoplay on by default, rolled out to home and related
from: 2026-08-13
to: 2026-08-19
metrics: [feed-events/ctr]
train: false
`;

/** `ctr-proxy`: 20 days; the redesign ships on data day 10 (2026-08-13), declared as an event. */
export const ctrProxy: PushScenario = {
  name: 'ctr-proxy',
  description:
    'A feed ranker is trained with clicks per impression as its relevance target. A nightly job pushes impressions ' +
    'and clicks per surface (upwatch ingest). On day 10 a UI redesign ships (bigger thumbnails, autoplay on): the ' +
    'click-through rate of the redesigned surfaces jumps by a third. The shift is real but says nothing about ' +
    'relevance; the team declared the redesign as an Event, and upwatch links the finding to it.',
  startDate: '2026-08-03',
  days: 20,
  pushTimeUtc: '05:00',
  seed: 15,
  backfillDays: 42,
  contracts: CONTRACTS,
  source: 'feed-events',
  values(day, rng) {
    const out: PushValue[] = [];
    for (const s of SURFACES) {
      const impressions = volume(rng(s.surface, 'impressions', day), s.impressions, day, 0.15);
      const ctr = s.redesigned && day >= REDESIGN_DAY ? s.ctr * LIFT : s.ctr;
      out.push(
        { metric: 'impressions', entity: s.surface, value: impressions },
        {
          metric: 'clicks',
          entity: s.surface,
          value: successes(rng(s.surface, 'clicks', day), impressions, ctr),
        },
      );
    }
    return out;
  },
  notes: [
    { day: 0, text: 'the warehouse job backfills 42 days of impressions and clicks per surface' },
    {
      day: REDESIGN_DAY + 1,
      text: 'data day 10 (2026-08-13): the redesign ships on home and related; declared as event ui-redesign-2026-08',
    },
  ],
  naming: {
    rule: 'rate-shift',
    class: 'drift',
    metric: 'ctr',
    entities: ['home', 'related'],
    severity: 'warn',
    day: REDESIGN_DAY + 1,
    maxDelayDays: 4,
    event: 'ui-redesign-2026-08',
  },
  alsoExpected: [],
  advice: { model: 'feed-ranker', windowDays: 28, verdict: 'retrain after fixes' },
  gate: [{ feature: 'impressions_7d', state: 'ok' }],
};
