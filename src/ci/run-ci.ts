// `upwatch ci` as a function: read contracts at base and head, validate, classify the diff, check health, decide.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isUpwatchError, UpwatchError } from '../core/errors.js';
import { loadContractTexts, type LoadOptions, type LoadResult } from '../contracts/load.js';
import { graphVersionInfo, knownDeprecation } from '../knowledge/lookup.js';
import { classifyChanges, type VersionLookup } from './classify.js';
import {
  defaultBaseRef,
  gitRoot,
  mergeBase,
  readContractsAtRef,
  readContractsInWorkingTree,
  readFileAtRef,
  repoRelative,
  requireCommit,
  type ContractFileRead,
} from './git.js';
import { checkHealth, type HealthSource, type KnownDeprecationLookup } from './health.js';
import { statusFileHealth, storeHealth } from './health-sources.js';
import { makeIssue, type CiIssue } from './issue.js';
import { buildResult, type CiResult, type FailOn } from './result.js';
import { ruleId } from './rules.js';
import { validationIssues } from './validation.js';

/** A status file older than this many days is flagged as old in the report (it is still used). */
export const STALE_STATUS_DAYS = 7;

/** Default location of the committed status file, relative to the repository root. */
export const DEFAULT_STATUS_FILE = 'snapshots/status.json';

export interface RunCiOptions {
  /** Working directory (paths in flags are relative to it). */
  cwd: string;
  /** Base ref; default `origin/main`, else `main`. */
  base?: string;
  /** Head ref; default the working tree. */
  head?: string;
  /** Contracts directory; default `contracts`. */
  contracts?: string;
  /** Store to read current health from (opened read-only). */
  db?: string;
  /** Store used when `db` is not given, if the file exists (e.g. `.upwatch/upwatch.db`). */
  defaultDb?: string;
  /** Status file to read when no store is usable; default snapshots/status.json at head. */
  statusFile?: string;
  /** Exit 3 ("could not verify") when no live health source is usable. */
  requireHealth?: boolean;
  failOn?: FailOn;
  now: Date;
  /** upwatch version, for the reports. */
  version: string;
}

/** The built-in knowledge of vendor deprecations, in the shape the health check takes. */
export const builtInDeprecations: KnownDeprecationLookup = (provider, metric, now) => {
  const k = knownDeprecation(provider, metric, now);
  if (!k) return undefined;
  return {
    metric,
    effectiveDate: k.effective,
    ...(k.replacement ? { replacement: k.replacement } : {}),
    vendor: provider === 'meta-graph' ? 'Meta' : provider,
    ...(k.sources[0] ? { reference: k.sources[0] } : {}),
  };
};

/** The built-in Graph API version calendar, in the shape the classifier takes. */
export const builtInVersions: VersionLookup = (provider, version) => {
  if (provider !== 'meta-graph') return undefined;
  const info = graphVersionInfo(version);
  return (
    info && { version: info.version, ...(info.availableUntil ? { endOfLife: info.availableUntil } : {}) }
  );
};

interface HealthChoice {
  source?: HealthSource;
  /** Why no live source was used, or where it came from. */
  detail: string;
}

async function chooseHealth(
  options: RunCiOptions,
  root: string,
  headCommit: string | undefined,
): Promise<HealthChoice> {
  const notes: string[] = [];
  const defaultDb =
    options.defaultDb !== undefined && existsSync(resolve(options.cwd, options.defaultDb))
      ? options.defaultDb
      : undefined;
  const dbPath = options.db ?? defaultDb;
  if (dbPath !== undefined) {
    try {
      return { source: await storeHealth(resolve(options.cwd, dbPath)), detail: dbPath };
    } catch (e) {
      if (!isUpwatchError(e)) throw e;
      notes.push(`store unavailable: ${e.message}`);
    }
  } else notes.push('no store (--db)');

  let text: string | undefined;
  let label: string;
  if (options.statusFile !== undefined || headCommit === undefined) {
    label = options.statusFile ?? DEFAULT_STATUS_FILE;
    const abs = options.statusFile !== undefined ? resolve(options.cwd, label) : resolve(root, label);
    text = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
  } else {
    label = `${DEFAULT_STATUS_FILE} at ${options.head ?? headCommit}`;
    text = await readFileAtRef(root, headCommit, DEFAULT_STATUS_FILE);
  }
  if (text === undefined) {
    notes.push(`no status file ${label}`);
    return { detail: notes.join('; ') };
  }
  try {
    const source = statusFileHealth(text, label);
    const age = source.generatedAt
      ? (options.now.getTime() - Date.parse(source.generatedAt)) / 86_400_000
      : NaN;
    // An old status file is still evidence, but the reader should know how old.
    const stale = age >= STALE_STATUS_DAYS ? `; ${Math.floor(age)} days old` : '';
    return { source, detail: `${source.description}${stale}` };
  } catch (e) {
    if (!isUpwatchError(e)) throw e;
    notes.push(e.message);
    return { detail: notes.join('; ') };
  }
}

/** Load files read from git or the working tree; the files that could not be read keep their diagnostics. */
function load(files: ContractFileRead[], options: LoadOptions): LoadResult {
  const texts = files.flatMap((f) => ('text' in f ? [{ path: f.path, text: f.text }] : []));
  const loaded = loadContractTexts(texts, options);
  const problems = files.flatMap((f) => ('problem' in f ? [f.problem] : []));
  return { ...loaded, diagnostics: [...problems, ...loaded.diagnostics] };
}

