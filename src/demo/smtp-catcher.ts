// The demo's mail catcher: a real SMTP server (smtp-server) on loopback that keeps every message it accepts.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { UpwatchError } from '../core/errors.js';

/** One message the catcher accepted. */
export interface CaughtMail {
  /** Envelope sender. */
  from: string;
  /** Envelope recipients. */
  to: string[];
  /** Decoded `Subject:` header. */
  subject: string;
  /** The `Message-ID:` header, angle brackets included ('' when absent). */
  messageId: string;
  /** The whole message as received (headers and MIME body). */
  raw: string;
}

/** A running catcher. */
export interface SmtpCatcher {
  port: number;
  /** `smtp://127.0.0.1:<port>?ignoreTLS=true&from=…`, ready for `createMailRelay`. */
  url: string;
  /** Messages accepted so far, oldest first (the live array). */
  received: readonly CaughtMail[];
  /** Stop listening; waits for open sessions to end (at most `closeTimeoutMs`). Idempotent. */
  close(): Promise<void>;
}

/** Decode RFC 2047 encoded-words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) as nodemailer writes them. */
export function decodeMimeWords(text: string): string {
  const joined = text.replace(/\?=\s+=\?/g, '?==?');
  return joined.replace(
    /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
    (_m, charset: string, enc: string, data: string) => {
      const cs = charset.toLowerCase() === 'utf-8' || charset.toLowerCase() === 'utf8' ? 'utf8' : 'latin1';
      if (enc.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString(cs);
      const bytes: number[] = [];
      const q = data.replace(/_/g, ' ');
      for (let i = 0; i < q.length; i++) {
        if (q[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(q.slice(i + 1, i + 3))) {
          bytes.push(parseInt(q.slice(i + 1, i + 3), 16));
          i += 2;
        } else bytes.push(q.charCodeAt(i));
      }
      return Buffer.from(bytes).toString(cs);
    },
  );
}

/** The decoded value of a header in a raw message (folded lines unfolded), or '' when absent. */
export function headerOf(raw: string, name: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im');
  const m = re.exec(head);
  return m ? decodeMimeWords(m[1]!.trim()) : '';
}

/**
 * Start a catcher on 127.0.0.1 (an ephemeral port). It accepts any sender and recipient, without TLS or auth.
 *
 * @example
 * const catcher = await startSmtpCatcher();
 * const mail = createMailRelay({ store, smtpUrl: catcher.url, clock });
 * … catcher.received.map((m) => m.subject); await catcher.close();
 */
export async function startSmtpCatcher(
  options: { from?: string; closeTimeoutMs?: number } = {},
): Promise<SmtpCatcher> {
  const received: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: options.closeTimeoutMs ?? 2_000,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: headerOf(raw, 'Subject'),
          messageId: headerOf(raw, 'Message-ID'),
          raw,
        });
        cb(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', (e) =>
      reject(
        new UpwatchError('SMTP_CONFIG', `cannot start the demo SMTP catcher on 127.0.0.1: ${e.message}`, {
          cause: e,
        }),
      ),
    );
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const from = options.from ?? 'upwatch-demo@upwatch.local';
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true&from=${encodeURIComponent(from)}`,
    received,
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}
