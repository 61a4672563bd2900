// Loading contracts: files → YAML documents → schema → model with defaults → semantic rules, every issue collected.
import { relative, resolve, sep } from 'node:path';
import type { ContractSet } from '../core/contract.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SecretLookup } from '../core/secret.js';
import { buildEvent, buildFeature, buildModel, buildSource } from './build.js';
import { definitionValidator } from './ajv.js';
import { CONTRACT_KINDS, type ContractKind } from './defaults.js';
import { MAX_CONTRACT_FILE_BYTES, findContractFiles, readContractFile, tooLargeDiagnostic } from './files.js';
import { EntityPositions } from './locations.js';
import { RULES } from './rules/index.js';
import type { ContractRule, RuleContext } from './rules/rule.js';
import { salvageDocument, type Salvage } from './salvage.js';
import { schemaDiagnostics } from './schema-errors.js';
import { secretPlacement } from './secret-fields.js';
import { parseYamlFile, type YamlDocument } from './yaml-source.js';

export interface LoadOptions {
  /** Looks up `${VAR}` references; unset ones are warnings. Omit it and the environment is not checked. */
  env?: SecretLookup;
  /** "Today" for date-based rules; default the current time. */
  now?: Date;
  /**
   * Directory file paths are reported relative to, and a relative `dir` is resolved against (default: the
   * current working directory). For `loadContractTexts`, the value of `ContractSet.root` (default `.`).
   */
  root?: string;
  /** Semantic rules to run instead of the registered RULES (tests). */
  rules?: readonly ContractRule[];
}

export interface LoadResult {
  contracts: ContractSet;
  /** Every issue found, errors and warnings, sorted by file (load order), line and column. */
  diagnostics: Diagnostic[];
  /**
   * Names declared in documents that failed validation (left out of `contracts`): still declared, not removed.
   * `upwatch ci` reads it to tell a feature with an error from a feature taken out.
   */
  invalid: { sources: string[]; features: string[] };
}

/**
 * True when any diagnostic is an error (warnings alone leave a contract set usable).
 *
 * @example
 * if (hasErrors(result.diagnostics)) process.exitCode = 1;
 */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

interface FileInput {
  path: string;
  text?: string;
  problem?: Diagnostic;
}

/**
 * Load and check every `*.yaml`/`*.yml` contract under `dir` (recursively). Returns the valid sources and features
 * and every issue found; a user mistake never throws. Throws UpwatchError CONTRACTS_NOT_FOUND only when `dir` is not
 * a directory.
 *
 * @example
 * const { contracts, diagnostics } = await loadContracts('contracts', { env: (n) => process.env[n] });
 * if (hasErrors(diagnostics)) for (const d of diagnostics) console.error(formatDiagnostic(d));
 */
export async function loadContracts(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const root = options.root ?? process.cwd();
  const absDir = resolve(root, dir);
  const paths = await findContractFiles(absDir);
  const display = (p: string): string => {
    const rel = relative(root, p);
    return (rel === '' ? '.' : rel).split(sep).join('/');
  };
  const inputs: FileInput[] = [];
  for (const p of paths) {
    const read = await readContractFile(p, display(p));
    inputs.push(
      read.ok ? { path: display(p), text: read.text } : { path: display(p), problem: read.diagnostic },
    );
  }
  const result = loadInputs(inputs, absDir, options);
  if (paths.length === 0) {
    result.diagnostics.unshift({
      file: `${display(absDir)}/`,
      line: 1,
      col: 1,
      severity: 'error',
      code: 'no-contracts',
      message: 'no contract files (*.yaml, *.yml) in this directory or below it',
      hint: 'add a Source contract (copy one from the README or docs/contracts.md), or pass --contracts DIR',
    });
  }
  return result;
}

/**
 * Load contracts from texts already in memory (e.g. files read from a git ref by `upwatch ci`). Synchronous;
 * paths are reported as given.
 *
 * @example
 * const { contracts } = loadContractTexts([{ path: 'contracts/meta.yaml', text }], { root: 'contracts' });
 */
export function loadContractTexts(
  files: { path: string; text: string }[],
  options: LoadOptions = {},
): LoadResult {
  const inputs: FileInput[] = files.map((f) => {
    const bytes = Buffer.byteLength(f.text, 'utf8');
    return bytes > MAX_CONTRACT_FILE_BYTES
      ? { path: f.path, problem: tooLargeDiagnostic(f.path, bytes) }
      : { ...f };
  });
  return loadInputs(inputs, options.root ?? '.', options);
}

