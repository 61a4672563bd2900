// `upwatch spec-diff BASE REVISION`: the consumer-scoped OpenAPI diff from the command line, with a policy exit code.
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { SEVERITIES, type Severity } from '../../core/contract.js';
import { compareSeverity } from '../../core/finding.js';
import { diffSpecs } from '../../deprecation/openapi/diff-specs.js';
import { formatSpecDiffJson, formatSpecDiffText } from '../../deprecation/openapi/format-spec-diff.js';
import { loadSpecFile } from '../../deprecation/openapi/load-spec.js';
import { printError } from '../errors.js';
import type { CliIO } from '../io.js';
import { EXIT } from '../io.js';
import type { CommandState } from './index.js';

/** Where parsed YAML documents are cached as JSON (relative to the working directory). */
const DEFAULT_CACHE_DIR = '.upwatch/cache/openapi';

interface SpecDiffFlags {
  operation: string[];
  field: string[];
  format: 'text' | 'json';
  failOn: Severity;
  maxDepth: string;
  cache: boolean;
  cacheDir: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Register `upwatch spec-diff`.
 *
 * @example
 * upwatch spec-diff old.yaml new.yaml --operation "GET /v1/charges" --format json
 */
export function registerSpecDiff(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('spec-diff')
    .description(
      'Compare two versions of an OpenAPI 3.x / Swagger 2.0 document for a consumer: removed, deprecated and ' +
        'changed operations and response fields, with oasdiff rule ids and a consumer severity',
    )
    .argument('<base>', 'the older document (JSON or YAML)')
    .argument('<revision>', 'the newer document (JSON or YAML)')
    .option(
      '--operation <op>',
      'an operation in scope, "METHOD /path" (repeatable; default: all)',
      collect,
      [],
    )
    .option(
      '--field <path>',
      'a response field you read, e.g. data.id (repeatable); others are reported as info',
      collect,
      [],
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(
      new Option('--fail-on <level>', 'exit 1 at or above this level')
        .choices([...SEVERITIES])
        .default('block'),
    )
    .option('--max-depth <n>', 'deepest response field path compared (data[].id = 3)', '6')
    .option('--cache-dir <dir>', 'cache for parsed YAML documents', DEFAULT_CACHE_DIR)
    .option('--no-cache', 'parse YAML documents every time')
    .addHelpText(
      'after',
      '\nExit codes: 0 no change at or above --fail-on in scope; 1 such a change; 2 a document could not be read.\n',
    )
    .action((basePath: string, revPath: string, flags: SpecDiffFlags) => {
      const maxDepth = Number(flags.maxDepth);
      if (!Number.isInteger(maxDepth) || maxDepth < 1) {
        io.stderr(`error: --max-depth must be a positive integer (got ${flags.maxDepth}) [USAGE]\n`);
        state.exitCode = EXIT.CANNOT_RUN;
        return;
      }
      try {
        const cacheDir = flags.cache ? resolve(io.cwd, flags.cacheDir) : undefined;
        const load = (p: string) => loadSpecFile(resolve(io.cwd, p), cacheDir ? { cacheDir } : {});
        const base = load(basePath);
        const revision = load(revPath);
        const result = diffSpecs(base, revision, {
          operations: flags.operation,
          fields: flags.field,
          maxDepth,
          now: io.clock.now(),
        });
        // print the paths as the user wrote them
        result.base.origin = basePath;
        result.revision.origin = revPath;
        io.stdout(flags.format === 'json' ? formatSpecDiffJson(result) : formatSpecDiffText(result));
        for (const op of result.unknownOperations)
          io.stderr(`warning: operation ${op} is in neither document (check the method and path)\n`);
        const failing = result.changes.some((c) => compareSeverity(c.level, flags.failOn) >= 0);
        state.exitCode = failing ? EXIT.POLICY_FAILED : EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
