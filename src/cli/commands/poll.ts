// `upwatch poll`: one cycle per source now (fetch → store → docs), exit 3 when no upstream could be verified.
import type { Command } from 'commander';
import type { SourceContract } from '../../core/contract.js';
import type { LogFields, Logger, LogLevel } from '../../core/logger.js';
import { runCycle, type CycleDeps, type CycleResult } from '../../pipeline/cycle.js';
import { createHttpClient } from '../../providers/http.js';
import { runPool } from '../../providers/pool.js';
import type { FetchProgress } from '../../providers/provider.js';
import { openStore } from '../../store/store.js';
import { alertDefaultsFrom } from '../../alerts/config.js';
import { deliverDue } from '../../alerts/deliver.js';
import type { NoticeReviser } from '../../alerts/revise.js';
import { storeNoticeReviser } from '../../pipeline/notice-state.js';
import type { ContractSet } from '../../core/contract.js';
import { printError } from '../errors.js';
import { exitCodeBeforePolling, loadPolledContracts } from '../polled-contracts.js';
import { checkGate } from '../../gate/check-gate.js';
import { writeStatusFile } from '../../gate/status-file.js';
import { join } from 'node:path';
import { EXIT, type CliIO, type ExitCode } from '../io.js';
import type { GateReport } from '../../core/gate.js';
import type { PollOutcome } from '../../core/observation.js';
import { breakerOptions, pollDeadlineMs, resolveSettings, type Settings } from '../settings.js';
import type { CommandState } from './index.js';

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
/** Sources polled concurrently by `upwatch poll`. */
const POLL_SOURCES_IN_FLIGHT = 4;

