// `upwatch ci` on a pull request that adds a categorical check where it cannot apply, in a real git repository.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TestRepo } from './ci-fixture.js';
import { runCiCli } from './ci-run.js';

const SOURCE = (extra: string) => `apiVersion: upwatch/v1
kind: Source
name: search-logs
owners: [search-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - { name: queries, kind: count${extra} }
  - name: query_intent
    kind: categorical
    categories: { known: [navigational, informational], other: other }
`;
const FEATURE = `apiVersion: upwatch/v1
kind: Feature
name: intent_features
owners: [relevance-ml@example.com]
uses: [search-logs/query_intent, search-logs/queries]
`;

let repo: TestRepo;
beforeAll(() => {
  repo = createRepo(
    [
      { 'contracts/search.yaml': SOURCE(''), 'contracts/features.yaml': FEATURE },
      { 'contracts/search.yaml': SOURCE(', checks: { category-mix-shift: { options: { alhpa: 0.01 } } }') },
    ],
    { branch: 'pr' },
  );
});
afterAll(() => repo.cleanup());

describe('upwatch ci with categorical checks', () => {
  it('fails the pull request on a categorical check of a count, and on an option the check does not know', async () => {
    const run = await runCiCli(repo.root, ['--base', 'main']);
    const out = run.stdout + run.stderr;
    expect(run.code).toBe(1);
    expect(out).toContain(
      'check "category-mix-shift" does not apply here: it reads counts per category, and queries is of kind count',
    );
    expect(out).toMatch(/alhpa/);
  });
});
