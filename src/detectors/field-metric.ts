// Which declared metric a payload or response field path carries, so field-level findings gate only its features.
import type { SourceContract } from '../core/contract.js';

const tokens = (path: string): string[] => path.split(/[^A-Za-z0-9_-]+/).filter((t) => t !== '');

/**
 * The declared metric a field path carries: a `metric:` prefix naming a declared metric (Meta payload paths such as
 * `page_media_view:$.data[].values[].value`), else the metric whose `field` selector (or name) appears in the path as
 * a run of whole segments, ending the path or followed only by deeper segments (`data[].metrics.clicks` ↔
 * `field: metrics.clicks`). The longest match wins; undefined when the path carries no declared metric.
 *
 * @example
 * metricOfPath(partnerSource, '$.data[].metrics.clicks') // 'clicks'
 */
export function metricOfPath(source: SourceContract, path: string): string | undefined {
  const prefix = /^([A-Za-z0-9_]+):/.exec(path)?.[1];
  if (prefix && source.metrics.some((m) => m.name === prefix)) return prefix;
  const have = tokens(path);
  let best: { name: string; length: number } | undefined;
  for (const m of source.metrics) {
    const want = tokens(m.field ?? m.name);
    if (want.length === 0 || want.length > have.length) continue;
    for (let i = 0; i + want.length <= have.length; i++) {
      if (want.every((t, j) => have[i + j] === t)) {
        if (!best || want.length > best.length) best = { name: m.name, length: want.length };
        break;
      }
    }
  }
  return best?.name;
}
