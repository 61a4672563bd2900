// A real SMTP server on loopback (smtp-server) that keeps what it receives and can reject recipients with a code.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  raw: string;
  from: string;
  to: string[];
}

export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:<port>?ignoreTLS=true&from=upwatch@test.invalid` (optionally with user:password). */
  url: (auth?: { user: string; pass: string }) => string;
  received: ReceivedMail[];
  /** Reply to RCPT TO for an address with this code (undefined = accept). */
  rcptCode: (address: string) => number | undefined;
  setRcptCode(fn: (address: string) => number | undefined): void;
  /** The text after the code when a recipient is rejected (default `rejected <address>`). */
  setRcptText(fn: (address: string) => string): void;
  /** Reject AUTH with this code (e.g. 535); undefined = accept. */
  setAuthCode(code: number | undefined): void;
  parsed(): Promise<ParsedMail[]>;
  /** Resolves once at least `count` messages have arrived (event-driven, no polling). */
  waitFor(count: number): Promise<void>;
  /**
   * While on, a message's data is read but never answered (no 250): the sender hangs mid-send, as when it is killed
   * before the server accepted the message. Held messages are not `received` (SMTP never took them).
   */
  setHoldData(on: boolean): void;
  /** Resolves once at least `count` messages are being held unanswered. */
  waitForHeld(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Start a sink on 127.0.0.1 (port 0 = any free port). */
export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let rcpt: (address: string) => number | undefined = () => undefined;
  let rcptText: (address: string) => string = (a) => `rejected ${a}`;
  let authCode: number | undefined;
  let hold = false;
  let held = 0;
  const heldWaiters: { count: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, cb) =>
      authCode
        ? cb(Object.assign(new Error('Authentication failed'), { responseCode: authCode }))
        : cb(null, { user: 'test' }),
    onRcptTo: (address, _session, cb) => {
      const code = rcpt(address.address);
      if (code) return cb(Object.assign(new Error(rcptText(address.address)), { responseCode: code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        if (hold) {
          held += 1;
          for (const w of heldWaiters.filter((x) => held >= x.count)) {
            heldWaiters.splice(heldWaiters.indexOf(w), 1);
            w.resolve();
          }
          return;
        }
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        for (const w of waiters.filter((x) => received.length >= x.count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
        cb(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.server.address() as AddressInfo).port;
  return {
    port: actual,
    url: (auth) =>
      `smtp://${auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : ''}127.0.0.1:${actual}?ignoreTLS=true&from=upwatch@test.invalid`,
    received,
    rcptCode: (a) => rcpt(a),
    setRcptCode(fn) {
      rcpt = fn;
    },
    setRcptText(fn) {
      rcptText = fn;
    },
    setAuthCode(code) {
      authCode = code;
    },
    parsed: () => Promise.all(received.map((m) => simpleParser(m.raw))),
    waitFor: (count) =>
      received.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    setHoldData(on) {
      hold = on;
    },
    waitForHeld: (count) =>
      held >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => heldWaiters.push({ count, resolve })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
