// What the simulated upstream does on each demo day, in words: the "cause" column of the demo timeline.
import type { Scenario, ScenarioEvent } from '../sim/scenario.js';
import { pageIds } from '../sim/scenario.js';

function pages(scenario: Scenario, indices: readonly number[]): string {
  const ids = pageIds(scenario);
  const named = indices.map((i) => ids[i] ?? `#${i}`);
  return `${named.length} of ${ids.length} pages (${named.join(', ')})`;
}

function faultText(ev: Extract<ScenarioEvent, { kind: 'fault' }>): string {
  const f =
    ev.fault.type === 'http'
      ? `HTTP ${ev.fault.status}${ev.fault.retryAfterSeconds !== undefined ? ` (Retry-After ${ev.fault.retryAfterSeconds} s)` : ''}`
      : `Graph error #${ev.fault.code}`;
  const api = ev.api === 'graph' ? 'Graph API' : 'partner API';
  return ev.count === undefined
    ? `${api} answers ${f} to every request today`
    : `${api} answers ${f} to ${ev.count === 1 ? 'one request' : `${ev.count} requests`}`;
}

/** Sentences for the events a poll on clock day `day` can first observe (data events show the day after). */
export function upstreamNotes(scenario: Scenario, day: number): string[] {
  const notes: string[] = [];
  const src = scenario.contractSources;
  for (const ev of scenario.events) {
    switch (ev.kind) {
      case 'metric-removed':
        if (ev.announceDay === day)
          notes.push(
            `Meta's changelog and deprecated-metrics page announce that ${ev.metric}` +
              `${ev.alsoAnnounced?.length ? ` (and ${ev.alsoAnnounced.length} other metrics)` : ''} will be removed on day ${ev.day}`,
          );
        if (ev.day === day)
          notes.push(
            `${ev.metric} is removed: every request naming it gets (#100) "must be a valid insights metric"`,
          );
        break;
      case 'freeze':
        if (ev.day + 1 === day)
          notes.push(
            `${src.graph}/${ev.metric} ${ev.mode === 'zero' ? 'drops to 0' : 'freezes at its previous value'} on ${pages(scenario, ev.pages)}`,
          );
        break;
      case 'unit-change':
        if (ev.day + 1 === day)
          notes.push(
            `${src.graph}/${ev.metric} values are multiplied by ${ev.factor}${ev.factor === 100 ? ' (a 0..1 fraction now sent as a percent)' : ''}`,
          );
        break;
      case 'viral-burst':
        if (ev.day + 1 === day)
          notes.push(
            `a real viral burst: ${pages(scenario, [ev.page])} ×${ev.factor} for ${ev.days} days (must not alert)`,
          );
        break;
      case 'fault':
        if (ev.day === day) notes.push(`${faultText(ev)} (transient: must not alert)`);
        break;
      case 'changelog-entry':
        if (ev.day === day)
          notes.push(`changelog entry "${ev.title}" (names no watched metric: must not alert)`);
        break;
      case 'http-deprecation':
        if (ev.day === day)
          notes.push(
            `${src.partner} responses start carrying Deprecation and Sunset (day ${ev.sunsetDay}) headers; the OpenAPI document marks the operation deprecated`,
          );
        break;
      case 'spec-field-deprecated':
        if (ev.day === day)
          notes.push(
            `the ${src.partner} OpenAPI document marks field ${ev.field} deprecated (x-sunset: day ${ev.sunsetDay})`,
          );
        break;
      case 'spec-field-removed':
        if (ev.day === day)
          notes.push(
            `field ${ev.field} disappears from the ${src.partner} OpenAPI document and from its records`,
          );
        break;
    }
  }
  return notes;
}
