import { describe, expect, it } from 'vitest';
import { loadContractTexts } from '../contracts/load.js';
import type { MetaGraphConnection } from '../core/contract.js';
import { SIM_URL_PLACEHOLDER, simContractEnv, simContractFiles } from './contracts.js';
import { createScenarioModels } from './models.js';
import { pageIds, pollInstant, scenarioDate, scenarioDay, type Scenario } from './scenario.js';
import { DEFAULT_SCENARIO, SCENARIOS, scenarioByName } from './scenarios/index.js';
import { meta2024 } from './scenarios/meta-2024.js';

const SIM_URL = 'http://127.0.0.1:45678';

function load(scenario: Scenario, day = 0) {
  return loadContractTexts(simContractFiles(scenario, SIM_URL), {
    env: simContractEnv(scenario),
    now: pollInstant(scenario, day),
  });
}

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('scenario %s', (_name, scenario) => {
  const served = new Set([...scenario.graph.metrics, ...scenario.partner.metrics].map((m) => m.name));

  it('keeps every event inside the story and on pages and metrics the simulator serves', () => {
    for (const ev of scenario.events) {
      expect(ev.day).toBeGreaterThanOrEqual(0);
      expect(ev.day).toBeLessThan(scenario.days);
      if ('metric' in ev && ev.metric !== undefined) expect(served).toContain(ev.metric);
      if (ev.kind === 'freeze') for (const p of ev.pages) expect(p).toBeLessThan(scenario.graph.pages.count);
      if (ev.kind === 'viral-burst') expect(ev.page).toBeLessThan(scenario.graph.pages.count);
      if (ev.kind === 'spec-field-deprecated' || ev.kind === 'spec-field-removed')
        expect(served).toContain(ev.field);
    }
  });

  it('has contracts that load without a diagnostic, pointing at the simulator, with the placeholder gone', () => {
    const files = simContractFiles(scenario, SIM_URL);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.text).not.toContain(SIM_URL_PLACEHOLDER);
    const { contracts, diagnostics } = load(scenario);
    expect(diagnostics).toEqual([]);
    expect(contracts.sources.map((s) => s.name).sort()).toEqual(
      [scenario.contractSources.graph, scenario.contractSources.partner].sort(),
    );
    const graph = contracts.sources.find((s) => s.name === scenario.contractSources.graph)!;
    const conn = graph.connection as MetaGraphConnection;
    expect(conn.baseUrl).toBe(SIM_URL);
    expect(conn.pages).toEqual(pageIds(scenario));
    for (const doc of contracts.sources.flatMap((s) => s.docs))
      expect(doc.url.startsWith(SIM_URL)).toBe(true);
  });

  it('declares only metrics the simulator serves, each used by some feature', () => {
    const { contracts } = load(scenario);
    const used = new Set(contracts.features.flatMap((f) => f.uses.map((u) => `${u.source}/${u.metric}`)));
    for (const source of contracts.sources) {
      for (const m of source.metrics) {
        expect(served).toContain(m.name);
        expect(used).toContain(`${source.name}/${m.name}`);
      }
    }
  });

  it('lists expected events that match the contracts: declared metrics, existing features', () => {
    const { contracts } = load(scenario);
    const features = new Set(contracts.features.map((f) => f.name));
    for (const e of scenario.expectedEvents) {
      const source = contracts.sources.find((s) => s.name === e.source);
      expect(source, e.source).toBeDefined();
      if (e.metric !== undefined) expect(source!.metrics.map((m) => m.name)).toContain(e.metric);
      for (const f of e.features ?? []) expect(features).toContain(f.name);
      if (e.rules !== undefined) expect(e.rules).toContain(e.rule);
      expect(e.day).toBeLessThan(scenario.days);
    }
  });
});

