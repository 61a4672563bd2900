// A warehouse story: a query tagger's taxonomy goes stale as short-form video queries arrive.
import { volume, type PushScenario, type PushValue } from '../push-scenario.js';

/** Surfaces the intents are counted on, and their daily query volume. */
const SURFACES = [
  { surface: 'web', queries: 60_000 },
  { surface: 'app', queries: 40_000 },
];

/** Shares of each intent the tagger knew when the relevance model was trained. */
const MIX: Record<string, number> = {
  navigational: 0.3,
  informational: 0.42,
  transactional: 0.24,
  other: 0.04,
};

/** Data day the short-form video queries start. */
const VIDEO_DAY = 7;
/** Data day the tagger's new release starts tagging some of them as `video`. */
const TAGGED_DAY = 9;

/** The mix of data day `day`: video queries take share from informational ones, mostly filed under "other". */
function mix(day: number): Record<string, number> {
  if (day < VIDEO_DAY) return MIX;
  const video = 0.12 * Math.min(1, (day - VIDEO_DAY + 1) / 4);
  const tagged = day >= TAGGED_DAY ? 0.3 : 0;
  return {
    ...MIX,
    informational: MIX['informational']! - video,
    other: MIX['other']! + video * (1 - tagged),
    ...(tagged > 0 ? { video: video * tagged } : {}),
  };
}

const CONTRACTS = `apiVersion: upwatch/v1
kind: Source
name: search-logs
description: Nightly counts of search queries per intent, as the query tagger labels them.
owners: [search-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - name: query_intent
    kind: categorical
    segments: { dimension: surface }
    categories:
      known: [navigational, informational, transactional]
      other: other
---
apiVersion: upwatch/v1
kind: Feature
name: query_intent_share_7d
owners: [relevance-ml@example.com]
uses: [search-logs/query_intent]
policy:
  blockOn: [block]
  warnOn: [warn]
---
apiVersion: upwatch/v1
kind: Model
name: search-relevance
description: Ranks results with the query's intent as a feature.
owners: [relevance-ml@example.com]
features: [query_intent_share_7d]
`;

/** `search-taxonomy`: 18 days; video queries from day 7, filed under "other", a `video` tag from day 9. */
export const searchTaxonomy: PushScenario = {
  name: 'search-taxonomy',
  description:
    'A search-relevance model uses the intent a query tagger assigns. A nightly job pushes query counts per intent ' +
    'and surface (upwatch ingest, a category column). From day 7 short-form video queries arrive: the tagger files ' +
    'most of them under "other", and from day 9 a new release tags some as "video", an intent the contract does not ' +
    'know. The feature silently degrades unless someone looks at the mix.',
  startDate: '2026-06-01',
  days: 18,
  pushTimeUtc: '05:30',
  seed: 15,
  backfillDays: 42,
  contracts: CONTRACTS,
  source: 'search-logs',
  values(day, rng) {
    const out: PushValue[] = [];
    for (const s of SURFACES) {
      const total = volume(rng(s.surface, 'queries', day), s.queries, day);
      for (const [category, share] of Object.entries(mix(day)))
        out.push({
          metric: 'query_intent',
          entity: s.surface,
          category,
          value: rng(s.surface, category, day).poissonGamma(total * share, 400),
        });
    }
    return out;
  },
  notes: [
    { day: 0, text: 'the warehouse job backfills 42 days of query counts per intent and surface' },
    {
      day: VIDEO_DAY + 1,
      text: 'data day 7: short-form video queries start; the tagger files them under "other"',
    },
    { day: TAGGED_DAY + 1, text: 'data day 9: a tagger release labels 30 % of them "video", a new intent' },
  ],
  naming: {
    rule: 'category-other-rising',
    class: 'drift',
    metric: 'query_intent',
    severity: 'warn',
    day: VIDEO_DAY + 1,
    maxDelayDays: 4,
  },
  alsoExpected: ['category-new', 'category-mix-shift'],
  advice: { model: 'search-relevance', windowDays: 28, verdict: 'do not retrain yet' },
  gate: [{ feature: 'query_intent_share_7d', state: 'warn' }],
};
