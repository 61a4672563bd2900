// What an HTML report shows, gathered at one instant: the gate, open and recently resolved findings, and sources.
import type { Advice } from '../advisor/advice.js';
import type { MetricHistory } from '../core/detector.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { GateReport, GateState } from '../core/gate.js';
import type { Regime } from '../store/regimes.js';
import type { PrincipalPause } from '../store/pauses.js';
import type { SourceStatus } from '../store/source-status.js';

/** An open or acknowledged finding with what the report draws beside it. */
export interface ReportFinding {
  finding: FindingRecord;
  /** Vendor name for the headline (`Meta` for a meta-graph source). */
  upstream?: string;
  /** Features this finding moves under their policy, with their gate state now. */
  features: { name: string; state: GateState; effect: 'block' | 'warn' }[];
  /** Metric findings: the metric's history over `chartRange`, for the chart. */
  history?: MetricHistory;
  /** ISO days the chart spans (from a few weeks before the onset to the day the finding was last seen). */
  chartRange?: { from: string; to: string };
  /** Where confirmed changes re-baselined the metric, oldest first. */
  regimes?: Regime[];
}

/** A source as the report shows it: the contract's view (when declared) and the store's. */
export interface ReportSource {
  name: string;
  /** False for a source with history in the store that the contracts no longer declare. */
  declared: boolean;
  provider?: string;
  /** The API version the contract pins. */
  pinnedVersion?: string;
  /** The API version the upstream said it served on the last verified poll. */
  servedVersion?: string;
  /** Hours the source may go unverified before its features warn. */
  freshnessHours?: number;
  status: SourceStatus;
}

/**
 * Everything `renderReport` needs. Plain data (no store handle), so a report can be rendered from a fixture.
 *
 * @example
 * const data: ReportData = collectReport({ store, contracts, storePath, contractsDir: 'contracts', now, days: 30 });
 */
export interface ReportData {
  /** The instant the report describes (ISO). */
  generatedAt: string;
  /** Store file path, as resolved (never a URL with credentials). */
  store: string;
  /** Contracts directory, as resolved. */
  contracts: string;
  /** Contract errors met while loading (the affected sources and features are missing from the report). */
  contractErrors: number;
  /** Resolved findings are listed when they resolved within this many days. */
  days: number;
  /** Only this source, and the features that use it, when set. */
  source?: string;
  /** A line for the header, e.g. the demo's scenario on its simulated clock. */
  context?: string;
  /** Gate decisions of the features in scope. */
  gate: GateReport;
  /** Open and acknowledged findings in scope. */
  open: ReportFinding[];
  /** Findings resolved within `days`, newest first (at most a few hundred). */
  resolved: FindingRecord[];
  /** Findings resolved within `days` beyond those listed. */
  resolvedOmitted: number;
  /** How titles name the vendor behind each declared source (`Meta` for meta-graph), as mail does. */
  upstreams?: Record<string, string>;
  sources: ReportSource[];
  /** Tokens, apps or hosts paused at `generatedAt` (rate limits), by their non-secret names. */
  pauses: PrincipalPause[];
  /** Per model in scope: is the last 28 days fit to retrain on (absent when no feature declares a model). */
  advice?: Advice[];
}
