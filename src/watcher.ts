// The composition of a cycle: store, HTTP client, mail relay, clock and logger wired once for poll, run, demo and the library.
import type { Clock } from './core/clock.js';
import { declaredChannels, type ContractSet, type SourceContract } from './core/contract.js';
import type { BreakerOptions } from './core/breaker.js';
import type { GateReport } from './core/gate.js';
import { silentLogger, type Logger } from './core/logger.js';
import { deliverDue } from './alerts/deliver.js';
import type { ProcessDefaults } from './alerts/settings.js';
import type { RelayRound } from './alerts/relay.js';
import type { NoticeReviser } from './alerts/revise.js';
import { createAlertRelay, type AlertRelaySetup } from './alerts/setup.js';
import { checkGate } from './gate/check-gate.js';
import { runCycle, type CycleDeps, type CycleResult } from './pipeline/cycle.js';
import { storeNoticeReviser } from './pipeline/notice-state.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from './providers/http.js';
import type { FetchProgress } from './providers/provider.js';
import { openStore, type OpenStoreOptions } from './store/store.js';
import type { Store } from './store/ports.js';

/** Everything a watcher is built from: already resolved and validated values (the CLI reads flags, env and files). */
export interface WatcherSettings {
  /** Store file (`:memory:` for an in-memory store); ignored when `store` is given. */
  db: string;
  /**
   * An opened store to use instead of opening `db` (a PostgreSQL store from `openAnyStore`, say). The watcher owns it
   * from then on: `close()` closes it.
   */
  store?: Store;
  /** How the store is opened (the demo's throwaway store skips fsync). */
  storeOptions?: OpenStoreOptions;
  /** The loaded contract set. */
  contracts: ContractSet;
  /** Resolves the contracts' `${VAR}` references at poll time (the CLI passes the environment). */
  secrets: (name: string) => string | undefined;
  clock: Clock;
  /** Default: silent. */
  logger?: Logger;
  /** Directory for watched-doc snapshots; undefined = store only. */
  snapshotsDir?: string;
  /** Status file written after each cycle (default `<snapshotsDir>/status.json`). */
  statusFile?: string;
  /** Lifecycle and alert settings, with the secret values to scrub from mail. */
  alerts?: ProcessDefaults;
  /** Circuit breaker per upstream host. */
  breaker?: Partial<BreakerOptions>;
  /** Overall deadline of one poll of one source, ms. */
  pollDeadlineMs?: number;
  /** Told after each request of a poll. */
  onProgress?: (p: FetchProgress) => void;
  /**
   * Injected waits and jitter (the demo moves its virtual clock instead of sleeping), the per-host limit, and a
   * per-host limit shared with other processes (fleet workers).
   */
  http?: Pick<HttpClientOptions, 'sleep' | 'random' | 'perHostLimit' | 'sharedHostLimit'>;
  /** Where mail goes: an SMTP URL (parsed when the relay is first needed) and an optional sender. */
  mail?: { smtpUrl: string; from?: string };
}

