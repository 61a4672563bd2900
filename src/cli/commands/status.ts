// `upwatch status`: per source the last poll, its outcome and counts, paused principals, findings, features and mail.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { UpwatchError } from '../../core/errors.js';
import { breakerOptions, resolveSettings } from '../settings.js';
import { secretValues } from '../../contracts/secret-values.js';
import { isStoreUrl, openAnyStore } from '../../store/open.js';
import type { ContractSet } from '../../core/contract.js';
import { contractsIfAny } from '../contracts-if-any.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import type { ClockFault } from '../../core/clock-trust.js';
import type { OutboxSummary } from '../../store/outbox-repo.js';
import { statusReport, type StatusReport } from '../../serve/status-report.js';
import type { CommandState } from './index.js';

export type { StatusFinding, StatusReport } from '../../serve/status-report.js';

/** Secret values a relay error could echo: the SMTP password and the sources' credentials. */
export function mailSecrets(
  io: CliIO,
  smtpUrl: string | undefined,
  contracts: ContractSet | undefined,
): string[] {
  const out = contracts ? secretValues(contracts, (n) => io.env[n]) : [];
  if (smtpUrl) {
    try {
      const pass = new URL(smtpUrl).password;
      if (pass) out.push(pass, decodeURIComponent(pass));
    } catch {
      // a URL that does not parse has no password to hide here; doctor reports it
    }
  }
  return out;
}

