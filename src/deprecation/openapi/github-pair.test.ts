// The diff on GitHub's real REST description, 2021-07-02 → 2022-06-11 (octokit/openapi fa225dc → 9acf9c8).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SpecDiffResult } from './diff-specs.js';
import { diffSpecs } from './diff-specs.js';
import { parseSpecText, type SpecDocument } from './load-spec.js';

const DIR = new URL('../../../test/fixtures/github-openapi/', import.meta.url);

/** Read one of the gzip-compressed GitHub descriptions kept in test/fixtures/github-openapi. */
function loadGithub(name: string): SpecDocument {
  return parseSpecText(
    gunzipSync(readFileSync(new URL(`${name}.json.gz`, DIR))).toString('utf8'),
    `${name}.json`,
  );
}

describe('GitHub REST description pair', () => {
  let all: SpecDiffResult;
  beforeAll(() => {
    const base = loadGithub('github-api-2021-07-02');
    const rev = loadGithub('github-api-2022-06-11');
    all = diffSpecs(base, rev, { now: new Date('2022-06-11') });
  });

  it('reads both documents', () => {
    expect(all.base).toMatchObject({ operations: 756, deprecated: 51 });
    expect(all.revision).toMatchObject({ operations: 771, deprecated: 48 });
  });

  it('reports the 4 operations removed after deprecation, with their x-github dates', () => {
    const removed = all.changes.filter((c) => c.id === 'api-path-removed-with-deprecation');
    expect(removed.map((c) => c.operation).sort()).toEqual([
      'DELETE /applications/{client_id}/grants/{access_token}',
      'DELETE /applications/{client_id}/tokens/{access_token}',
      'GET /applications/{client_id}/tokens/{access_token}',
      'POST /applications/{client_id}/tokens/{access_token}',
    ]);
    for (const c of removed) {
      expect(c.level).toBe('block');
      expect(c.effectiveDate).toBe('2021-05-05');
      expect(c.attributes.deprecationDate).toBe('2020-02-14');
    }
  });

  it('reports the 1 newly deprecated operation', () => {
    const dep = all.changes.filter((c) => c.id.startsWith('endpoint-deprecated'));
    expect(dep.map((c) => [c.id, c.operation, c.level])).toEqual([
      ['endpoint-deprecated', 'POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun', 'warn'],
    ]);
  });

  it('also reports the one operation removed without deprecation', () => {
    expect(
      all.changes.filter((c) => c.id === 'api-path-removed-without-deprecation').map((c) => c.operation),
    ).toEqual(['GET /repos/{owner}/{repo}/community/code_of_conduct']);
  });

  it('gives the same changes for an operation whether scoped or not', () => {
    const op = 'GET /repos/{owner}/{repo}';
    const base = loadGithub('github-api-2021-07-02');
    const rev = loadGithub('github-api-2022-06-11');
    const scoped = diffSpecs(base, rev, { operations: [op] });
    expect(scoped.changes.length).toBeGreaterThan(0);
    expect(scoped.changes.map((c) => c.fingerprint).sort()).toEqual(
      all.changes
        .filter((c) => c.operation === op)
        .map((c) => c.fingerprint)
        .sort(),
    );
  });
});