/** A wired watcher: the parts, one cycle per source, the gate, mail, and one close for all. */
export interface Watcher {
  /** The store: the SQLite file the watcher opened, or the store it was given. */
  readonly store: Store;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly contracts: ContractSet;
  /** What `runCycle` receives (for callers that compose their own stages). */
  readonly deps: CycleDeps;
  /**
   * One cycle for one source: poll, docs, detection, findings, gate, outbox, status file. With `slot` (a fleet
   * worker's job), the poll claims that schedule slot in its own transaction: a slot already polled throws
   * UpwatchError `SLOT_TAKEN` before anything is written.
   */
  cycle(source: SourceContract, options?: { slot?: string }): Promise<CycleResult>;
  /** The gate over every feature now. */
  gate(): Promise<GateReport>;
  /** The relay's check of each notice against the state at send time. */
  noticeReviser(): NoticeReviser;
  /**
   * The long-lived alert relay (built on first call, closed by `close`): mail with `mail` settings, Slack and webhooks
   * when the contracts declare channels; undefined with neither. Throws UpwatchError `CONFIG_INVALID` for a malformed
   * SMTP URL.
   */
  mailRelay(): AlertRelaySetup | undefined;
  /** Send what is due in the outbox now over a pool of its own (undefined with neither mail nor channels). */
  deliverDue(): Promise<RelayRound | undefined>;
  /** Stop the relay (draining its round), then close the HTTP client and the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Wire a watcher: open the store, build the HTTP client, and hand back one `cycle(source)` over them. What it opens
 * is closed by `close()`, also when building fails half-way. Throws UpwatchError `STORE_*` when the store cannot
 * be opened.
 *
 * @example
 * const watcher = createWatcher({ db: '.upwatch/upwatch.db', contracts, secrets: (n) => env[n], clock: systemClock });
 * try {
 *   for (const source of contracts.sources) await watcher.cycle(source);
 *   (await watcher.gate()).features; // [{ feature: 'reach_7d', state: 'ok', … }]
 * } finally {
 *   await watcher.close();
 * }
 */
// eslint-disable-next-line max-lines-per-function -- the composition root of the library: wires store, providers, detectors, gate and relay in one place
export function createWatcher(settings: WatcherSettings): Watcher {
  const { clock, contracts } = settings;
  const logger = settings.logger ?? silentLogger;
  const store: Store = settings.store ?? openStore(settings.db, settings.storeOptions);
  let http: HttpClient;
  try {
    http = createHttpClient({ clock, logger, ...(settings.http ?? {}) });
  } catch (e) {
    void store.close();
    throw e;
  }
  const deps: CycleDeps = {
    store,
    http,
    secrets: settings.secrets,
    clock,
    logger,
    contracts,
    ...(settings.snapshotsDir !== undefined ? { snapshotsDir: settings.snapshotsDir } : {}),
    ...(settings.statusFile !== undefined ? { statusFile: settings.statusFile } : {}),
    ...(settings.alerts !== undefined ? { alerts: settings.alerts } : {}),
    ...(settings.onProgress !== undefined ? { onProgress: settings.onProgress } : {}),
    ...(settings.breaker !== undefined ? { breaker: settings.breaker } : {}),
    ...(settings.pollDeadlineMs !== undefined ? { pollDeadlineMs: settings.pollDeadlineMs } : {}),
  };
  const noticeReviser = (): NoticeReviser => {
    const alerts = settings.alerts;
    return storeNoticeReviser({
      store,
      contracts,
      secrets: alerts?.secrets ?? [],
      ...(alerts?.maxFindingsPerMail !== undefined ? { maxFindingsPerMail: alerts.maxFindingsPerMail } : {}),
      ...(alerts?.publicUrl !== undefined ? { publicUrl: alerts.publicUrl } : {}),
    });
  };
  let relay: AlertRelaySetup | undefined;
  let closed: Promise<void> | undefined;
  const hasChannels = declaredChannels(contracts).length > 0;
  const relayOptions = () => {
    const mail = settings.mail;
    return {
      store,
      ...(mail ? { smtpUrl: mail.smtpUrl, ...(mail.from ? { from: mail.from } : {}) } : {}),
      ...(hasChannels
        ? {
            channels: {
              resolve: settings.secrets,
              secrets: settings.alerts?.secrets ?? [],
              // The dashboard's URL (checked when the settings were read) for links in Slack and webhook notices.
              ...(settings.alerts?.publicUrl ? { publicUrl: settings.alerts.publicUrl } : {}),
            },
          }
        : {}),
      clock,
      logger,
      revise: noticeReviser(),
    };
  };

  return {
    store,
    http,
    clock,
    logger,
    contracts,
    deps,
    cycle: (source, options) =>
      runCycle(options?.slot !== undefined ? { ...deps, slot: options.slot } : deps, source),
    gate: () => checkGate({ store, contracts, now: clock.now() }),
    noticeReviser,
    mailRelay() {
      if (!settings.mail && !hasChannels) return undefined;
      relay ??= createAlertRelay(relayOptions());
      return relay;
    },
    async deliverDue() {
      if (!settings.mail && !hasChannels) return undefined;
      return deliverDue(relayOptions());
    },
    close: () =>
      (closed ??= (async () => {
        // Reverse order of dependence; each step runs even when an earlier one failed.
        try {
          await relay?.close();
        } finally {
          try {
            http.close();
            await settings.http?.sharedHostLimit?.close();
          } finally {
            await store.close();
          }
        }
      })()),
  };
}
