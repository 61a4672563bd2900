// The Graph API version calendar and the fall-through of expired versions.
import { GRAPH_VERSIONS as KNOWN_VERSIONS, type GraphVersionEntry } from '../knowledge/meta-graph-data.js';

/** One Graph API version: release day and the last day it is served (undefined = no end announced). */
export type GraphVersion = GraphVersionEntry;

/**
 * The calendar the simulated upstream serves: Meta's own, from the built-in knowledge file, unchanged: the simulator
 * differs from Meta in the metrics and faults its scenarios script, not in which versions exist and when they expire.
 * `routeVersion` and `oldestUsableVersion` take another calendar as an argument where a test needs one.
 */
export const GRAPH_VERSIONS: readonly GraphVersion[] = KNOWN_VERSIONS;

/** Outcome of routing a requested version on a given (UTC) day. */
export type VersionRoute =
  | { ok: true; requested: string; served: string; upgraded: boolean }
  | { ok: false; requested: string; reason: 'unknown' | 'unreleased' | 'none-usable' };

function usable(v: GraphVersion, day: string): boolean {
  return v.released <= day && (v.availableUntil === undefined || day <= v.availableUntil);
}

/**
 * Which version serves a call to `requested` on `day`: itself while usable; once expired, the next-oldest
 * usable version (Meta's silent auto-upgrade); an unknown or not yet released version is refused.
 *
 * @example
 * routeVersion('v13.0', '2024-06-01') // { ok: true, requested: 'v13.0', served: 'v14.0', upgraded: true }
 */
export function routeVersion(
  requested: string,
  day: string,
  versions: readonly GraphVersion[] = GRAPH_VERSIONS,
): VersionRoute {
  const index = versions.findIndex((v) => v.version === requested);
  const entry = versions[index];
  if (entry === undefined) return { ok: false, requested, reason: 'unknown' };
  if (entry.released > day) return { ok: false, requested, reason: 'unreleased' };
  if (usable(entry, day)) return { ok: true, requested, served: requested, upgraded: false };
  const next = versions.slice(index + 1).find((v) => usable(v, day));
  if (next === undefined) return { ok: false, requested, reason: 'none-usable' };
  return { ok: true, requested, served: next.version, upgraded: true };
}

/** The oldest usable version on `day` (what an unversioned call gets in the simulator). */
export function oldestUsableVersion(
  day: string,
  versions: readonly GraphVersion[] = GRAPH_VERSIONS,
): string | undefined {
  return versions.find((v) => usable(v, day))?.version;
}