/** Loader diagnostics that a change rule restates more precisely when both point at the same place. */
const RESTATED_BY_CHANGES = new Set([
  'version-eol-passed',
  'version-eol-soon',
  'unknown-metric',
  'unknown-source',
]);

/** Drop validation issues that a more specific change or health issue reports at the same place. */
function dedupe(validation: CiIssue[], specific: CiIssue[]): CiIssue[] {
  const key = (i: CiIssue): string => `${i.location.file}:${i.location.line}:${i.location.col}`;
  const at = new Set(specific.filter((i) => i.severity === 'block').map(key));
  return validation.filter(
    (v) => !(v.code !== undefined && RESTATED_BY_CHANGES.has(v.code) && at.has(key(v))),
  );
}

/**
 * Run the pull-request check. Throws UpwatchError (GIT_FAILED, CONTRACTS_NOT_FOUND, USAGE) when it cannot run;
 * everything about the contracts themselves is in the result.
 *
 * @example
 * const result = await runCi({ cwd: process.cwd(), base: 'origin/main', now: new Date(), version: '0.1.0' });
 * process.exitCode = result.exitCode;
 */
// eslint-disable-next-line max-lines-per-function -- the CI check in order: load both refs, classify, health, verdict; each step is already a function, what remains is the wiring
export async function runCi(options: RunCiOptions): Promise<CiResult> {
  const root = await gitRoot(options.cwd);
  const baseRef = options.base ?? (await defaultBaseRef(root));
  const baseTip = await requireCommit(root, baseRef, 'base');
  const headCommit = options.head === undefined ? undefined : await requireCommit(root, options.head, 'head');
  // Compare with where the pull request branched off, so later commits on the base branch are not read as reverted.
  // On GitHub's merge commit this is the base tip itself; in a shallow clone without the history, the tip is used.
  const forkPoint = await mergeBase(root, baseTip, headCommit ?? 'HEAD');
  const baseCommit = forkPoint ?? baseTip;
  const dir = repoRelative(root, options.cwd, options.contracts ?? 'contracts');

  const baseFiles = await readContractsAtRef(root, baseCommit, dir, 'base');
  let headFiles: ContractFileRead[];
  if (headCommit === undefined) headFiles = await readContractsInWorkingTree(root, dir);
  else headFiles = await readContractsAtRef(root, headCommit, dir, 'head');
  if (headFiles.length === 0) {
    throw new UpwatchError(
      'CONTRACTS_NOT_FOUND',
      `no contract files (*.yaml, *.yml) under ${dir}/ at ${headCommit === undefined ? 'the working tree' : options.head}`,
      { hint: 'pass --contracts DIR with the directory that holds the Source and Feature contracts' },
    );
  }

  const loadOptions = { now: options.now, root: dir };
  const base = load(baseFiles, loadOptions);
  const head = load(headFiles, loadOptions);
  const unloadedFiles = new Set(head.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));

  const classification = classifyChanges(base.contracts, head.contracts, {
    now: options.now,
    versionLifecycle: builtInVersions,
    unloadedFiles,
    invalidHeadFeatures: new Set(head.invalid.features),
  });

  const health = await chooseHealth(options, root, headCommit);
  const checked = checkHealth({
    head: head.contracts,
    features: classification.features,
    ...(health.source ? { health: health.source } : {}),
    knownDeprecation: builtInDeprecations,
    now: options.now,
  });

  const specific = [...classification.issues, ...checked.issues];
  const issues = [...dedupe(validationIssues(head.diagnostics), specific), ...specific];
  const checkedFeatures = classification.features.filter((f) => f.kind !== 'unchanged');
  if (!checked.verified && checkedFeatures.length > 0) {
    const first = checkedFeatures[0]!.feature;
    issues.push(
      makeIssue(
        {
          rule: ruleId('health-unverified'),
          severity: 'info',
          origin: 'health',
          message: `could not verify the current health of the metrics used by ${checkedFeatures.length} added or changed feature${checkedFeatures.length === 1 ? '' : 's'}; checked against built-in knowledge only (${health.detail})`,
          hint: 'pass --db with the store, or commit snapshots/status.json (written by upwatch poll)',
          location: first.location,
        },
        ['health'],
      ),
    );
  }

  const locate = (name: string): string =>
    head.contracts.sources.find((s) => s.name === name)?.location.file ??
    base.contracts.sources.find((s) => s.name === name)?.location.file ??
    dir;
  return buildResult({
    version: options.version,
    now: options.now,
    base: { ref: baseRef, commit: baseCommit, mergeBase: forkPoint !== undefined && forkPoint !== baseTip },
    head:
      headCommit === undefined
        ? { ref: null, commit: null, worktree: true }
        : { ref: options.head ?? null, commit: headCommit, worktree: false },
    contractsDir: dir,
    failOn: options.failOn ?? 'block',
    health: {
      origin: checked.origin,
      verified: checked.verified,
      required: options.requireHealth ?? false,
      detail: health.detail,
      ...(health.source?.generatedAt ? { generatedAt: health.source.generatedAt } : {}),
    },
    issues,
    headFiles: headFiles.map((f) => f.path),
    sources: classification.changedSources.map((name) => ({ name, file: locate(name) })),
    features: checkedFeatures.map((f) => ({ name: f.feature.name, file: f.feature.location.file })),
  });
}
