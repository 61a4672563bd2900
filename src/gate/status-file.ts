// The exported status file (snapshots/status.json): the gate for consumers without database access, written atomically.
import { mkdirSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
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
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(toStatusFile(report), null, 2) + '\n');
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UpwatchError('CONFIG_INVALID', `cannot write the status file ${path}`, {
      cause: e,
      hint: 'check that the directory exists and is writable, or change the status file path',
    });
  }
}
