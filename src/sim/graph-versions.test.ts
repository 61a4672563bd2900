import { describe, expect, it } from 'vitest';
import { GRAPH_VERSIONS, oldestUsableVersion, routeVersion } from './graph-versions.js';

describe('routeVersion', () => {
  it.each([
    // requested, day, served
    ['v18.0', '2024-03-14', 'v18.0'],
    ['v13.0', '2024-05-28', 'v13.0'], // last day of v13.0
    ['v13.0', '2024-05-29', 'v14.0'], // expired: the next-oldest usable version serves it
    ['v13.0', '2024-09-18', 'v15.0'], // v14.0 expired too
    ['v13.0', '2024-11-25', 'v16.0'],
    ['v16.0', '2025-05-15', 'v17.0'],
    ['v25.0', '2026-03-01', 'v25.0'],
  ])('%s on %s is served by %s', (requested, day, served) => {
    expect(routeVersion(requested, day)).toEqual({
      ok: true,
      requested,
      served,
      upgraded: served !== requested,
    });
  });

  it.each([
    ['v99.0', '2024-03-14', 'unknown'],
    ['v2.0', '2024-03-14', 'unknown'],
    ['v20.0', '2024-05-20', 'unreleased'],
  ] as const)('%s on %s is refused (%s)', (requested, day, reason) => {
    expect(routeVersion(requested, day)).toEqual({ ok: false, requested, reason });
  });

  it('keeps the version table in release order with each version outliving the next release', () => {
    for (let i = 1; i < GRAPH_VERSIONS.length; i++) {
      expect(GRAPH_VERSIONS[i]!.released > GRAPH_VERSIONS[i - 1]!.released).toBe(true);
    }
    expect(GRAPH_VERSIONS.find((v) => v.version === 'v24.0')).toEqual({
      version: 'v24.0',
      released: '2025-10-08',
      availableUntil: '2028-02-18',
    });
  });

  it('gives an unversioned call the oldest usable version', () => {
    expect(oldestUsableVersion('2024-03-14')).toBe('v13.0');
    expect(oldestUsableVersion('2024-06-01')).toBe('v14.0');
  });
});