/** A logger writing `level msg key=value…` lines to stderr at or above `level`. */
export function cliLogger(io: CliIO, level: string): Logger {
  const min = Math.max(0, LEVELS.indexOf(level as LogLevel));
  const line = (l: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LEVELS.indexOf(l) < min) return;
    const kv = Object.entries(fields ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    io.stderr(`${io.clock.now().toISOString()} ${l} ${msg}${kv ? ` ${kv}` : ''}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** Progress lines for long polls: drawn in place on a terminal, one line per 10 s otherwise. */
export function progressPrinter(io: CliIO): (p: FetchProgress) => void {
  let lastLine = 0;
  return (p) => {
    const text = `poll ${p.source}: ${p.done}/${p.total} requests`;
    if (io.isTTY) {
      io.stderr(`\r${text}${p.done === p.total ? '\n' : ''}`);
      return;
    }
    const now = performance.now();
    if (p.total >= 20 && (now - lastLine >= 10_000 || p.done === p.total)) {
      lastLine = now;
      io.stderr(`${text}\n`);
    }
  };
}

export interface Wiring {
  settings: Settings;
  sources: SourceContract[];
  deps: CycleDeps;
  close(): void;
}

/**
 * Settings → contracts → store → HTTP client → CycleDeps, shared by `poll` and `run`. Throws UpwatchError
 * (CONTRACTS_*, STORE_*, CONFIG_INVALID, USAGE) when it cannot run.
 */
export async function wire(
  io: CliIO,
  flags: { db?: string; contracts?: string; snapshots?: string; source?: string[] },
  logger: Logger | undefined,
): Promise<Wiring> {
  const settings = resolveSettings(io, {
    db: flags.db,
    contracts: flags.contracts,
    snapshots: flags.snapshots,
  });
  const log = logger ?? cliLogger(io, settings.logLevel);
  const lookup = (name: string) => io.env[name];
  const { contracts, sources } = await loadPolledContracts(io, settings.contracts, flags.source);
  const breaker = breakerOptions(settings);
  const alerts = { ...alertDefaultsFrom(settings.file, io.env), secrets: secretValues(contracts, lookup) };
  const store = openStore(settings.db);
  const http = createHttpClient({ clock: io.clock, logger: log });
  const deps: CycleDeps = {
    alerts,
    store,
    http,
    secrets: lookup,
    clock: io.clock,
    logger: log,
    contracts,
    snapshotsDir: settings.snapshots,
    ...(settings.statusFile !== undefined ? { statusFile: settings.statusFile } : {}),
    onProgress: progressPrinter(io),
    breaker,
    pollDeadlineMs: pollDeadlineMs(settings),
  };
  return {
    settings,
    sources,
    deps,
    close() {
      http.close();
      store.close();
    },
  };
}

/**
 * The values of every `${VAR}` the contracts reference (resolved from the environment), so the alert composer can
 * scrub them from anything an upstream echoed back. Never printed.
 */
export function secretValues(contracts: ContractSet, lookup: (name: string) => string | undefined): string[] {
  const names = new Set<string>();
  for (const s of contracts.sources) {
    const c = s.connection;
    const templates =
      c.kind === 'meta-graph'
        ? [c.accessToken]
        : c.kind === 'http-json'
          ? [c.url, ...Object.values(c.headers)]
          : [];
    for (const t of templates) for (const r of t.refs) names.add(r);
  }
  return [...names].map(lookup).filter((v): v is string => v !== undefined && v.length >= 4);
}

/** The relay's check of each notice against the state at send time, over the wired store and contracts. */
export function noticeReviser(wiring: Wiring): NoticeReviser {
  const { store, contracts, alerts } = wiring.deps;
  return storeNoticeReviser({
    store,
    contracts: contracts!,
    secrets: alerts?.secrets ?? [],
    ...(alerts?.maxFindingsPerMail !== undefined ? { maxFindingsPerMail: alerts.maxFindingsPerMail } : {}),
  });
}

/** Send the notifications that are due now through `UPWATCH_SMTP_URL`, or say why they wait. */
export async function deliverMail(io: CliIO, wiring: Wiring, queued: number): Promise<void> {
  const smtpUrl = wiring.settings.smtpUrl;
  if (!smtpUrl) {
    if (queued > 0)
      io.stderr(
        `mail: ${queued} notification(s) queued; set UPWATCH_SMTP_URL to send them (upwatch doctor checks it)\n`,
      );
    return;
  }
  try {
    const r = await deliverDue({
      store: wiring.deps.store,
      smtpUrl,
      revise: noticeReviser(wiring),
      ...(wiring.settings.smtpFrom ? { from: wiring.settings.smtpFrom } : {}),
      clock: io.clock,
      logger: wiring.deps.logger!,
    });
    if (r.claimed > 0)
      io.stderr(
        `mail: ${r.sent} sent, ${r.retried} to retry, ${r.dead} undeliverable${r.dropped > 0 ? `, ${r.dropped} no longer true (not sent)` : ''} (see upwatch status)\n`,
      );
  } catch (e) {
    // Mail trouble never fails a poll: the rows stay in the outbox for the next run.
    io.stderr('mail: could not send now; notifications stay queued\n');
    printError(io, e);
  }
}

/** One human line per cycle. */
export function describeCycle(r: CycleResult): string {
  const p = r.poll;
  const head = `${r.source}  ${p.outcome.toUpperCase()}  poll #${p.id}: ${p.observationCount} values, ${p.requests.length} requests`;
  const docs = r.docChanges.length > 0 ? `, ${r.docChanges.length} doc change(s)` : '';
  const docFail = r.docFailures.length > 0 ? `, ${r.docFailures.length} doc(s) not fetched` : '';
  const err = p.errorCode ? `\n  ${p.errorCode}: ${p.errorMessage ?? ''}` : '';
  // A partial poll names the metrics nobody could check: their features turn unverified once freshness runs out.
  const unverified =
    p.outcome === 'partial' && r.metrics.unverified.length > 0
      ? `\n  not verified: ${r.metrics.unverified.join(', ')}`
      : '';
  return `${head}${docs}${docFail}${err}${unverified}\n`;
}

/**
 * The gate over every feature once all cycles have ended, written to the status file (the cycles wrote theirs as
 * they ended, in whatever order they finished).
 */
function finalGate(wiring: Wiring): GateReport {
  const { store, contracts, clock } = wiring.deps;
  const gate = checkGate({ store, contracts: contracts!, now: clock.now() });
  const statusFile = wiring.settings.statusFile ?? join(wiring.settings.snapshots, 'status.json');
  writeStatusFile(statusFile, gate);
  return gate;
}

/**
 * Exit code of a poll: 1 when a feature is blocked (the policy failed, even if some upstream could not be
 * reached), else 3 when every source's poll failed (could not verify), else 0.
 *
 * @example
 * pollExitCode(0, ['failed', 'failed']) // 3
 */
export function pollExitCode(blocked: number, outcomes: readonly PollOutcome[]): ExitCode {
  if (blocked > 0) return EXIT.POLICY_FAILED;
  if (outcomes.length > 0 && outcomes.every((o) => o === 'failed')) return EXIT.UNVERIFIED;
  return EXIT.OK;
}

interface PollFlags {
  source?: string[];
  db?: string;
  contracts?: string;
  snapshots?: string;
  json?: boolean;
}

/**
 * Register `upwatch poll`.
 *
 * @example
 * upwatch poll --source meta-page-insights --db .upwatch/upwatch.db
 */
export function registerPoll(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('poll')
    .description(
      'Poll sources now: fetch, store, snapshot watched docs (exit 3 when no upstream could be verified)',
    )
    .option('--source <name...>', 'only these sources (repeatable)')
    .option('--db <path>', 'store file (env UPWATCH_DB, default .upwatch/upwatch.db)')
    .option('--contracts <dir>', 'contracts directory (env UPWATCH_CONTRACTS, default contracts)')
    .option('--snapshots <dir>', 'doc snapshots directory (env UPWATCH_SNAPSHOTS, default snapshots)')
    .option('--json', 'print the cycle results as JSON on stdout')
    .action(async (flags: PollFlags) => {
      let wiring: Wiring;
      try {
        wiring = await wire(io, flags, undefined);
      } catch (e) {
        printError(io, e);
        state.exitCode = exitCodeBeforePolling(e);
        return;
      }
      try {
        // A few sources at a time (the HTTP client's per-host limit still caps requests); lines print as cycles end.
        const results = await runPool(wiring.sources, POLL_SOURCES_IN_FLIGHT, async (source) => {
          const r = await runCycle(wiring.deps, source);
          if (!flags.json) io.stdout(describeCycle(r));
          return r;
        });
        if (flags.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
        // Sources run concurrently, so no single cycle's gate is the last word: decide once, after every cycle.
        const gate = finalGate(wiring);
        const blocked = gate.features.filter((f) => f.state === 'blocked').map((f) => f.feature);
        if (!flags.json && blocked.length > 0) io.stdout(`blocked features: ${blocked.join(', ')}\n`);
        await deliverMail(
          io,
          wiring,
          results.reduce((n, r) => n + (r.processed?.queued ?? 0), 0),
        );
        state.exitCode = pollExitCode(
          blocked.length,
          results.map((r) => r.poll.outcome),
        );
      } catch (e) {
        // The store refused a poll (disk full, locked): upwatch could not run.
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      } finally {
        wiring.close();
      }
    });
}
