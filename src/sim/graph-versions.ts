// The Graph API version calendar and the fall-through of expired versions.

/** One Graph API version: release day and the last day it is served (undefined = no end announced). */
export interface GraphVersion {
  version: string;
  released: string;
  availableUntil?: string;
}

/** Versions v13.0–v26.0 as published in the changelog (docs/graph-api/changelog/versions). */
export const GRAPH_VERSIONS: readonly GraphVersion[] = [
  { version: 'v13.0', released: '2022-02-08', availableUntil: '2024-05-28' },
  { version: 'v14.0', released: '2022-05-25', availableUntil: '2024-09-17' },
  { version: 'v15.0', released: '2022-09-15', availableUntil: '2024-11-20' },
  { version: 'v16.0', released: '2023-02-02', availableUntil: '2025-05-14' },
  { version: 'v17.0', released: '2023-05-23', availableUntil: '2025-09-12' },
  { version: 'v18.0', released: '2023-09-12', availableUntil: '2026-01-26' },
  { version: 'v19.0', released: '2024-01-23', availableUntil: '2026-05-21' },
  { version: 'v20.0', released: '2024-05-21', availableUntil: '2026-09-24' },
  { version: 'v21.0', released: '2024-10-02', availableUntil: '2027-01-21' },
  { version: 'v22.0', released: '2025-01-21', availableUntil: '2027-05-20' },
  { version: 'v23.0', released: '2025-05-29', availableUntil: '2027-10-08' },
  { version: 'v24.0', released: '2025-10-08', availableUntil: '2028-02-18' },
  { version: 'v25.0', released: '2026-02-18', availableUntil: '2028-07-29' },
  { version: 'v26.0', released: '2026-07-29' },
];

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