function mailLines(mail: OutboxSummary): string {
  const total = mail.pending + mail.retrying + mail.sending + mail.sent + mail.dead + mail.dropped;
  if (total === 0) return '';
  const parts = [`${mail.pending} pending`, `${mail.retrying} retrying`];
  if (mail.sending > 0) parts.push(`${mail.sending} sending`);
  parts.push(`${mail.dead} dead (undeliverable)`, `${mail.sent} sent`);
  if (mail.dropped > 0) parts.push(`${mail.dropped} not sent (no longer true)`);
  let out = `\nmail: ${parts.join(', ')}\n`;
  for (const p of mail.problems) {
    const label = p.status === 'dead' ? 'DEAD ' : 'RETRY';
    const when = p.status === 'dead' ? `queued ${p.createdAt}` : `next at ${p.nextAttemptAt ?? '?'}`;
    const why = p.lastError ? `: ${p.lastError.replace(/\s+/g, ' ')}` : '';
    out += `  ${label} #${p.id} ${p.kind} to ${p.recipient}, ${p.attempts} attempt${p.attempts === 1 ? '' : 's'}, ${when}${why}\n`;
  }
  const listed = (s: 'dead' | 'retrying') => mail.problems.filter((p) => p.status === s).length;
  if (listed('dead') < mail.dead) out += `  … and ${mail.dead - listed('dead')} older dead\n`;
  if (listed('retrying') < mail.retrying)
    out += `  … and ${mail.retrying - listed('retrying')} older retrying\n`;
  for (const d of mail.droppedRows)
    out += `  NOT SENT #${d.id} ${d.kind} to ${d.recipient}, queued ${d.createdAt}: ${d.reason.replace(/^not sent: /, '').replace(/\s+/g, ' ')}\n`;
  if (mail.droppedRows.length < mail.dropped)
    out += `  … and ${mail.dropped - mail.droppedRows.length} older not sent\n`;
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/**
 * Register `upwatch status`.
 *
 * @example
 * upwatch status --json
 */
// eslint-disable-next-line max-lines-per-function -- commander declarations plus the action below, which prints the status sections in order
export function registerStatus(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('status')
    .description(
      'Show each source: last poll, its outcome, poll and value counts; paused tokens/hosts; open findings; ' +
        'feature states; the mail outbox (pending, retrying, dead, with the last error)',
    )
    .option('--db <path>', 'store file (env UPWATCH_DB, default .upwatch/upwatch.db)')
    .option('--json', 'print JSON')
    .option('--contracts <dir>', 'also list sources declared here that were never polled')
    // eslint-disable-next-line max-lines-per-function -- prints the status report's sections in order, text or JSON; each section is a few lines
    .action(async (flags: { db?: string; contracts?: string; json?: boolean }) => {
      try {
        const settings = resolveSettings(io, { db: flags.db, contracts: flags.contracts });
        if (settings.db !== ':memory:' && !isStoreUrl(settings.db) && !existsSync(settings.db)) {
          throw new UpwatchError('STORE_UNAVAILABLE', `no store at ${settings.db}`, {
            hint: 'run `upwatch poll` first, or pass --db PATH',
          });
        }
        const store = await openAnyStore(settings.db, { readonly: true });
        const now = io.clock.now();
        const contracts = await contractsIfAny(io, settings.contracts);
        let report: StatusReport;
        try {
          report = await statusReport({
            store,
            db: store.path,
            ...(contracts ? { contracts } : {}),
            now,
            secrets: mailSecrets(io, settings.smtpUrl, contracts),
            breaker: breakerOptions(settings),
          });
        } finally {
          await store.close();
        }
        if (flags.json) {
          io.stdout(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          const rows = [
            [
              'SOURCE',
              'LAST POLL',
              'OUTCOME',
              'POLLS',
              'FAILED',
              'IN A ROW',
              'VALUES',
              'METRICS',
              'ENTITIES',
            ],
          ];
          for (const s of report.sources) {
            rows.push([
              s.source,
              s.lastPollAt ?? 'never',
              s.lastOutcome ?? '-',
              String(s.polls),
              String(s.failedPolls),
              String(s.consecutiveFailures),
              String(s.observations),
              String(s.metrics),
              String(s.entities),
            ]);
          }
          io.stdout(table(rows));
          for (const s of report.sources) {
            if (s.lastOutcome === 'failed')
              io.stdout(`  ${s.source}: ${s.lastErrorCode}: ${s.lastErrorMessage ?? ''}\n`);
          }
          for (const b of report.breakers) {
            const who = b.sources ? ` (${b.sources.join(', ')})` : '';
            const probe =
              b.state === 'half-open'
                ? `probing now (next try ${b.nextProbeAt ?? '?'})`
                : `next probe at ${b.nextProbeAt ?? '?'}`;
            io.stdout(
              `breaker ${b.state}: ${b.key}${who} since ${b.openedAt ?? b.updatedAt} after ${b.failures} unreachable poll(s) (${b.kind ?? '?'}); ${probe}\n`,
            );
          }
          for (const p of report.pauses)
            io.stdout(`paused: ${p.principal} until ${p.nextAllowedAt} (${p.reason})\n`);
          io.stdout(mailLines(report.mail));
          for (const f of report.clockFaults) io.stdout(`${clockFaultLine(f)}\n`);
          io.stdout(`\nopen findings: ${report.findings.length}\n`);
          for (const f of report.findings) {
            const ack = f.status === 'acknowledged' ? ' (acknowledged)' : '';
            io.stdout(
              `  ${f.severity.toUpperCase().padEnd(5)} ${f.fingerprint.slice(0, 8)}  ${f.source}${f.metric ? `/${f.metric}` : ''}  ${f.rule}${ack}, since ${f.onset}${f.announcedOn ? ` (announced ${f.announcedOn})` : ''}\n      ${f.title}\n`,
            );
          }
          for (const f of report.findings.filter((x) => x.held))
            io.stdout(`  held ${f.fingerprint.slice(0, 8)}: ${f.held!}\n`);
          if (report.decisions.length > 0) {
            io.stdout(`\ndecisions (last 90 days): ${report.decisions.length}\n`);
            for (const d of report.decisions)
              io.stdout(
                `  ${d.at.slice(0, 10)} ${d.fingerprint.slice(0, 8)}  ${d.source}/${d.metric ?? '*'}  ${d.kind}${d.factor !== undefined ? ` ×${d.factor}` : ''} by ${d.by}: ${d.reason}\n`,
              );
          }
          if (report.gate) {
            const c = report.gate.counts;
            io.stdout(`\nfeatures: ${c.blocked} blocked, ${c.warn} warn, ${c.ok} ok\n`);
            for (const f of report.gate.features.filter((x) => x.state !== 'ok'))
              io.stdout(
                `  ${f.state.toUpperCase().padEnd(7)} ${f.feature}${f.override ? ` (override: ${f.override})` : ''}${f.unverifiedMetrics.length > 0 ? ` (unverified: ${f.unverifiedMetrics.join(', ')})` : ''}\n`,
              );
          }
        }
        state.exitCode = EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}

/** One status line for a stored time ahead of the clock. */
function clockFaultLine(f: ClockFault): string {
  const what = {
    pause: `pause of ${f.subject} until`,
    breaker: `breaker ${f.subject}: next probe at`,
    'last-poll': `${f.subject}: last poll at`,
    'last-slot': `${f.subject}: last slot at`,
  }[f.kind];
  const allowed = f.allowedMs >= 3_600_000 ? `${f.allowedMs / 3_600_000} h` : `${f.allowedMs / 60_000} min`;
  return `clock fault: ${what} ${f.stored} is ahead of the clock (${f.now}) by more than ${allowed}: ignored; check the host clock, or \`upwatch clear-pause\``;
}
