// `upwatch doctor`: check the store, the contracts (and their alert channels' variables) and the SMTP connection (or send a test mail), one line each with a hint.
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { declaredChannels, type ContractSet } from '../../core/contract.js';
import { errorMessage, isUpwatchError } from '../../core/errors.js';
import { hasErrors, loadContracts } from '../../contracts/load.js';
import { alertDefaultsFrom } from '../../alerts/config.js';
import { createEmailTransport, parseSmtpUrl } from '../../alerts/email.js';
import { ALERT_DEFAULTS, parseRecipients } from '../../alerts/settings.js';
import { isStoreUrl, openAnyStore } from '../../store/open.js';
import type { Store } from '../../store/ports.js';
import { EXIT, type CliIO } from '../io.js';
import { DEFAULT_DB_PATH } from './gate.js';
import { resolveSettings, type Settings } from '../settings.js';
import type { CommandState } from './index.js';

type Level = 'ok' | 'warn' | 'fail';

interface Check {
  level: Level;
  what: string;
  detail: string;
  hint?: string;
}

function line(c: Check): string {
  return `${c.level.padEnd(4)}  ${c.what}: ${c.detail}${c.hint ? `\n      hint: ${c.hint}` : ''}\n`;
}

function hintOf(e: unknown): string | undefined {
  return isUpwatchError(e) ? e.hint : undefined;
}

async function checkStore(location: string): Promise<Check[]> {
  const url = isStoreUrl(location);
  if (location !== ':memory:' && !url && !existsSync(location)) {
    return [
      {
        level: 'fail',
        what: 'store',
        detail: `${location} does not exist`,
        hint: 'run `upwatch poll` once to create it, or pass --db PATH',
      },
    ];
  }
  let store: Store | undefined;
  try {
    store = await openAnyStore(location, { readonly: true });
    // The store's own name for itself: a PostgreSQL URL without its password.
    const path = store.path;
    const check = url ? 'PostgreSQL check' : 'quick_check';
    const { integrity: quick, schemaVersion: version, expectedVersion: expected } = await store.health();
    const checks: Check[] = [
      quick !== 'ok'
        ? {
            level: 'fail',
            what: 'store',
            detail: `${path}: ${check} reports "${quick}"`,
            hint: url
              ? 'run a writing command (upwatch poll) once to create what is missing, or check the schema and privileges'
              : 'restore the file from a backup; do not keep writing to it',
          }
        : version !== expected
          ? {
              level: 'fail',
              what: 'store',
              detail: `${path}: schema version ${version}, this upwatch expects ${expected}`,
              hint:
                version > expected
                  ? 'the store was written by a newer upwatch: upgrade upwatch'
                  : 'run `upwatch poll` once to migrate it',
            }
          : {
              level: 'ok',
              what: 'store',
              detail: `${path}: ${check} ok, schema version ${version}/${expected}`,
            },
    ];
    if (checks[0]!.level === 'fail') return checks;
    const counts = await store.outbox.counts();
    checks.push(
      counts.dead > 0
        ? {
            level: 'warn',
            what: 'outbox',
            detail: `${counts.pending} pending, ${counts.sent} sent, ${counts.dead} dead`,
            hint: 'dead notifications were given up on; `upwatch status` lists them with the last error: fix SMTP or the recipients',
          }
        : { level: 'ok', what: 'outbox', detail: `${counts.pending} pending, ${counts.sent} sent, 0 dead` },
    );
    return checks;
  } catch (e) {
    return [
      {
        level: 'fail',
        what: 'store',
        detail: errorMessage(e),
        hint: hintOf(e) ?? 'check the path and permissions, or pass --db PATH',
      },
    ];
  } finally {
    await store?.close();
  }
}

/** The contracts' Slack and webhook channels: how many, and the variables they need that are not set. */
function checkChannels(io: CliIO, contracts: ContractSet): Check[] {
  const declared = declaredChannels(contracts);
  if (declared.length === 0) return [];
  const recipients = new Map(
    declared.map((d) => [`${d.channel.kind}:${d.channel.url.template}`, d.channel] as const),
  );
  const kinds = [...recipients.values()];
  const slack = kinds.filter((c) => c.kind === 'slack').length;
  const summary = `${slack} Slack, ${kinds.length - slack} webhook`;
  const unset = [
    ...new Set(
      kinds.flatMap((c) => (c.kind === 'slack' ? [c.url] : [c.url, c.secret]).flatMap((t) => t.refs)),
    ),
  ].filter((n) => io.env[n] === undefined);
  if (unset.length === 0)
    return [{ level: 'ok', what: 'channels', detail: `${summary}; every variable set` }];
  return [
    {
      level: 'warn',
      what: 'channels',
      detail: `${summary}; not set: ${unset.join(', ')}`,
      hint: "export them where upwatch sends alerts; until then those channels' notices wait in the outbox",
    },
  ];
}

