// Live health sources for `upwatch ci`: the store opened read-only, or the committed status file (snapshots/status.json).
import type { GateReport } from '../core/gate.js';
import type { Severity } from '../core/contract.js';
import { SEVERITIES } from '../core/contract.js';
import { UpwatchError } from '../core/errors.js';
import { openStore } from '../store/store.js';
import type { HealthSource, MetricHealthFinding } from './health.js';

/** Index findings by `source/metric`; a source-wide finding (no metric) is kept under `source/*`. */
class FindingIndex {
  readonly #by = new Map<string, MetricHealthFinding[]>();

  add(f: MetricHealthFinding, sourceWide: boolean): void {
    const key = `${f.source}/${sourceWide ? '*' : f.metric}`;
    const list = this.#by.get(key) ?? [];
    if (!list.some((x) => x.fingerprint !== undefined && x.fingerprint === f.fingerprint)) list.push(f);
    this.#by.set(key, list);
  }

  get(source: string, metric: string): MetricHealthFinding[] {
    return [...(this.#by.get(`${source}/${metric}`) ?? []), ...(this.#by.get(`${source}/*`) ?? [])].map(
      (f) => ({
        ...f,
        metric,
      }),
    );
  }
}

/**
 * Open findings from the store, opened read-only (nothing is migrated or written). Throws STORE_UNAVAILABLE or
 * STORE_CORRUPT when the file cannot be used; the caller decides whether to fall back.
 *
 * @example
 * const health = storeHealth('.upwatch/upwatch.db'); // { kind: 'store', findingsFor(s, m) … }
 */
export async function storeHealth(path: string): Promise<HealthSource> {
  const store = openStore(path, { readonly: true });
  const index = new FindingIndex();
  let latest: string | undefined;
  try {
    for (const f of await store.findings.active()) {
      index.add(
        {
          source: f.source,
          metric: f.metric ?? '*',
          severity: f.severity,
          class: f.class,
          rule: f.rule,
          explanation: f.explanation,
          ...(f.replacement ? { replacement: f.replacement } : {}),
          ...(f.effectiveDate ? { effectiveDate: f.effectiveDate } : {}),
          fingerprint: f.fingerprint,
          origin: 'store',
        },
        f.metric === undefined,
      );
      if (latest === undefined || f.lastSeen > latest) latest = f.lastSeen;
    }
  } finally {
    await store.close();
  }
  return {
    kind: 'store',
    description: path,
    ...(latest ? { generatedAt: latest } : {}),
    findingsFor: (source, metric) => index.get(source, metric),
  };
}

/** Best guess at a finding's class from its rule id (the status file carries rules, not classes). */
export function classOfRule(rule: string): string {
  if (/deprecat|sunset|invalid|gone|removed|known|version|successor/.test(rule)) return 'deprecation';
  if (/frozen|stale-payload|stuck|collapse/.test(rule)) return 'frozen';
  if (/scale|unit|percent|fraction|rescal/.test(rule)) return 'scale';
  return 'other';
}

function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

/**
 * Findings from a status file's gate reasons. A finding appears there only when some feature uses its metric, and a
 * source-wide reason (no metric) applies to every metric of its source. Throws CONFIG_INVALID when the text is not a
 * status file.
 *
 * @example
 * const health = statusFileHealth(readFileSync('snapshots/status.json', 'utf8'), 'snapshots/status.json');
 */
export function statusFileHealth(text: string, description: string): HealthSource {
  let doc: Partial<GateReport> & { schemaVersion?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    throw new UpwatchError('CONFIG_INVALID', `status file ${description} is not valid JSON`, {
      cause: e,
      hint: 'regenerate it with `upwatch poll` (it writes snapshots/status.json), or pass --status-file PATH',
    });
  }
  if (typeof doc !== 'object' || doc === null || doc.schemaVersion !== 1 || !Array.isArray(doc.features)) {
    throw new UpwatchError(
      'CONFIG_INVALID',
      `status file ${description} is not an upwatch status file (schemaVersion 1)`,
      {
        hint: 'regenerate it with `upwatch poll`, or pass --status-file PATH',
      },
    );
  }
  const index = new FindingIndex();
  for (const feature of doc.features) {
    for (const r of Array.isArray(feature?.reasons) ? feature.reasons : []) {
      if (typeof r?.source !== 'string' || typeof r.rule !== 'string' || !isSeverity(r.severity)) continue;
      index.add(
        {
          source: r.source,
          metric: r.metric ?? '*',
          severity: r.severity,
          class: classOfRule(r.rule),
          rule: r.rule,
          explanation: typeof r.explanation === 'string' ? r.explanation : r.rule,
          ...(typeof r.replacement === 'string' ? { replacement: r.replacement } : {}),
          ...(typeof r.fingerprint === 'string' ? { fingerprint: r.fingerprint } : {}),
          origin: 'status-file',
        },
        r.metric === undefined,
      );
    }
  }
  const generatedAt = typeof doc.generatedAt === 'string' ? doc.generatedAt : undefined;
  return {
    kind: 'status-file',
    description: generatedAt ? `${description} (generated ${generatedAt})` : description,
    ...(generatedAt ? { generatedAt } : {}),
    findingsFor: (source, metric) => index.get(source, metric),
  };
}
