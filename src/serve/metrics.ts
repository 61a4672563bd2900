// The dashboard's `/metrics`: upwatch's own health in the Prometheus text exposition format (version 0.0.4).
import { SEVERITIES } from '../core/contract.js';
import type { GateState } from '../core/gate.js';
import type { PollCount, RequestCount } from '../store/poll-counts.js';
import type { StatusReport } from './status-report.js';

/** What `/metrics` exposes, gathered at one instant. */
export interface MetricsInput {
  status: StatusReport;
  polls: readonly PollCount[];
  requests: readonly RequestCount[];
}

const STATES: readonly GateState[] = ['blocked', 'warn', 'ok'];

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${label(v)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

class Exposition {
  private readonly lines: string[] = [];
  family(
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: [Record<string, string>, number][],
  ): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) this.lines.push(`${name}${labels(l)} ${v}`);
  }
  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/**
 * Render upwatch's health as Prometheus text: polls by outcome, upstream requests by status class, open findings by
 * severity, features by gate state, the outbox backlog and dead letters, breakers that are not closed, and the last
 * verified poll of each source (seconds since the epoch).
 *
 * @example
 * prometheusText({ status, polls: store.stats.pollCounts(), requests: store.stats.requestCounts() });
 * // '# HELP upwatch_polls_total Polls by source and outcome.\n# TYPE upwatch_polls_total counter\n…'
 */
export function prometheusText(input: MetricsInput): string {
  const { status } = input;
  const out = new Exposition();
  out.family(
    'upwatch_polls_total',
    'counter',
    'Polls by source and outcome (ok, partial, failed).',
    input.polls.map((p) => [{ source: p.source, outcome: p.outcome }, p.polls]),
  );
  out.family(
    'upwatch_upstream_requests_total',
    'counter',
    'Upstream HTTP requests by source and status class (none: no response).',
    input.requests.map((r) => [{ source: r.source, class: r.statusClass }, r.requests]),
  );
  out.family(
    'upwatch_open_findings',
    'gauge',
    'Open and acknowledged findings by severity.',
    SEVERITIES.map((s) => [{ severity: s }, status.findings.filter((f) => f.severity === s).length]),
  );
  if (status.gate) {
    const counts = status.gate.counts;
    out.family(
      'upwatch_features',
      'gauge',
      'Declared features by gate state.',
      STATES.map((s) => [{ state: s }, counts[s]]),
    );
    out.family('upwatch_blocked_features', 'gauge', 'Features the gate blocks now.', [[{}, counts.blocked]]);
  }
  const mail = status.mail;
  out.family(
    'upwatch_outbox_backlog',
    'gauge',
    'Alert messages waiting to be sent (pending, retrying, sending).',
    [[{}, mail.pending + mail.retrying + mail.sending]],
  );
  out.family('upwatch_outbox_dead', 'gauge', 'Alert messages given up on (dead letters).', [[{}, mail.dead]]);
  out.family(
    'upwatch_outbox_messages',
    'gauge',
    'Alert messages by state.',
    (['pending', 'retrying', 'sending', 'sent', 'dead', 'dropped'] as const).map((s) => [
      { state: s },
      mail[s],
    ]),
  );
  out.family(
    'upwatch_breaker_open',
    'gauge',
    'Circuit breakers that are not closed, by upstream key and state (1 = in that state).',
    status.breakers.map((b) => [{ key: b.key, state: b.state }, 1]),
  );
  out.family(
    'upwatch_last_successful_poll_timestamp_seconds',
    'gauge',
    'When each source was last verified (a poll that was ok or partial), seconds since the epoch.',
    status.sources.flatMap((s): [Record<string, string>, number][] =>
      s.lastVerifiedAt ? [[{ source: s.source }, Math.floor(Date.parse(s.lastVerifiedAt) / 1000)]] : [],
    ),
  );
  return out.toString();
}
