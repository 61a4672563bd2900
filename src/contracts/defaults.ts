// Default values applied to a contract after validation (and printed in the schema and the field reference).
import type { MetricPeriod, Severity } from '../core/contract.js';

/** Every default of the contract format, in one place. */
export const CONTRACT_DEFAULTS = {
  /** Time zone of `schedule`. */
  timezone: 'UTC',
  /** Hours a source, or one of its metrics, may go unverified before the features using it turn to `warn`. */
  freshnessHours: 36,
  /** Days back each poll asks for, so restated values are seen. */
  lookbackDays: 3,
  /** Meta Graph API host. */
  metaBaseUrl: 'https://graph.facebook.com',
  /** Aggregation period of a metric. */
  period: 'day' as MetricPeriod,
  /** Severities that block a feature. */
  blockOn: ['block'] as readonly Severity[],
  /** Severities that turn a feature to `warn`. */
  warnOn: ['warn'] as readonly Severity[],
} as const;

/** The only `apiVersion` this release reads. */
export const CONTRACT_API_VERSION = 'upwatch/v1';

/** Document kinds. */
export const CONTRACT_KINDS = ['Source', 'Feature', 'Event', 'Model'] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];