function loadInputs(inputs: FileInput[], root: string, options: LoadOptions): LoadResult {
  const set: ContractSet = { root, files: inputs.map((f) => f.path), sources: [], features: [] };
  const diagnostics: Diagnostic[] = [];
  const positions = new EntityPositions();
  const invalidSources = new Set<string>();
  const invalidFeatures = new Set<string>();
  const salvaged: Salvage = { sources: new Map(), features: [] };

  for (const input of inputs) {
    if (input.problem) {
      diagnostics.push(input.problem);
      continue;
    }
    const text = (input.text ?? '').replace(/^\uFEFF/, '');
    const parsed = parseYamlFile(input.path, text);
    diagnostics.push(...parsed.diagnostics);
    for (const b of parsed.broken) {
      if (b.kind === 'Source' && typeof b.name === 'string') invalidSources.add(b.name);
      if (b.kind === 'Feature' && typeof b.name === 'string') invalidFeatures.add(b.name);
    }
    if (parsed.documents.length === 0 && parsed.diagnostics.length === 0) {
      diagnostics.push({
        file: input.path,
        line: 1,
        col: 1,
        severity: 'error',
        code: 'empty-file',
        message: text.trim() === '' ? 'file is empty' : 'file holds no YAML document (only comments)',
        hint: 'write a Source or Feature contract here (apiVersion: upwatch/v1, kind: Source …), or delete the file',
      });
    }
    for (const doc of parsed.documents) {
      const issues = checkDocument(doc);
      diagnostics.push(...issues);
      const value = doc.value as Record<string, unknown>;
      const kind = isMapping(doc.value) ? (value['kind'] as ContractKind) : undefined;
      if (issues.some((d) => d.severity === 'error')) {
        if (kind === 'Source' && typeof value['name'] === 'string') invalidSources.add(value['name']);
        if (kind === 'Feature' && typeof value['name'] === 'string') invalidFeatures.add(value['name']);
        salvageDocument(doc, salvaged);
        continue;
      }
      if (kind === 'Source') set.sources.push(buildSource(doc, positions));
      else if (kind === 'Feature') set.features.push(buildFeature(doc, positions));
      else if (kind === 'Event') (set.events ??= []).push(buildEvent(doc, positions));
      else if (kind === 'Model') (set.models ??= []).push(buildModel(doc, positions));
    }
  }

  const ctx: RuleContext = {
    ...(options.env ? { env: options.env } : {}),
    now: options.now ?? new Date(),
    locate: positions.locate,
    invalidSources,
    salvaged,
  };
  for (const rule of options.rules ?? RULES) {
    try {
      diagnostics.push(...rule.check(set, ctx));
    } catch (e) {
      diagnostics.push({
        file: set.files[0] ?? root,
        line: 1,
        col: 1,
        severity: 'error',
        code: 'internal',
        message: `contract rule ${rule.id} failed: ${e instanceof Error ? e.message : String(e)}`,
        hint: 'this is a bug in upwatch, not in your contracts; please report it',
      });
    }
  }
  return {
    contracts: set,
    diagnostics: sortDiagnostics(diagnostics, set.files),
    invalid: { sources: [...invalidSources], features: [...invalidFeatures] },
  };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkDocument(doc: YamlDocument): Diagnostic[] {
  if (!isMapping(doc.value)) {
    const loc = doc.locate([]);
    return [
      {
        ...loc,
        severity: 'error',
        code: 'not-a-contract',
        message: `document ${doc.index + 1} must be a mapping with apiVersion and kind (got ${Array.isArray(doc.value) ? 'a list' : JSON.stringify(doc.value)})`,
        hint: 'start the document with apiVersion: upwatch/v1 and kind: Source or kind: Feature',
      },
    ];
  }
  const label = `document ${doc.index + 1}`;
  const envelope = definitionValidator('Envelope');
  if (!envelope(doc.value)) return schemaDiagnostics(envelope.errors ?? [], doc, label);
  const kind = doc.value['kind'] as ContractKind;
  if (!CONTRACT_KINDS.includes(kind)) return [];
  const name = typeof doc.value['name'] === 'string' ? ` "${doc.value['name']}"` : '';
  const validate = definitionValidator(kind);
  const issues = validate(doc.value) ? [] : schemaDiagnostics(validate.errors ?? [], doc, `${kind}${name}`);
  issues.push(...secretPlacement(doc));
  return issues;
}

function sortDiagnostics(diagnostics: Diagnostic[], files: readonly string[]): Diagnostic[] {
  const order = new Map(files.map((f, i) => [f, i]));
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        (order.get(a.d.file) ?? -1) - (order.get(b.d.file) ?? -1) ||
        a.d.line - b.d.line ||
        a.d.col - b.d.col ||
        a.i - b.i,
    )
    .map((x) => x.d);
}