describe('meta-2024 story', () => {
  const ev = meta2024.events;
  const expected = (kind: string) => meta2024.expectedEvents.filter((e) => e.kind === kind);

  it('replays the real 2024 dates: announced 2023-12-14, removed 2024-03-14, ≥ 90 days apart', () => {
    const removal = ev.find((e) => e.kind === 'metric-removed')!;
    expect(removal).toMatchObject({ metric: 'page_engaged_users', day: 121, announceDay: 30 });
    expect(scenarioDate(meta2024, 30)).toBe('2023-12-14');
    expect(scenarioDate(meta2024, 121)).toBe('2024-03-14');
    expect(121 - 30).toBeGreaterThanOrEqual(90);
    expect(expected('deprecation-announced')).toMatchObject([
      { day: 30, metric: 'page_engaged_users', severity: 'warn' },
    ]);
    expect(expected('metric-removed')).toMatchObject([
      { day: 121, metric: 'page_engaged_users', severity: 'block' },
    ]);
  });

  it('expects each data event on the first clock day a 09:00 UTC poll can see it', () => {
    const freeze = ev.find((e) => e.kind === 'freeze')!;
    const unit = ev.find((e) => e.kind === 'unit-change')!;
    expect(expected('frozen')).toMatchObject([
      {
        day: freeze.day + 1,
        metric: freeze.metric,
        entities: freeze.kind === 'freeze' ? freeze.pages.map((p) => pageIds(meta2024)[p]) : [],
      },
    ]);
    expect(expected('unit-change')).toMatchObject([{ day: unit.day + 1, metric: unit.metric }]);
    // the Pacific day `day` ends at 07:00 or 08:00 UTC of day + 1, before the 09:00 poll
    expect(scenarioDay(meta2024, pollInstant(meta2024, freeze.day + 1))).toBe(freeze.day + 1);
  });

  it('expects the partner API events on their scripted days', () => {
    const byKind = (k: string) => ev.filter((e) => e.kind === k).map((e) => e.day);
    expect(expected('spec-field-deprecated').map((e) => e.day)).toEqual(byKind('spec-field-deprecated'));
    expect(expected('spec-field-removed').map((e) => e.day)).toEqual(byKind('spec-field-removed'));
    expect(expected('http-deprecation').map((e) => e.day)).toEqual(byKind('http-deprecation'));
  });

  it('keeps the frozen pages above the level where a freeze can be told from noise (≥ 5/day)', () => {
    const { graph } = createScenarioModels(meta2024);
    const freeze = ev.find((e) => e.kind === 'freeze')!;
    if (freeze.kind !== 'freeze') throw new Error('no freeze');
    for (const p of freeze.pages) {
      const v = graph.value(p, freeze.metric, freeze.day - 1);
      expect(typeof v === 'number' && v >= 5).toBe(true);
    }
  });

  it('keeps the burst page and the frozen pages apart, and lists the quiet events', () => {
    const burst = ev.find((e) => e.kind === 'viral-burst')!;
    const freeze = ev.find((e) => e.kind === 'freeze')!;
    if (burst.kind !== 'viral-burst' || freeze.kind !== 'freeze') throw new Error('missing events');
    expect(freeze.pages).not.toContain(burst.page);
    expect(meta2024.quietEvents.map((q) => q.kind)).toEqual(
      expect.arrayContaining([
        'viral-burst',
        'transient-fault',
        'throttled',
        'unrelated-doc-change',
        'seasonality',
        'growth',
      ]),
    );
  });
});

describe('quiet contracts', () => {
  it('stay valid on every day of the quiet story (nothing there is deprecated, even by built-in knowledge)', () => {
    const quiet = scenarioByName('quiet');
    for (const day of [0, 30, 60, quiet.days - 1]) expect(load(quiet, day).diagnostics).toEqual([]);
  });
});

describe('scenario registry', () => {
  it('finds scenarios by name and explains an unknown one', () => {
    expect(DEFAULT_SCENARIO).toBe('meta-2024');
    expect(scenarioByName('quiet').events).toEqual([]);
    expect(() => scenarioByName('meta-2025')).toThrow(/no simulator scenario named "meta-2025"/);
  });
});
