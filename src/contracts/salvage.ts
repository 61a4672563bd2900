// What semantic rules can still check in a document that failed schema validation, so one run reports every issue.
import type { SourceLocation } from '../core/diagnostic.js';
import type { MetricRef } from '../core/contract.js';
import type { YamlDocument } from './yaml-source.js';

/** The checkable parts of a Source document with schema errors (each present only when well-formed). */
export interface SalvagedSource {
  name: string;
  /** The declared metric names, when `metrics` is a list whose every entry has a string name. */
  metricNames?: readonly string[];
  schedule?: { value: string; location: SourceLocation };
  timezone?: { value: string; location: SourceLocation };
}

/** The checkable parts of a Feature document with schema errors. */
export interface SalvagedFeature {
  name: string;
  /** Each well-formed `source/metric` entry of `uses`, located. */
  uses: readonly MetricRef[];
}

/** The salvaged parts of every document that failed validation in one load. */
export interface Salvage {
  sources: Map<string, SalvagedSource>;
  features: SalvagedFeature[];
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function salvageSource(doc: YamlDocument, v: Record<string, unknown>, name: string): SalvagedSource {
  const out: SalvagedSource = { name };
  const metrics = v['metrics'];
  if (Array.isArray(metrics)) {
    const names = metrics.map((m) => (isMapping(m) ? m['name'] : undefined));
    if (names.every((n): n is string => typeof n === 'string')) out.metricNames = names;
  }
  if (typeof v['schedule'] === 'string')
    out.schedule = { value: v['schedule'], location: doc.locate(['schedule']) };
  if (typeof v['timezone'] === 'string')
    out.timezone = { value: v['timezone'], location: doc.locate(['timezone']) };
  return out;
}

function salvageFeature(doc: YamlDocument, v: Record<string, unknown>, name: string): SalvagedFeature {
  const uses: MetricRef[] = [];
  const raw = v['uses'];
  if (Array.isArray(raw)) {
    raw.forEach((u, i) => {
      const slash = typeof u === 'string' ? u.indexOf('/') : -1;
      if (typeof u !== 'string' || slash <= 0 || slash === u.length - 1) return;
      uses.push({ source: u.slice(0, slash), metric: u.slice(slash + 1), location: doc.locate(['uses', i]) });
    });
  }
  return { name, uses };
}

/**
 * Record the checkable parts of an invalid document in `into`. Documents without a string name, or of another kind,
 * add nothing (their schema errors say it all).
 *
 * @example
 * const salvage: Salvage = { sources: new Map(), features: [] };
 * salvageDocument(doc, salvage); // a Source with a bad metric kind still has its cron and metric names checked
 */
export function salvageDocument(doc: YamlDocument, into: Salvage): void {
  const v = doc.value;
  if (!isMapping(v) || typeof v['name'] !== 'string') return;
  if (v['kind'] === 'Source' && !into.sources.has(v['name']))
    into.sources.set(v['name'], salvageSource(doc, v, v['name']));
  else if (v['kind'] === 'Feature') into.features.push(salvageFeature(doc, v, v['name']));
}
