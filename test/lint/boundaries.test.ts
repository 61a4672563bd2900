// The import boundaries of STYLE.md hold by themselves: eslint.config.js refuses each crossing and allows each owner.
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The project's own config (plain JS, loaded by URL so TypeScript does not ask for its types).
const config = (
  (await import(new URL('../../eslint.config.js', import.meta.url).href)) as { default: Linter.Config[] }
).default;

// Only the import rules (the type-checked rules need a TypeScript program, these do not).
const blocks = [
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  ...config
    .filter((b) => b.rules?.['no-restricted-imports'] !== undefined)
    .map((b) => ({ ...b, rules: { 'no-restricted-imports': b.rules!['no-restricted-imports']! } })),
];
const linter = new Linter({ configType: 'flat', cwd: process.cwd() });

/** The boundary messages ESLint reports for `source` as if it were the file at `path`. */
function refusals(path: string, source: string): string[] {
  return linter
    .verify(source, blocks, { filename: `${process.cwd()}/${path}` })
    .map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('import boundaries', () => {
  it.each([
    ['src/core/x.ts', "import { openStore } from '../store/store.js';", 'imports nothing internal'],
    ['src/core/x.ts', "import type { Settings } from '../cli/settings.js';", 'imports nothing internal'],
    ['src/detectors/x.ts', "import { breakers } from '../store/breakers.js';", 'detectors are pure'],
    ['src/detectors/stats/x.ts', "import { runCycle } from '../../pipeline/cycle.js';", 'detectors are pure'],
    ['src/detectors/x.ts', "import { x } from '../../test/helpers/x.js';", 'detectors are pure'],
    [
      'src/findings/lifecycle.ts',
      "import { activeFindings } from '../store/findings-repo.js';",
      'findings logic is pure',
    ],
    [
      'src/gate/evaluate.ts',
      "import { activeFindings } from '../store/findings-repo.js';",
      'the gate decision is pure',
    ],
    [
      'src/gate/evaluate.ts',
      "import { acceptFinding } from '../findings/accept.js';",
      'the gate decision is pure',
    ],
    [
      'src/findings/open-finding.ts',
      "import { findingsByPrefix } from '../store/findings-repo.js';",
      'findings logic is pure',
    ],
    [
      'src/pipeline/x.ts',
      "import Database from 'better-sqlite3';",
      'only src/store/** import better-sqlite3',
    ],
    [
      'src/gate/x.ts',
      "import type { Database } from 'better-sqlite3';",
      'only src/store/** import better-sqlite3',
    ],
    ['src/providers/pool.ts', "import axios from 'axios';", 'only src/providers/http.ts import axios'],
    [
      'src/alerts/relay.ts',
      "import nodemailer from 'nodemailer';",
      'only src/alerts/email.ts import nodemailer',
    ],
    ['src/ci/x.ts', "import { parse } from 'yaml';", 'import yaml'],
    ['src/docs/fetch-docs.ts', "import { parse } from 'yaml';", 'import yaml'],
    ['src/init/x.ts', "import Ajv from 'ajv';", 'only src/contracts/** import ajv'],
    ['src/alerts/x.ts', "import cron from 'node-cron';", 'only src/scheduler/** import node-cron'],
    ['src/fleet/worker.ts', "import PgBoss from 'pg-boss';", 'only src/fleet/queue.ts import pg-boss'],
  ])('%s: %s is refused', (path, source, message) => {
    const found = refusals(path, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('no-restricted-imports');
    expect(found[0]).toContain(message);
  });

  it.each([
    ['src/core/x.ts', "import { x } from './y.js';"],
    ['src/detectors/x.ts', "import { x } from '../core/errors.js';"],
    ['src/detectors/x.ts', "import { x } from '../knowledge/lookup.js';"],
    ['src/detectors/stats/x.ts', "import { x } from '../frozen-run.js';"],
    ['src/detectors/stats/x.ts', "import { x } from '../../core/clock.js';"],
    ['src/gate/evaluate.ts', "import { findingTitle } from '../findings/title.js';"],
    ['src/gate/check-gate.ts', "import { activeFindings } from '../store/findings-repo.js';"],
    ['src/findings/accept.ts', "import { insertDecision } from '../store/decisions-repo.js';"],
    ['src/store/store.ts', "import Database from 'better-sqlite3';"],
    ['src/store/migrations/index.ts', "import type Database from 'better-sqlite3';"],
    ['src/providers/http.ts', "import axios from 'axios';"],
    ['src/alerts/email.ts', "import nodemailer from 'nodemailer';"],
    ['src/contracts/ajv.ts', "import Ajv from 'ajv';\nimport addFormats from 'ajv-formats';"],
    ['src/contracts/yaml-source.ts', "import { parseDocument } from 'yaml';"],
    ['src/docs/parse-yaml.ts', "import { parseDocument } from 'yaml';"],
    ['src/scheduler/slots.ts', "import cron from 'node-cron';"],
    ['src/fleet/queue.ts', "import PgBoss from 'pg-boss';"],
    ['src/pipeline/x.ts', "import { openStore } from '../store/store.js';"],
    ['src/store/x.test.ts', "import { parse } from 'yaml';"],
  ])('%s: %s is allowed', (path, source) => {
    expect(refusals(path, source)).toEqual([]);
  });
});
