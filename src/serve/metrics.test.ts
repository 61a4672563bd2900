import { describe, expect, it } from 'vitest';
import type { StatusReport } from './status-report.js';
import { prometheusText } from './metrics.js';

const status: StatusReport = {
  db: 'x.db',
  sources: [
    {
      source: 'meta',
      polls: 3,
      failedPolls: 1,
      consecutiveFailures: 0,
      observations: 0,
      metrics: 0,
      entities: 0,
      lastVerifiedAt: '2026-03-20T07:00:00.000Z',
    },
    {
      source: 'new',
      polls: 0,
      failedPolls: 0,
      consecutiveFailures: 0,
      observations: 0,
      metrics: 0,
      entities: 0,
    },
  ],
  pauses: [],
  breakers: [
    {
      key: 'graph "a"\\b',
      state: 'open',
      failures: 3,
      probesFailed: 0,
      updatedAt: '2026-03-20T07:00:00.000Z',
    },
  ],
  findings: [],
  gate: { counts: { ok: 2, warn: 1, blocked: 3 }, allowed: false, features: [] },
  mail: { pending: 1, retrying: 2, sending: 1, sent: 9, dead: 4, dropped: 0, problems: [], droppedRows: [] },
  clockFaults: [],
  decisions: [],
};

describe('prometheusText', () => {
  const text = prometheusText({
    status,
    polls: [
      { source: 'meta', outcome: 'failed', polls: 1 },
      { source: 'meta', outcome: 'ok', polls: 2 },
    ],
    requests: [{ source: 'meta', statusClass: '5xx', requests: 4 }],
  });

  it('exposes each family once with HELP and TYPE, and a sample per label set', () => {
    expect(text).toContain(
      '# TYPE upwatch_polls_total counter\nupwatch_polls_total{source="meta",outcome="failed"} 1\n',
    );
    expect(text).toContain('upwatch_upstream_requests_total{source="meta",class="5xx"} 4');
    expect(text).toContain('upwatch_features{state="blocked"} 3');
    expect(text).toContain('upwatch_blocked_features 3');
    expect(text).toContain('upwatch_outbox_backlog 4');
    expect(text).toContain('upwatch_outbox_dead 4');
    expect(text).toContain('upwatch_open_findings{severity="info"} 0');
    expect(text).toContain('upwatch_last_successful_poll_timestamp_seconds{source="meta"} 1773990000');
    expect(text).not.toContain('source="new"');
    const types = text
      .split('\n')
      .filter((l) => l.startsWith('# TYPE'))
      .map((l) => l.split(' ')[2]);
    expect(new Set(types).size).toBe(types.length);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('escapes quotes and backslashes in label values', () => {
    expect(text).toContain('upwatch_breaker_open{key="graph \\"a\\"\\\\b",state="open"} 1');
  });
});
