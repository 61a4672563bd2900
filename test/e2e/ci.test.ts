import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TestRepo } from './ci-fixture.js';
import { runCiCli } from './ci-run.js';
import { BASE, SCENARIOS } from './ci-scenarios.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const repoRoot = join(import.meta.dirname, '..', '..');

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateResult = ajv.compile(
  JSON.parse(readFileSync(join(repoRoot, 'schema', 'ci-result.schema.json'), 'utf8')) as object,
);
/** The OASIS SARIF 2.1.0 schema is draft-04 (`id`): load it into ajv's draft-07 support as `$id`. */
function sarifValidator(): ReturnType<Ajv['compile']> {
  const schema = JSON.parse(
    readFileSync(join(repoRoot, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'),
  ) as Record<string, unknown>;
  delete schema['$schema'];
  schema['$id'] = schema['id'];
  delete schema['id'];
  const sarifAjv = new Ajv({ allErrors: true, strict: false });
  addFormats(sarifAjv);
  return sarifAjv.compile(schema);
}
const validateSarif = sarifValidator();

function elements(nodes: readonly ChildNode[], name: string): Element[] {
  return nodes.filter((n): n is Element => (n as Element).name === name);
}

/** Parse JUnit XML and check the structure CI servers read; returns the test cases. */
function checkJunit(xml: string): { classname: string; name: string; failure: boolean; error: boolean }[] {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const doc = parseDocument(xml, { xmlMode: true });
  const [root] = elements(doc.children, 'testsuites');
  expect(root).toBeDefined();
  const cases: { classname: string; name: string; failure: boolean; error: boolean }[] = [];
  let failures = 0;
  let errors = 0;
  for (const suite of elements(root!.children, 'testsuite')) {
    const suiteCases = elements(suite.children, 'testcase');
    expect(Number(suite.attribs['tests'])).toBe(suiteCases.length);
    let sf = 0;
    let se = 0;
    for (const c of suiteCases) {
      const failure = elements(c.children, 'failure');
      const error = elements(c.children, 'error');
      expect(failure.length + error.length).toBeLessThanOrEqual(1);
      for (const f of [...failure, ...error]) {
        expect(f.attribs['type']).toMatch(/^upwatch\/[a-z-]+$/);
        expect(f.attribs['message']).toBeTruthy();
      }
      expect(c.attribs['classname']).toBe(suite.attribs['name']);
      sf += failure.length;
      se += error.length;
      cases.push({
        classname: c.attribs['classname']!,
        name: c.attribs['name']!,
        failure: failure.length > 0,
        error: error.length > 0,
      });
    }
    expect(Number(suite.attribs['failures'])).toBe(sf);
    expect(Number(suite.attribs['errors'])).toBe(se);
    failures += sf;
    errors += se;
  }
  expect(Number(root!.attribs['tests'])).toBe(cases.length);
  expect(Number(root!.attribs['failures'])).toBe(failures);
  expect(Number(root!.attribs['errors'])).toBe(errors);
  const keys = cases.map((c) => `${c.classname}\u0000${c.name}`);
  expect(new Set(keys).size).toBe(keys.length);
  return cases;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}

interface JsonIssue {
  rule: string;
  severity: string;
  message: string;
  location: { file: string; line: number; col: number };
}

describe.each(SCENARIOS)('upwatch ci: $name', (scenario) => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createRepo([BASE, scenario.head], { branch: 'pr' });
  });
  afterAll(() => repo.cleanup());
  const args = (): string[] => ['--base', 'main', ...(scenario.args ?? [])];

  it(`exits ${scenario.exit} with the expected blocking issues (json, against the published schema)`, async () => {
    const run = await runCiCli(repo.root, [...args(), '--format', 'json']);
    expect(run.code, run.stderr).toBe(scenario.exit);
    const result = JSON.parse(run.stdout) as { exitCode: number; issues: JsonIssue[] };
    expect(validateResult(result), JSON.stringify(validateResult.errors, null, 2)).toBe(true);
    expect(result.exitCode).toBe(scenario.exit);
    const blocks = result.issues
      .filter((i) => i.severity === 'block')
      .map((i) => `${i.rule} ${i.location.file}:${i.location.line}`);
    expect(unique(blocks)).toEqual(unique(scenario.blocks));
    expect(run.stderr).toContain('upwatch ci');
  });

  it('gives the same exit code in text, junit, sarif, github and markdown formats', async () => {
    for (const format of ['text', 'junit', 'sarif', 'github', 'markdown']) {
      const run = await runCiCli(repo.root, [...args(), '--format', format]);
      expect(run.code, `${format}: ${run.stderr}`).toBe(scenario.exit);
      if (format === 'junit') {
        const cases = checkJunit(run.stdout);
        expect(cases.some((c) => c.failure)).toBe(scenario.exit === 1);
        if (scenario.exit === 3) expect(cases.some((c) => c.error)).toBe(true);
        if (scenario.exit === 0) expect(cases.some((c) => c.error)).toBe(false);
      }
      if (format === 'sarif') {
        const log = JSON.parse(run.stdout) as {
          runs: { results: { ruleId: string; level: string; locations: unknown[] }[] }[];
        };
        expect(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 5), null, 2)).toBe(true);
        const errors = log.runs[0]!.results.filter((r) => r.level === 'error').map((r) => r.ruleId);
        expect(unique(errors)).toEqual(unique(scenario.blocks.map((b) => b.split(' ')[0]!)));
      }
      if (format === 'text') {
        for (const b of scenario.blocks) {
          const [rule, where] = b.split(' ');
          expect(run.stdout).toMatch(new RegExp(`^${where}:\\d+  error  .*\\[${rule}\\]$`, 'm'));
        }
      }
      if (format === 'markdown') {
        expect(run.stdout.startsWith('## upwatch ci\n')).toBe(true);
        for (const b of scenario.blocks)
          expect(run.stdout).toContain(`| 🔴 block | \`${b.split(' ')[0]}\` |`);
      }
      if (format === 'github') {
        const errors = run.stdout
          .split('\n')
          .filter((l) => l.startsWith('::error '))
          .map((l) => {
            const m = /^::error file=([^,]+),line=(\d+),endLine=\d+,col=\d+,title=([^:]+)::./.exec(l);
            expect(m, l).not.toBeNull();
            return `${m![3]!.replace('%2F', '/')} ${m![1]}:${m![2]}`;
          });
        expect(unique(errors)).toEqual(unique(scenario.blocks));
      }
    }
  });
});
