// A control scenario: the meta-2024 world with no scripted events, where nothing must ever alert.
import type { Scenario } from '../scenario.js';
import { meta2024 } from './meta-2024.js';

/** `quiet`: same pages, metrics and seasonality as meta-2024, no events, 120 days. */
export const quiet: Scenario = {
  ...meta2024,
  name: 'quiet',
  contractSet: 'quiet',
  description:
    'The meta-2024 pages and metrics with weekly seasonality, growth and noise, and no scripted events.',
  days: 120,
  events: [],
  expectedEvents: [],
  quietEvents: [
    {
      day: 0,
      kind: 'seasonality',
      source: 'meta-page-insights',
      note: 'weekly seasonality on every count metric',
    },
    {
      day: 0,
      kind: 'growth',
      source: 'meta-page-insights',
      metric: 'page_follows',
      note: 'follower totals grow every day',
    },
  ],
};
