// The series models of a scenario: one for the Graph pages, one for the partner API's entities.
import type { Scenario } from './scenario.js';
import { SeriesModel } from './series.js';

/** Both simulated populations of a scenario. */
export interface ScenarioModels {
  graph: SeriesModel;
  partner: SeriesModel;
}

/**
 * Build the deterministic series models of a scenario. Bursts apply to Graph pages; freezes and unit changes apply
 * to whichever API serves the named metric.
 *
 * @example
 * const { graph } = createScenarioModels(meta2024); graph.value(0, 'page_media_view', 10);
 */
export function createScenarioModels(scenario: Scenario): ScenarioModels {
  const firstDay = -(scenario.graph.historyDays ?? 120);
  const lastDay = scenario.days + 400;
  return {
    graph: new SeriesModel({
      seed: scenario.seed,
      namespace: 'graph',
      entityCount: scenario.graph.pages.count,
      sizes: scenario.graph.pages,
      metrics: scenario.graph.metrics,
      events: scenario.events,
      startDate: scenario.startDate,
      firstDay,
      lastDay,
    }),
    partner: new SeriesModel({
      seed: scenario.seed,
      namespace: 'partner',
      entityCount: scenario.partner.entities.length,
      sizes: scenario.partner.pages,
      metrics: scenario.partner.metrics,
      events: scenario.events.filter((e) => e.kind !== 'viral-burst'),
      startDate: scenario.startDate,
      firstDay,
      lastDay,
    }),
  };
}
