// One push of one source: check the rows against the contract, store them as one poll, then detect and gate.
import type { Clock } from '../core/clock.js';
import type { ContractSet, SourceContract } from '../core/contract.js';
import { UpwatchError } from '../core/errors.js';
import type { FetchResult, MetricOutcome, PollRecord, RawObservation } from '../core/observation.js';
import { writeStatusFile } from '../gate/status-file.js';
import { detectSource } from '../pipeline/detect.js';
import { processFindings, type ProcessDefaults, type ProcessResult } from '../pipeline/process-findings.js';
import type { Store } from '../store/store.js';
import { checkPushedRows, type PushedRow } from './check-rows.js';

/** Problems listed in one error before the rest are counted. */
const MAX_LISTED = 20;

/** What ingestSource needs (the CLI builds it; tests pass a real store and a fixed clock). */
export interface IngestDeps {
  store: Store;
  contracts: ContractSet;
  clock: Clock;
  /** Lifecycle and alert settings, as for a poll. */
  alerts?: ProcessDefaults;
  /** Status file rewritten after the push (as a poll does); undefined = none. */
  statusFile?: string;
}

export interface IngestResult {
  source: string;
  /** The poll row the push was stored as. */
  poll: PollRecord;
  rows: number;
  /** Metrics the push carried, sorted. */
  metrics: string[];
  /** Declared metrics the push did not carry: not verified by it (their freshness keeps running). */
  notPushed: string[];
  /** Lifecycle changes, feature states and queued notifications. */
  processed: ProcessResult;
}

/** The day after an ISO day, for the period end of a daily value (as a daily poll stores it). */
function nextDay(day: string): string {
  const t = new Date(`${day}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString();
}

/**
 * Pushed rows as what a provider would have fetched: one observation per row (its day, period end the next
 * midnight UTC), or per (metric, entity, day) with a breakdown for a categorical metric's rows, and one `ok` outcome
 * per (metric, entity). No requests: nothing was fetched.
 *
 * @example
 * pushedFetch([{ date: '2026-03-13', source: 'claims', metric: 'policies', entity: 'low', value: 4000, line: 2 }]).observations[0].periodEnd
 * // '2026-03-14T00:00:00.000Z'
 */
export function pushedFetch(rows: readonly PushedRow[]): FetchResult {
  const observations: RawObservation[] = [];
  // Rows of a categorical metric are one count per category: they become one observation per (metric, entity,
  // day) whose value is the total and whose breakdown holds the counts, as a breakdown object from an API would.
  const mixes = new Map<string, RawObservation & { breakdown: Record<string, number> }>();
  for (const r of rows) {
    const base = {
      source: r.source,
      metric: r.metric,
      entity: r.entity,
      day: r.date,
      periodEnd: nextDay(r.date),
    };
    if (r.category === undefined) {
      observations.push({
        ...base,
        value: r.value,
        jsonType: r.value === null ? 'null' : Number.isInteger(r.value) ? 'int' : 'float',
      });
      continue;
    }
    const key = `${r.metric}\u0000${r.entity}\u0000${r.date}`;
    let mix = mixes.get(key);
    if (!mix) {
      mix = { ...base, value: null, jsonType: 'object', breakdown: {} };
      mixes.set(key, mix);
      observations.push(mix);
    }
    if (r.value === null) continue;
    mix.breakdown[r.category] = r.value;
    mix.value = (mix.value ?? 0) + r.value;
  }
  const outcomes = new Map<string, MetricOutcome>();
  for (const r of rows)
    outcomes.set(`${r.metric}\u0000${r.entity}`, { metric: r.metric, entity: r.entity, status: 'ok' });
  return { observations, requests: [], metricOutcomes: [...outcomes.values()] };
}

/**
 * Check pushed rows against `source`'s contract, store them as one poll (one transaction: a refused batch writes
 * nothing), run the detectors over the stored history, and apply the findings lifecycle, gate and alert outbox as a
 * poll does. Throws UpwatchError `INGEST_INVALID` listing every refused row as `label:line: problem` (nothing
 * stored), or the store's own errors (STORE_FULL, STORE_UNAVAILABLE).
 *
 * @example
 * const r = await ingestSource({ store, contracts, clock }, source, rows, 'claims-2026-03-13.csv');
 * r.processed.gate.allowed // false when a pushed series froze a feature's input
 */
export async function ingestSource(
  deps: IngestDeps,
  source: SourceContract,
  rows: readonly PushedRow[],
  label: string,
): Promise<IngestResult> {
  const now = deps.clock.now();
  if (rows.length === 0)
    throw new UpwatchError('INGEST_INVALID', `${label} holds no rows: nothing was stored`, {
      hint: 'push a header and at least one row: date,source,metric,entity,value',
    });
  const problems = checkPushedRows(rows, source, now);
  if (problems.length > 0) {
    const listed = problems
      .slice(0, MAX_LISTED)
      .map((p) => `${label}:${p.line}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
    const more = problems.length > MAX_LISTED ? `\n  … and ${problems.length - MAX_LISTED} more` : '';
    throw new UpwatchError(
      'INGEST_INVALID',
      `${problems.length} bad row${problems.length === 1 ? '' : 's'} in ${label}: nothing was stored\n  ${listed.join('\n  ')}${more}`,
      {
        hint: `fix the export so it matches the contract of source ${source.name} (upwatch validate shows the contract), then push it again`,
        details: { problems: problems.length },
      },
    );
  }
  const at = now.toISOString();
  const poll = await deps.store.recordPoll({
    source: source.name,
    startedAt: at,
    finishedAt: at,
    outcome: 'ok',
    fetch: pushedFetch(rows),
  });
  const pushed = new Set(rows.map((r) => r.metric));
  // A ratio of two counts is verified when both its parts were pushed.
  const notPushed = source.metrics
    .filter((m) =>
      m.numerator !== undefined && m.denominator !== undefined
        ? !(pushed.has(m.numerator) && pushed.has(m.denominator))
        : !pushed.has(m.name),
    )
    .map((m) => m.name);
  const findings = await detectSource(deps.store, source, now, []);
  const processed = await processFindings({
    store: deps.store,
    contracts: deps.contracts,
    source,
    findings,
    pollOutcome: poll.outcome,
    now,
    // A metric this push did not carry says nothing new: its open findings neither count as absent nor resolve.
    unverifiedMetrics: notPushed,
    ...(deps.alerts ? { defaults: deps.alerts } : {}),
  });
  if (deps.statusFile) writeStatusFile(deps.statusFile, processed.gate);
  return { source: source.name, poll, rows: rows.length, metrics: [...pushed].sort(), notPushed, processed };
}
