// Writing a new upwatch project: the template files into a directory, never over a file that is already there.
import { existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UpwatchError } from '../core/errors.js';
import { pageIds } from '../sim/scenario.js';
import { DEFAULT_SCENARIO, scenarioByName } from '../sim/scenarios/index.js';
import {
  featuresTemplate,
  GITIGNORE_LINES,
  gitignoreTemplate,
  SANDBOX_URL,
  sandboxGraphVersion,
  sourceTemplate,
  workflowTemplate,
} from './templates.js';

/** One file of the scaffold, its path relative to the project directory. */
export interface ScaffoldFile {
  path: string;
  text: string;
}

/** What happened to one file. `appended`: .gitignore existed and got the missing lines. */
export type ScaffoldAction = 'written' | 'overwritten' | 'skipped' | 'appended' | 'unchanged';

export interface ScaffoldOutcome {
  path: string;
  action: ScaffoldAction;
}

/**
 * The files of a new project on `now`: contracts pointing at the sandbox's default scenario and port, .gitignore,
 * the CI workflow.
 *
 * @example
 * scaffoldFiles(new Date()).map((f) => f.path)
 * // ['contracts/meta-page-insights.yaml', 'contracts/features.yaml', '.gitignore', '.github/workflows/upwatch.yml']
 */
export function scaffoldFiles(now: Date): ScaffoldFile[] {
  const scenario = scenarioByName(DEFAULT_SCENARIO);
  return [
    {
      path: 'contracts/meta-page-insights.yaml',
      text: sourceTemplate({
        baseUrl: SANDBOX_URL,
        apiVersion: sandboxGraphVersion(now),
        pages: pageIds(scenario),
      }),
    },
    { path: 'contracts/features.yaml', text: featuresTemplate() },
    { path: '.gitignore', text: gitignoreTemplate() },
    { path: '.github/workflows/upwatch.yml', text: workflowTemplate() },
  ];
}

function missingIgnoreLines(text: string): string[] {
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  return GITIGNORE_LINES.filter((l) => !have.has(l) && !have.has(`/${l}`));
}

/**
 * Write `files` under `dir`. An existing file is skipped (`force`: overwritten); an existing .gitignore gets only
 * the lines it lacks.
 *
 * @example
 * writeScaffold('my-project', scaffoldFiles(new Date()), { force: false }) // [{ path, action: 'written' }, …]
 */
export function writeScaffold(
  dir: string,
  files: readonly ScaffoldFile[],
  options: { force: boolean },
): ScaffoldOutcome[] {
  return files.map((file) => {
    const path = join(dir, file.path);
    try {
      const exists = existsSync(path);
      if (exists && file.path === '.gitignore' && !options.force) {
        const text = readFileSync(path, 'utf8');
        const missing = missingIgnoreLines(text);
        if (missing.length === 0) return { path: file.path, action: 'unchanged' };
        appendFileSync(path, `${text === '' || text.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`);
        return { path: file.path, action: 'appended' };
      }
      if (exists && !options.force) return { path: file.path, action: 'skipped' };
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.text);
      return { path: file.path, action: exists ? 'overwritten' : 'written' };
    } catch (e) {
      throw new UpwatchError('USAGE', `cannot write ${path}`, {
        cause: e,
        hint: 'check that the directory exists and is writable',
      });
    }
  });
}
