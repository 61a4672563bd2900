import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createRepo } from './ci-fixture.js';
import { runCiCli } from './ci-run.js';
import { BASE, FEATURES } from './ci-scenarios.js';

const root = join(import.meta.dirname, '..', '..');

interface Step {
  id?: string;
  env?: Record<string, string>;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Action {
  runs: { using: string; steps: Step[] };
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
}
interface Workflow {
  on: { workflow_call: { inputs: Record<string, unknown> } };
  jobs: Record<string, { steps: Step[] }>;
}

const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as Action;
const workflow = parse(
  readFileSync(join(root, '.github', 'workflows', 'upwatch-ci.yml'), 'utf8'),
) as Workflow;

describe('action.yml and the reusable workflow stay in sync with the CLI', () => {
  it('is a composite action whose upwatch flags all exist in `upwatch ci --help`', async () => {
    expect(action.runs.using).toBe('composite');
    const help = (await runCiCli(root, ['--help'])).stdout;
    const scripts = action.runs.steps.map((s) => s.run ?? '').join('\n');
    const flags = new Set(scripts.match(/--[a-z][a-z-]+/g));
    for (const flag of ['--no-tags', '--depth', '--no-audit', '--no-fund']) flags.delete(flag);
    expect([...flags].sort()).toEqual([
      '--base',
      '--contracts',
      '--db',
      '--fail-on',
      '--format',
      '--output',
      '--require-health',
      '--status-file',
    ]);
    for (const flag of flags) expect(help).toContain(flag);
    for (const format of ['github', 'sarif']) expect(help).toContain(format);
  });

  it('references only inputs it declares', () => {
    const text = readFileSync(join(root, 'action.yml'), 'utf8');
    for (const [, name] of text.matchAll(/inputs\.([a-z-]+)/g))
      expect(Object.keys(action.inputs)).toContain(name);
  });

  it('has a workflow_call workflow that passes only inputs the action declares', () => {
    const inputs = Object.keys(workflow.on.workflow_call.inputs);
    expect(inputs).toContain('contracts');
    const step = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses === './.upwatch-action');
    expect(step).toBeDefined();
    for (const key of Object.keys(step!.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    const text = readFileSync(join(root, '.github', 'workflows', 'upwatch-ci.yml'), 'utf8');
    for (const [, name] of text.matchAll(/inputs\.([a-z-]+)/g)) expect(inputs).toContain(name);
  });
});

describe("the action's check step, run by bash as GitHub runs it", () => {
  it('annotates, writes the SARIF file, the outputs and one step summary, and exits with the ci exit code', () => {
    const step = action.runs.steps.find((s) => s.id === 'check')!;
    const repo = createRepo(
      [BASE, { 'contracts/features.yaml': FEATURES + '  - meta-page-insights/page_follows\n' }],
      { branch: 'pr' },
    );
    const tmp = mkdtempSync(join(tmpdir(), 'upwatch-action-'));
    try {
      const env = {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? tmp,
        GITHUB_OUTPUT: join(tmp, 'output'),
        GITHUB_STEP_SUMMARY: join(tmp, 'summary.md'),
        UPWATCH_CI_BASE: 'main',
        UPWATCH_BIN: join(root, 'bin', 'upwatch.js'),
        INPUT_CONTRACTS: 'contracts',
        INPUT_FAIL_ON: 'block',
        INPUT_DB: '',
        INPUT_STATUS_FILE: '',
        INPUT_REQUIRE_HEALTH: 'false',
        INPUT_SARIF_FILE: 'upwatch-ci.sarif',
      };
      // GitHub runs `shell: bash` steps as `bash --noprofile --norc -eo pipefail {0}`.
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
        cwd: repo.root,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toMatch(
        /^::error file=contracts\/features\.yaml,line=8,endLine=8,col=5,title=upwatch\/undeclared-metric::/m,
      );
      expect(readFileSync(join(tmp, 'output'), 'utf8')).toBe('sarif-file=upwatch-ci.sarif\nexit-code=1\n');
      const sarif = JSON.parse(readFileSync(join(repo.root, 'upwatch-ci.sarif'), 'utf8')) as {
        version: string;
      };
      expect(sarif.version).toBe('2.1.0');
      expect(readFileSync(join(tmp, 'summary.md'), 'utf8').match(/## upwatch ci/g)).toHaveLength(1);
    } finally {
      repo.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('docs/ci.md', () => {
  it('has a heading for every rule, so each SARIF helpUri anchor resolves', async () => {
    const { CI_RULES, ruleHelpUri, ruleId } = await import('../../src/ci/rules.js');
    const doc = readFileSync(join(root, 'docs', 'ci.md'), 'utf8');
    const headings = new Set([...doc.matchAll(/^#### ([a-z0-9-]+)$/gm)].map((m) => m[1]));
    for (const name of Object.keys(CI_RULES) as (keyof typeof CI_RULES)[]) {
      expect(headings, name).toContain(name);
      expect(ruleHelpUri(ruleId(name)).endsWith(`docs/ci.md#${name}`)).toBe(true);
    }
  });
});
