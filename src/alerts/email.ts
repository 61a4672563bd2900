// The SMTP adapter, the only nodemailer importer: settings from an smtp:// URL, a pooled transport, error classes.
import nodemailer from 'nodemailer';
import { Secret } from '../core/secret.js';
import { UpwatchError } from '../core/errors.js';
import type {
  MailTransport,
  OutgoingMail,
  RecipientFailure,
  SendFailureClass,
  SendResult,
} from './transport.js';

/** SMTP settings parsed from `UPWATCH_SMTP_URL`. The password is a Secret; `display` is safe to print. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (`smtps://`, or `?secure=true`). */
  secure: boolean;
  user?: string;
  password?: Secret;
  /** Sender address (`?from=`); default `upwatch@<host>`. */
  from: string;
  /** Refuse to send without STARTTLS (`?requireTLS=true`). */
  requireTLS: boolean;
  /** Never try STARTTLS (`?ignoreTLS=true`), for local relays and tests. */
  ignoreTLS: boolean;
  tls: { rejectUnauthorized: boolean; servername?: string };
  /** Client name sent in EHLO (`?name=`). */
  name?: string;
  /** The URL with the password replaced by `***`. */
  display: string;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);

function bool(v: string | null, dflt: boolean): boolean {
  return v === null ? dflt : TRUE.has(v.toLowerCase());
}

/** Replace the password of an SMTP URL with `***` (also for URLs that do not parse). */
export function redactSmtpUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/**
 * Parse `smtp://user:pass@host:587?from=upwatch@example.com&requireTLS=true` (or `smtps://…:465`).
 * Query options: `from`, `secure`, `requireTLS`, `ignoreTLS`, `rejectUnauthorized` (alias
 * `tls.rejectUnauthorized`), `servername`, `name`. Errors never contain the password.
 *
 * @example
 * parseSmtpUrl('smtp://alerts:s3cret@mail.example.com:587?from=upwatch@example.com').display
 * // 'smtp://alerts:***@mail.example.com:587?from=upwatch@example.com'
 */
export function parseSmtpUrl(url: string): SmtpSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Neither the input nor Node's error (which carries the input) is shown: it may hold the password.
    throw new UpwatchError('CONFIG_INVALID', 'UPWATCH_SMTP_URL is not a valid URL', {
      hint: 'use smtp://user:password@host:587?from=upwatch@example.com (percent-encode special characters)',
    });
  }
  const display = `${u.protocol}//${u.username ? `${u.username}${u.password ? ':***' : ''}@` : ''}${u.host}${
    u.pathname === '/' ? '' : u.pathname
  }${u.search}`;
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') {
    throw new UpwatchError(
      'CONFIG_INVALID',
      `UPWATCH_SMTP_URL must start with smtp:// or smtps:// (${display})`,
      {
        hint: 'use smtp://host:587 (STARTTLS) or smtps://host:465 (implicit TLS)',
      },
    );
  }
  const q = u.searchParams;
  const secure = bool(q.get('secure'), u.protocol === 'smtps:');
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const settings: SmtpSettings = {
    host,
    port,
    secure,
    from: q.get('from') ?? `upwatch@${host}`,
    requireTLS: bool(q.get('requireTLS'), false),
    ignoreTLS: bool(q.get('ignoreTLS'), false),
    tls: { rejectUnauthorized: bool(q.get('rejectUnauthorized') ?? q.get('tls.rejectUnauthorized'), true) },
    display,
  };
  const servername = q.get('servername');
  if (servername) settings.tls.servername = servername;
  const name = q.get('name');
  if (name) settings.name = name;
  if (u.username) settings.user = decodeURIComponent(u.username);
  if (u.password) settings.password = new Secret(decodeURIComponent(u.password));
  return settings;
}

/** Timeouts and pool size. */
export interface TransportOptions {
  maxConnections: number;
  maxMessages: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
  maxConnections: 2,
  maxMessages: 100,
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  socketTimeoutMs: 60_000,
};

interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
  recipient?: string;
  rejectedErrors?: SmtpErrorLike[];
}

const TRANSIENT_CODES = new Set([
  'ESOCKET',
  'ETIMEDOUT',
  'ECONNECTION',
  'EDNS',
  'ETLS',
  'EPROTOCOL',
  'ECONNRESET',
]);

/**
 * Classify an SMTP failure: 4xx and connection errors are transient, auth failures are configuration, other
 * 5xx are permanent. Unknown failures count as transient (the give-up period bounds them).
 *
 * @example
 * classifySmtpError({ code: 'EENVELOPE', responseCode: 550 }) // 'permanent'
 */
