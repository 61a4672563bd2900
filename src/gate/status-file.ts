// The exported status file (snapshots/status.json): the gate for consumers without database access, written atomically.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { GateReport } from '../core/gate.js';
import { UpwatchError } from '../core/errors.js';

/** Version of the status file shape; bumped only on incompatible changes. */
export const STATUS_SCHEMA_VERSION = 1;

/**
 * The status file. Shape (documented in docs/gate.md):
 * `{ schemaVersion, generatedAt, allowed, counts: {ok, warn, blocked}, features: FeatureGate[] }`.
 */
export interface StatusFile extends GateReport {
  schemaVersion: typeof STATUS_SCHEMA_VERSION;
}

/** Build the status document from a gate report (stable key order, features sorted by name). */
export function toStatusFile(report: GateReport): StatusFile {
  return {
    schemaVersion: STATUS_SCHEMA_VERSION,
    generatedAt: report.generatedAt,
    allowed: report.allowed,
    counts: report.counts,
    features: [...report.features].sort((a, b) => a.feature.localeCompare(b.feature)),
  };
}

/**
 * Write the status file atomically: a temp file in the same directory, fsync, then rename over the target, so a
 * reader sees the old or the new document, never half of one.
 *
 * @example
 * writeStatusFile('snapshots/status.json', checkGate({ store, contracts, now }));
 */
export function writeStatusFile(path: string, report: GateReport): void {
  try {
    writeFileAtomic(path, JSON.stringify(toStatusFile(report), null, 2) + '\n');
  } catch (e) {
    throw new UpwatchError('CONFIG_INVALID', `cannot write the status file ${path}`, {
      cause: e,
      hint: 'check that the directory exists and is writable, or change the status file path',
    });
  }
}

/**
 * Read a status file written by writeStatusFile. Throws UpwatchError `NOT_FOUND` when it does not exist and
 * `CONFIG_INVALID` when it is not an upwatch status file of schemaVersion 1.
 *
 * @example
 * const status = readStatusFile('snapshots/status.json'); status.features.find((f) => f.feature === 'x')?.state
 */
export function readStatusFile(path: string): StatusFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UpwatchError('NOT_FOUND', `cannot read the status file ${path}`, {
      cause: e,
      hint: 'upwatch poll writes snapshots/status.json; pass --status-file PATH or use the store (--db)',
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UpwatchError('CONFIG_INVALID', `status file ${path} is not valid JSON`, {
      cause: e,
      hint: 'regenerate it with upwatch poll',
    });
  }
  const d = doc as Partial<StatusFile> | null;
  if (
    typeof d !== 'object' ||
    d === null ||
    d.schemaVersion !== STATUS_SCHEMA_VERSION ||
    !Array.isArray(d.features)
  ) {
    throw new UpwatchError(
      'CONFIG_INVALID',
      `${path} is not an upwatch status file (schemaVersion ${STATUS_SCHEMA_VERSION})`,
      {
        hint: 'regenerate it with upwatch poll, or upgrade upwatch if it was written by a newer version',
      },
    );
  }
  return d as StatusFile;
}

/**
 * The part of a status file about some features (or a model's), as a gate report. Throws UpwatchError `NOT_FOUND`
 * for a feature or model the file does not list.
 */
export function selectFromStatus(
  status: StatusFile,
  selection: { features?: readonly string[]; model?: string },
): GateReport {
  const names = selection.features ?? [];
  const unknown = names.filter((n) => !status.features.some((f) => f.feature === n));
  if (unknown.length > 0) {
    throw new UpwatchError(
      'NOT_FOUND',
      `unknown feature${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      {
        hint: `the status file lists: ${
          status.features
            .map((f) => f.feature)
            .slice(0, 20)
            .join(', ') || 'no features'
        }`,
      },
    );
  }
  const chosen = status.features.filter(
    (f) =>
      names.includes(f.feature) ||
      (selection.model !== undefined && f.model === selection.model) ||
      (names.length === 0 && selection.model === undefined),
  );
  if (selection.model !== undefined && !status.features.some((f) => f.model === selection.model)) {
    throw new UpwatchError('NOT_FOUND', `unknown model: ${selection.model}`, {
      hint: 'the status file lists no feature of this model',
    });
  }
  const counts: GateReport['counts'] = { ok: 0, warn: 0, blocked: 0 };
  for (const f of chosen) counts[f.state] += 1;
  return { generatedAt: status.generatedAt, features: chosen, counts, allowed: counts.blocked === 0 };
}
