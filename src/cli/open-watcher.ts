// From flags, environment and config file to a wired watcher, for `poll`, `run` and `ingest`.
import type { SourceContract } from '../core/contract.js';
import type { Logger } from '../core/logger.js';
import type { SharedHostLimit } from '../core/host-limit.js';
import { alertDefaultsFrom } from '../alerts/config.js';
import { secretValues } from '../contracts/secret-values.js';
import { isStoreUrl, openAnyStore } from '../store/open.js';
import { createWatcher, type Watcher } from '../watcher.js';
import type { CliIO } from './io.js';
import { cliLogger, progressPrinter } from './log.js';
import { loadPolledContracts } from './polled-contracts.js';
import { breakerOptions, pollDeadlineMs, publicUrlOf, resolveSettings, type Settings } from './settings.js';

/** A watcher with the settings it was built from and the sources selected by `--source`. */
export interface OpenedWatcher {
  settings: Settings;
  sources: SourceContract[];
  watcher: Watcher;
}

/**
 * Settings → contracts → watcher (store, HTTP client, mail settings); `options.push` lets `--source` name a
 * `provider: push` source (`upwatch ingest`). Throws UpwatchError (CONTRACTS_*, STORE_*,
 * CONFIG_INVALID, USAGE) when it cannot run.
 *
 * @example
 * const { watcher, sources } = await openWatcher(io, { db: flags.db, source: flags.source });
 */
export async function openWatcher(
  io: CliIO,
  flags: {
    db?: string;
    contracts?: string;
    snapshots?: string;
    source?: string[];
    /** Requests in flight per upstream host (default 16). */
    perHostLimit?: number;
    /** Opens the per-host limit shared with other processes (a fleet worker's), given the store URL and limit. */
    sharedHostLimit?: (db: string, limit: number, logger: Logger) => SharedHostLimit;
  },
  logger?: Logger,
  options: { push?: boolean } = {},
): Promise<OpenedWatcher> {
  const settings = resolveSettings(io, {
    db: flags.db,
    contracts: flags.contracts,
    snapshots: flags.snapshots,
  });
  const log = logger ?? cliLogger(io, settings.logLevel);
  const lookup = (name: string) => io.env[name];
  const { contracts, sources } = await loadPolledContracts(io, settings.contracts, flags.source, options);
  const breaker = breakerOptions(settings);
  const alerts = {
    ...alertDefaultsFrom(settings.file, io.env),
    secrets: secretValues(contracts, lookup),
    ...(settings.publicUrl !== undefined ? { publicUrl: publicUrlOf(settings) } : {}),
  };
  const deadline = pollDeadlineMs(settings);
  // A postgres:// URL opens the PostgreSQL store; a path, the SQLite file (opened by the watcher).
  const store = isStoreUrl(settings.db) ? await openAnyStore(settings.db) : undefined;
  const perHostLimit = flags.perHostLimit ?? 16;
  const shared = flags.sharedHostLimit?.(settings.db, perHostLimit, log);
  const watcher = createWatcher({
    db: settings.db,
    ...(store ? { store } : {}),
    contracts,
    secrets: lookup,
    clock: io.clock,
    logger: log,
    snapshotsDir: settings.snapshots,
    ...(settings.statusFile !== undefined ? { statusFile: settings.statusFile } : {}),
    alerts,
    breaker,
    pollDeadlineMs: deadline,
    onProgress: progressPrinter(io),
    http: { perHostLimit, ...(shared ? { sharedHostLimit: shared } : {}) },
    ...(settings.smtpUrl
      ? { mail: { smtpUrl: settings.smtpUrl, ...(settings.smtpFrom ? { from: settings.smtpFrom } : {}) } }
      : {}),
  });
  return { settings, sources, watcher };
}
