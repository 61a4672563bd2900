// `upwatch spec-diff` end to end, in-process through runCli with a captured CliIO: output, formats and exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const REPO = join(import.meta.dirname, '..', '..');
const FIX = join(REPO, 'test', 'fixtures', 'openapi');
const work = mkdtempSync(join(tmpdir(), 'upwatch-spec-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Unpack one of the gzip-compressed GitHub descriptions into the temp folder; returns its path. */
function githubSpec(name: string): string {
  const path = join(work, `${name}.json`);
  const gz = join(REPO, 'test', 'fixtures', 'github-openapi', `${name}.json.gz`);
  writeFileSync(path, gunzipSync(readFileSync(gz)));
  return path;
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: {},
    cwd: REPO,
    clock: new ManualClock('2026-11-25T10:00:00Z'),
    isTTY: false,
  };
  const code = await runCli(['spec-diff', ...args, '--cache-dir', join(work, 'cache')], io);
  return { code, out, err };
}

describe('upwatch spec-diff', () => {
  it('exits 1 when a block-level change touches an operation in scope', async () => {
    const r = await run(`${FIX}/items-v1.yaml`, `${FIX}/items-v2.yaml`, '--operation', 'GET /v1/items/{id}');
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'BLOCK  response-optional-property-removed  GET /v1/items/{item_id}  response field impressions was removed',
    );
    expect(r.out).toContain(
      'WARN   response-property-deprecated  GET /v1/items/{item_id}  response field views is deprecated',
    );
  });

  it('exits 0 when the operations in scope only got warnings or additions', async () => {
    const r = await run(`${FIX}/items-v1.yaml`, `${FIX}/items-v2.yaml`, '--operation', 'GET /v1/reports');
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 change(s) in 1 operation(s)');
  });

  it('downgrades undeclared fields with --field, and honours --fail-on', async () => {
    const r = await run(
      `${FIX}/items-v1.yaml`,
      `${FIX}/items-v2.yaml`,
      '--operation',
      'GET /v1/items/{id}',
      '--field',
      'id',
      '--field',
      'views',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('INFO   response-optional-property-removed');
    const w = await run(
      `${FIX}/items-v1.yaml`,
      `${FIX}/items-v2.yaml`,
      '--operation',
      'GET /v1/items/{id}',
      '--field',
      'views',
      '--fail-on',
      'warn',
    );
    expect(w.code).toBe(1);
  });

  it('prints JSON with fingerprints and the announced sunset', async () => {
    const r = await run(`${FIX}/items-v1.yaml`, `${FIX}/items-v2.yaml`, '--format', 'json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as {
      changes: { id: string; operation: string; effectiveDate?: string; fingerprint: string }[];
    };
    const dep = json.changes.find((c) => c.id === 'endpoint-deprecated-with-sunset');
    expect(dep).toMatchObject({ operation: 'GET /v1/items', effectiveDate: '2027-06-30' });
    expect(dep!.fingerprint).toMatch(/^[0-9a-f]{12}$/);
  });

  it('warns about operations in neither document', async () => {
    const r = await run(`${FIX}/items-v1.yaml`, `${FIX}/items-v2.yaml`, '--operation', 'GET /v1/nothing');
    expect(r.code).toBe(0);
    expect(r.err).toContain('operation GET /v1/nothing is in neither document');
  });

  it.each([
    ['a missing file', [`${FIX}/missing.yaml`, `${FIX}/items-v2.yaml`], 'cannot read'],
    ['a document that is not OpenAPI', ['package.json', `${FIX}/items-v2.yaml`], 'not an OpenAPI'],
    ['bad --max-depth', [`${FIX}/items-v1.yaml`, `${FIX}/items-v2.yaml`, '--max-depth', 'x'], '--max-depth'],
    ['bad --format', [`${FIX}/items-v1.yaml`, `${FIX}/items-v2.yaml`, '--format', 'xml'], ''],
  ])('exits 2 on %s', async (_name, args, msg) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(msg);
  });

  it('exits 2 on unparseable YAML', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'openapi: [3.0\n');
    const r = await run(bad, `${FIX}/items-v2.yaml`);
    expect(r.code).toBe(2);
    expect(r.err).toContain('SPEC_INVALID');
  });

  it('reports the GitHub operations removed after deprecation and the newly deprecated one', async () => {
    const r = await run(
      githubSpec('github-api-2021-07-02'),
      githubSpec('github-api-2022-06-11'),
      '--format',
      'json',
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { changes: { id: string; operation: string }[] };
    const of = (id: string) =>
      json.changes
        .filter((c) => c.id === id)
        .map((c) => c.operation)
        .sort();
    expect(of('api-path-removed-with-deprecation')).toHaveLength(4);
    expect(of('endpoint-deprecated')).toEqual(['POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun']);
  });
});
