// Lookups over the built-in vendor knowledge: known metric deprecations and API version lifecycles.
import { daysBetween, isoDay } from '../core/clock.js';
import type { DeprecationWave, GraphVersionEntry } from './meta-graph-data.js';
import {
  GRAPH_VERSIONS,
  GRAPH_VERSIONS_SOURCE,
  KNOWLEDGE_VERSION,
  PAGE_INSIGHTS_WAVES,
} from './meta-graph-data.js';
import { expandMetricList } from './metric-notation.js';

/** What upwatch knows about a deprecated vendor metric, as of a given day. */
export interface KnownDeprecation {
  provider: string;
  metric: string;
  /** Wave id (`W1`…) of the first removal that lists the metric. */
  wave: string;
  title: string;
  announced: string;
  effective: string;
  /** Same as `effective` (the name `upwatch ci`'s KnownDeprecationInfo reads). */
  effectiveDate: string;
  effectiveNote?: string;
  /** Who deprecated it, for messages ("Meta"). */
  vendor: string;
  /** The first source URL (or citation) behind the entry. */
  reference: string;
  /** `removed` once the effective day has come, `announced` before. */
  status: 'removed' | 'announced';
  replacement?: string;
  note?: string;
  /** Later waves that list the metric again. */
  alsoListedIn: string[];
  sources: readonly string[];
  knowledgeVersion: string;
}

/** A Graph API version's lifecycle. */
export interface GraphVersionInfo extends GraphVersionEntry {
  source: string;
}

interface IndexedEntry {
  wave: DeprecationWave;
  replacement?: string;
  note?: string;
}

let index: Map<string, IndexedEntry[]> | undefined;

function waveIndex(): Map<string, IndexedEntry[]> {
  if (index) return index;
  const map = new Map<string, IndexedEntry[]>();
  const waves = [...PAGE_INSIGHTS_WAVES].sort((a, b) => a.effective.localeCompare(b.effective));
  for (const wave of waves)
    for (const g of wave.groups)
      for (const name of expandMetricList(g.metrics)) {
        const list = map.get(name) ?? [];
        if (!list.some((e) => e.wave.id === wave.id))
          list.push({
            wave,
            ...(g.replacement ? { replacement: g.replacement } : {}),
            ...(g.note ? { note: g.note } : {}),
          });
        map.set(name, list);
      }
  index = map;
  return map;
}

/** Every metric name the knowledge file lists for a provider (expanded). */
export function knownDeprecatedMetrics(provider: string): string[] {
  return provider === 'meta-graph' ? [...waveIndex().keys()].sort() : [];
}

/**
 * What is known about a metric's deprecation as of `now`: undefined when nothing was announced by then
 * (so backtests on a virtual clock see only what was public on that day).
 *
 * @example
 * knownDeprecation('meta-graph', 'page_impressions', new Date('2026-01-01'))
 * // { wave: 'W3', effective: '2025-11-15', status: 'removed', replacement: 'page_media_view', ... }
 */
export function knownDeprecation(provider: string, metric: string, now: Date): KnownDeprecation | undefined {
  if (provider !== 'meta-graph') return undefined;
  const today = isoDay(now);
  const entries = (waveIndex().get(metric.replace(/\*/g, '').toLowerCase()) ?? []).filter(
    (e) => e.wave.announced <= today,
  );
  const first = entries[0];
  if (!first) return undefined;
  const w = first.wave;
  const k: KnownDeprecation = {
    provider,
    metric,
    wave: w.id,
    title: w.title,
    announced: w.announced,
    effective: w.effective,
    effectiveDate: w.effective,
    vendor: 'Meta',
    reference: w.sources.find((x) => x.startsWith('http')) ?? w.sources[0] ?? '',
    status: w.effective <= today ? 'removed' : 'announced',
    alsoListedIn: entries.slice(1).map((e) => e.wave.id),
    sources: w.sources,
    knowledgeVersion: KNOWLEDGE_VERSION,
  };
  if (w.effectiveNote) k.effectiveNote = w.effectiveNote;
  // A later wave may name the replacement the first one did not.
  const withReplacement = entries.find((e) => e.replacement);
  if (withReplacement?.replacement) k.replacement = withReplacement.replacement;
  const note = withReplacement?.note ?? first.note;
  if (note) k.note = note;
  return k;
}

/** Normalize `24`, `24.0`, `v24`, `V24.0` to `v24.0`; undefined when it is not a Graph version. */
export function normalizeGraphVersion(version: string): string | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?$/i.exec(version.trim());
  return m ? `v${m[1]}.${m[2] ?? '0'}` : undefined;
}

/**
 * Release and end-of-life days of a Graph API version, or undefined when unknown.
 *
 * @example
 * graphVersionInfo('v18.0') // { version: 'v18.0', released: '2023-09-12', availableUntil: '2026-01-26', source }
 */
export function graphVersionInfo(version: string): GraphVersionInfo | undefined {
  const v = normalizeGraphVersion(version);
  const entry = GRAPH_VERSIONS.find((e) => e.version === v);
  return entry && { ...entry, source: GRAPH_VERSIONS_SOURCE };
}

/** The newest Graph API version released by `now`. */
export function latestGraphVersion(now: Date): GraphVersionInfo | undefined {
  const today = isoDay(now);
  const released = GRAPH_VERSIONS.filter((e) => e.released <= today);
  const last = released[released.length - 1];
  return last && { ...last, source: GRAPH_VERSIONS_SOURCE };
}

/** Where a pinned version stands against its end of life. */
export interface VersionEol {
  version: string;
  availableUntil: string;
  /** Days from `now` to the last available day (negative once passed). */
  daysLeft: number;
  /** `passed` after the last available day; `soon` within the largest threshold; else `ok`. */
  status: 'passed' | 'soon' | 'ok';
  /** The smallest threshold (e.g. 7 of 90/30/7) that `daysLeft` is within, when `soon`. */
  threshold?: number;
}

/**
 * End-of-life status of a pinned Graph version, or undefined when the version or its end date is unknown.
 *
 * @example
 * graphVersionEol('v20.0', new Date('2026-09-01')) // { daysLeft: 23, status: 'soon', threshold: 30, ... }
 */
export function graphVersionEol(
  version: string,
  now: Date,
  thresholds: readonly number[] = [90, 30, 7],
): VersionEol | undefined {
  const info = graphVersionInfo(version);
  if (!info?.availableUntil) return undefined;
  const daysLeft = daysBetween(isoDay(now), info.availableUntil);
  const base = { version: info.version, availableUntil: info.availableUntil, daysLeft };
  if (daysLeft < 0) return { ...base, status: 'passed' };
  const within = [...thresholds].sort((a, b) => a - b).find((t) => daysLeft <= t);
  return within === undefined ? { ...base, status: 'ok' } : { ...base, status: 'soon', threshold: within };
}