async function checkContracts(io: CliIO, dir: string): Promise<Check[]> {
  try {
    const { contracts, diagnostics } = await loadContracts(dir, {
      env: (n) => io.env[n],
      now: io.clock.now(),
      root: io.cwd,
    });
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    const summary = `${contracts.sources.length} sources, ${contracts.features.length} features, ${errors} errors, ${warnings} warnings`;
    if (hasErrors(diagnostics))
      return [
        {
          level: 'fail',
          what: 'contracts',
          detail: `${dir}: ${summary}`,
          hint: 'run `upwatch validate` for the located errors',
        },
      ];
    if (contracts.sources.length === 0)
      return [
        {
          level: 'fail',
          what: 'contracts',
          detail: `${dir}: no sources declared`,
          hint: 'add a source contract (see docs/contracts.md)',
        },
      ];
    return [
      {
        level: warnings ? 'warn' : 'ok',
        what: 'contracts',
        detail: `${dir}: ${summary}`,
        ...(warnings ? { hint: 'run `upwatch validate` to see the warnings' } : {}),
      },
      ...checkChannels(io, contracts),
    ];
  } catch (e) {
    return [
      {
        level: 'fail',
        what: 'contracts',
        detail: errorMessage(e),
        hint: hintOf(e) ?? 'pass --contracts DIR',
      },
    ];
  }
}

async function checkSmtp(io: CliIO, url: string | undefined, timeoutMs: number): Promise<Check> {
  if (!url) {
    return {
      level: 'warn',
      what: 'smtp',
      detail: 'UPWATCH_SMTP_URL (or smtpUrl in the config file) is not set: alerts are queued but not sent',
      hint: 'export UPWATCH_SMTP_URL=smtp://user:password@host:587?from=upwatch@example.com',
    };
  }
  try {
    const settings = parseSmtpUrl(url);
    const transport = createEmailTransport(settings, {
      connectionTimeoutMs: timeoutMs,
      greetingTimeoutMs: timeoutMs,
      socketTimeoutMs: timeoutMs,
    });
    try {
      await transport.verify(timeoutMs);
      return {
        level: 'ok',
        what: 'smtp',
        detail: `${settings.display}: connected${settings.user ? ' and authenticated' : ''}`,
      };
    } catch (e) {
      return {
        level: 'fail',
        what: 'smtp',
        detail: `${settings.display}: ${errorMessage(e)}`,
        hint: hintOf(e) ?? 'check host, port, TLS options and credentials',
      };
    } finally {
      transport.close();
    }
  } catch (e) {
    return {
      level: 'fail',
      what: 'smtp',
      detail: errorMessage(e),
      hint: hintOf(e) ?? 'fix UPWATCH_SMTP_URL',
    };
  }
}

function classOf(e: unknown): string | undefined {
  const c = isUpwatchError(e) ? e.details['class'] : undefined;
  return typeof c === 'string' ? c : undefined;
}

/**
 * Send one real test mail through the configured SMTP URL (the relay's transport and error classes), to `to` or else
 * the configured alert recipients.
 */
