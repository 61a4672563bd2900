import { describe, expect, it } from 'vitest';
import { FIXED_NOW } from '../../test/helpers/fixed-clock.js';
import { loadContractTexts } from './load.js';

const SOURCE = `apiVersion: upwatch/v1
kind: Source
name: meta
owners: [a@example.com]
provider: meta-graph
connection:
  apiVersion: v24.0
  accessToken: \${META_PAGE_TOKEN}
  pages: ["1"]
schedule: "0 7 * * *"
metrics:
  - name: page_media_view
    kind: count
---
apiVersion: upwatch/v1
kind: Feature
name: views_7d
owners: [b@example.com]
uses: [meta/page_media_view]
`;

const load = (event: string) =>
  loadContractTexts([{ path: 'c.yaml', text: `${SOURCE}---\n${event}` }], { now: new Date(FIXED_NOW) });

describe('Event documents', () => {
  it('load with their defaults: train false, empty lists', () => {
    const r = load(`apiVersion: upwatch/v1
kind: Event
name: ui-redesign-2026-03
description: New feed layout; more clicks per visit.
from: 2026-03-10
to: "2026-03-16"
metrics: [meta/page_media_view]
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.contracts.events).toEqual([
      {
        name: 'ui-redesign-2026-03',
        description: 'New feed layout; more clicks per visit.',
        from: '2026-03-10',
        to: '2026-03-16',
        sources: [],
        metrics: ['meta/page_media_view'],
        features: [],
        train: false,
        location: { file: 'c.yaml', line: 21, col: 1 },
      },
    ]);
  });

  it.each([
    ['no days', 'name: e\nsources: [meta]\n', 'missing-field'],
    ['touches nothing', 'name: e\nfrom: 2026-03-10\nto: 2026-03-11\n', undefined],
    [
      'a day that does not exist',
      'name: e\nfrom: 2026-02-30\nto: 2026-03-11\nsources: [meta]\n',
      'invalid-day',
    ],
    ['ends before it starts', 'name: e\nfrom: 2026-03-12\nto: 2026-03-11\nsources: [meta]\n', 'event-order'],
    ['an unknown source', 'name: e\nfrom: 2026-03-10\nto: 2026-03-11\nsources: [mata]\n', 'unknown-source'],
    [
      'an unknown metric',
      'name: e\nfrom: 2026-03-10\nto: 2026-03-11\nmetrics: [meta/page_views]\n',
      'unknown-metric',
    ],
    [
      'an unknown feature',
      'name: e\nfrom: 2026-03-10\nto: 2026-03-11\nfeatures: [views_8d]\n',
      'unknown-feature',
    ],
    [
      'an unknown field',
      'name: e\nfrom: 2026-03-10\nto: 2026-03-11\nsources: [meta]\ntrain_on: false\n',
      undefined,
    ],
  ])('%s is an error', (_name, body, code) => {
    const r = load(`apiVersion: upwatch/v1\nkind: Event\n${body}`);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    if (code) expect(errors.map((d) => d.code)).toContain(code);
  });

  it('two events with one name are an error', () => {
    const e =
      'apiVersion: upwatch/v1\nkind: Event\nname: e\nfrom: 2026-03-10\nto: 2026-03-11\nsources: [meta]\n';
    const r = load(`${e}---\n${e}`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['duplicate-name']);
  });
});
