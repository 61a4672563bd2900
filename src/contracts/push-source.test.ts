import { describe, expect, it } from 'vitest';
import { loadContractTexts } from './load.js';

const push = `apiVersion: upwatch/v1
kind: Source
name: claims-warehouse
owners: [a@example.com]
provider: push
freshnessHours: 30
metrics:
  - { name: policies, kind: count }
---
apiVersion: upwatch/v1
kind: Feature
name: risk_inputs
owners: [ml@example.com]
uses: [claims-warehouse/policies]
`;

function errors(text: string): string[] {
  return loadContractTexts([{ path: 'a.yaml', text }])
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.col} ${d.message} | ${d.hint ?? ''}`);
}

describe('a provider: push source', () => {
  it('needs no connection and no schedule, and keeps its freshness expectation', () => {
    const r = loadContractTexts([{ path: 'a.yaml', text: push }]);
    expect(r.diagnostics).toEqual([]);
    expect(r.contracts.sources[0]).toMatchObject({
      provider: 'push',
      connection: { kind: 'push' },
      freshnessHours: 30,
    });
  });

  it.each([
    {
      field: 'schedule: "0 6 * * *"',
      want: '7:1 schedule must be left out: a push source is never polled | remove schedule; set freshnessHours to how often a push is expected',
    },
    {
      field: 'connection: { url: "https://x.example.com" }',
      want: '7:1 connection must be left out: a push source has nothing to connect to | remove connection; upwatch ingest --source NAME FILE feeds a push source',
    },
  ])('refuses $field', ({ field, want }) => {
    expect(errors(push.replace('freshnessHours: 30\n', `freshnessHours: 30\n${field}\n`))).toEqual([want]);
  });

  it('a polled source still needs both', () => {
    expect(errors(push.replace('provider: push', 'provider: http-json'))).toEqual([
      '1:1 Source "claims-warehouse" is missing required field "connection" | add connection: to Source "claims-warehouse"',
      '1:1 Source "claims-warehouse" is missing required field "schedule" | add schedule: to Source "claims-warehouse"',
    ]);
  });
});