// eslint-disable-next-line max-lines-per-function -- one linear conversation with the SMTP server (connect, verify, send, report each outcome) whose messages are the point
async function sendTestMail(
  io: CliIO,
  settings: Settings,
  to: string | undefined,
  timeoutMs: number,
): Promise<Check> {
  const what = 'test mail';
  if (!settings.smtpUrl) {
    return {
      level: 'fail',
      what,
      detail: 'not sent: UPWATCH_SMTP_URL (or smtpUrl in the config file) is not set',
      hint: 'export UPWATCH_SMTP_URL=smtp://user:password@host:587?from=upwatch@example.com',
    };
  }
  let recipients: string[];
  let host = ALERT_DEFAULTS.messageIdHost;
  try {
    const alerts = alertDefaultsFrom(settings.file, io.env);
    host = alerts.messageIdHost ?? host;
    recipients = to !== undefined ? parseRecipients(to) : (alerts.recipients ?? []);
  } catch (e) {
    return { level: 'fail', what, detail: errorMessage(e), hint: hintOf(e) ?? 'fix the config file' };
  }
  if (recipients.length === 0) {
    return {
      level: 'fail',
      what,
      detail: to !== undefined ? `not sent: "${to}" is not an email address` : 'not sent: no recipient',
      hint: 'pass --to ADDRESS, or set UPWATCH_ALERT_TO / alerts.recipients',
    };
  }
  let smtp;
  try {
    smtp = parseSmtpUrl(settings.smtpUrl);
  } catch (e) {
    return { level: 'fail', what, detail: errorMessage(e), hint: hintOf(e) ?? 'fix UPWATCH_SMTP_URL' };
  }
  const transport = createEmailTransport(smtp, {
    maxConnections: 1,
    connectionTimeoutMs: timeoutMs,
    greetingTimeoutMs: timeoutMs,
    socketTimeoutMs: timeoutMs,
  });
  const at = io.clock.now().toISOString();
  const messageId = `<upwatch-test-${randomBytes(8).toString('hex')}@${host}>`;
  const text = [
    'This is a test notification from upwatch (`upwatch doctor --send-test`).',
    `Sent ${at} from ${hostname()} through ${smtp.display}.`,
    'If you can read it, upwatch alerts, reminder digests and countdowns can reach this address.',
    '',
    '— upwatch',
    '',
  ].join('\n');
  try {
    const result = await transport.send({
      from: settings.smtpFrom ?? smtp.from,
      to: recipients,
      subject: `[upwatch] test notification (${at.slice(0, 16).replace('T', ' ')} UTC)`,
      text,
      html: `<p>${text.split('\n').filter(Boolean).join('</p><p>')}</p>`,
      messageId,
    });
    if (result.rejected.length > 0) {
      return {
        level: 'fail',
        what,
        detail: `${smtp.display}: accepted for ${result.accepted.join(', ') || 'nobody'}; refused for ${result.rejected
          .map((r) => `${r.address} (${r.class}: ${r.message})`)
          .join(', ')}`,
        hint: 'check the refused addresses; a 4xx refusal is retried by the relay, a 5xx one is not',
      };
    }
    return {
      level: 'ok',
      what,
      detail: `sent to ${result.accepted.join(', ')} through ${smtp.display} (Message-ID ${messageId})`,
    };
  } catch (e) {
    const cls = classOf(e);
    return {
      level: 'fail',
      what,
      detail: `not sent: ${errorMessage(e)}${cls ? ` [${cls}]` : ''}`,
      hint: hintOf(e) ?? 'check host, port, TLS options and credentials',
    };
  } finally {
    transport.close();
  }
}

/**
 * Register `upwatch doctor`.
 *
 * @example
 * upwatch doctor --db .upwatch/upwatch.db --contracts contracts
 * upwatch doctor --send-test --to oncall@example.com
 */
export function registerDoctor(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('doctor')
    .description('Check the store, the contracts and the SMTP connection')
    .option('--db <path>', `store (default: $UPWATCH_DB, else ${DEFAULT_DB_PATH})`)
    .option('--contracts <dir>', 'contracts directory (default: $UPWATCH_CONTRACTS, else contracts)')
    .option('--timeout <ms>', 'SMTP connection timeout in milliseconds', '5000')
    .option(
      '--send-test',
      'send one real test mail through UPWATCH_SMTP_URL instead of only checking the connection',
    )
    .option('--to <address>', 'recipient of --send-test (default: the configured alert recipients)')
    .addHelpText(
      'after',
      '\nExit codes: 0 everything usable (warnings allowed) and, with --send-test, the mail accepted; 2 something is unusable or the test mail was not accepted.',
    )
    .action(
      async (flags: {
        db?: string;
        contracts?: string;
        timeout: string;
        sendTest?: boolean;
        to?: string;
      }) => {
        const timeout = Math.max(100, Number(flags.timeout) || 5000);
        let settings: Settings;
        try {
          settings = resolveSettings(io, { db: flags.db, contracts: flags.contracts });
        } catch (e) {
          io.stdout(
            line({
              level: 'fail',
              what: 'config',
              detail: errorMessage(e),
              hint: hintOf(e) ?? 'fix the config file',
            }),
          );
          state.exitCode = EXIT.CANNOT_RUN;
          return;
        }
        const checks = [
          ...(await checkStore(settings.db)),
          ...(await checkContracts(io, settings.contracts)),
          flags.sendTest
            ? await sendTestMail(io, settings, flags.to, timeout)
            : await checkSmtp(io, settings.smtpUrl, timeout),
        ];
        for (const c of checks) io.stdout(line(c));
        const failed = checks.filter((c) => c.level === 'fail').length;
        io.stdout(failed ? `${failed} check${failed === 1 ? '' : 's'} failed\n` : 'all checks passed\n');
        state.exitCode = failed ? EXIT.CANNOT_RUN : EXIT.OK;
      },
    );
}