export function classifySmtpError(e: SmtpErrorLike): SendFailureClass {
  const rc = e.responseCode;
  if (e.code === 'EAUTH' || rc === 530 || rc === 534 || rc === 535) return 'config';
  if (rc !== undefined) {
    if (rc >= 400 && rc < 500) return 'transient';
    if (rc >= 500) return 'permanent';
  }
  if (e.code !== undefined && TRANSIENT_CODES.has(e.code)) return 'transient';
  return 'transient';
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('[REDACTED]');
  return out.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function failureText(e: SmtpErrorLike, secrets: readonly string[]): string {
  const base = e.response ?? e.message ?? 'unknown SMTP failure';
  return scrub(e.code ? `${e.code}: ${base}` : base, secrets);
}

/**
 * A pooled nodemailer transport behind the MailTransport port.
 *
 * @example
 * const transport = createEmailTransport(parseSmtpUrl(io.env.UPWATCH_SMTP_URL!));
 * await transport.verify(5000);
 */
// eslint-disable-next-line max-lines-per-function -- the nodemailer adapter: send, verify and close share one pooled transporter and its error classification in a closure
export function createEmailTransport(
  settings: SmtpSettings,
  options: Partial<TransportOptions> = {},
): MailTransport {
  const o = { ...DEFAULT_TRANSPORT_OPTIONS, ...options };
  const secrets = settings.password ? [settings.password.reveal()] : [];
  const tls: { rejectUnauthorized: boolean; servername?: string } = {
    rejectUnauthorized: settings.tls.rejectUnauthorized,
  };
  if (settings.tls.servername) tls.servername = settings.tls.servername;
  const transporter = nodemailer.createTransport({
    pool: true,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTLS,
    ignoreTLS: settings.ignoreTLS,
    tls,
    ...(settings.name ? { name: settings.name } : {}),
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password?.reveal() ?? '' } } : {}),
    maxConnections: o.maxConnections,
    maxMessages: o.maxMessages,
    connectionTimeout: o.connectionTimeoutMs,
    greetingTimeout: o.greetingTimeoutMs,
    socketTimeout: o.socketTimeoutMs,
    logger: false,
    debug: false,
  });

  function recipientFailures(errs: SmtpErrorLike[] | undefined): RecipientFailure[] {
    return (errs ?? []).map((r) => {
      const f: RecipientFailure = {
        address: r.recipient ?? '',
        class: classifySmtpError(r),
        message: failureText(r, secrets),
      };
      if (r.responseCode !== undefined) f.responseCode = r.responseCode;
      return f;
    });
  }

  function toUpwatchError(e: unknown): UpwatchError {
    const err = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as SmtpErrorLike;
    const cls = classifySmtpError(err);
    const code =
      cls === 'transient' ? 'SMTP_TRANSIENT' : cls === 'permanent' ? 'SMTP_PERMANENT' : 'SMTP_CONFIG';
    const rejected = recipientFailures(err.rejectedErrors);
    return new UpwatchError(code, `SMTP ${settings.host}:${settings.port}: ${failureText(err, secrets)}`, {
      retryable: cls !== 'permanent',
      hint:
        cls === 'config'
          ? 'check the user and password in UPWATCH_SMTP_URL'
          : cls === 'transient'
            ? 'the mail server is unreachable or deferring; upwatch retries with backoff'
            : undefined,
      details: {
        class: cls,
        ...(err.code ? { smtpCode: err.code } : {}),
        ...(err.responseCode !== undefined ? { responseCode: err.responseCode } : {}),
        ...(rejected.length ? { rejected } : {}),
      },
    });
  }

  return {
    async send(mail: OutgoingMail): Promise<SendResult> {
      try {
        const info = await transporter.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
          ...(mail.references?.length ? { references: mail.references } : {}),
          ...(mail.attachments?.length
            ? {
                attachments: mail.attachments.map((a) => ({
                  filename: a.filename,
                  contentType: a.contentType,
                  content: a.content,
                  ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' as const } : {}),
                })),
              }
            : {}),
        });
        const accepted = [...(info.accepted ?? [])];
        const rejectedErrors = (info as { rejectedErrors?: SmtpErrorLike[] }).rejectedErrors;
        const rejected = rejectedErrors?.length
          ? recipientFailures(rejectedErrors)
          : (info.rejected ?? []).map((a) => ({
              address: a,
              class: 'transient' as const,
              message: 'rejected by the server',
            }));
        return { accepted, rejected };
      } catch (e) {
        throw toUpwatchError(e);
      }
    },
    async verify(timeoutMs = 10_000): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new UpwatchError(
                'SMTP_TRANSIENT',
                `SMTP ${settings.host}:${settings.port}: no answer within ${timeoutMs} ms`,
                {
                  retryable: true,
                  hint: 'check the host and port in UPWATCH_SMTP_URL and that the server is reachable',
                  details: { class: 'transient', smtpCode: 'ETIMEDOUT' },
                },
              ),
            ),
          timeoutMs,
        );
      });
      try {
        await Promise.race([
          transporter.verify().catch((e: unknown) => Promise.reject(toUpwatchError(e))),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    close(): void {
      transporter.close();
    },
  };
}
