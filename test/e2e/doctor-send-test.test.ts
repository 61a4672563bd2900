// `upwatch doctor --send-test`: one real test mail through UPWATCH_SMTP_URL to a loopback SMTP server, and the
// relay's error classes when it cannot be sent (exit 2, DESIGN.md: could not run).
import { cpSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { ManualClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/store.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'upwatch-send-test-e2e-'));
cpSync(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
const db = join(dir, 'upwatch.db');
await openStore(db).close();

async function run(args: string[], env: Record<string, string>) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: { META_PAGE_TOKEN: 'x', ...env },
    cwd: dir,
    clock: new ManualClock('2026-03-15T07:00:00Z'),
    isTTY: false,
  };
  const code = await runCli(['doctor', '--db', db, '--timeout', '2000', ...args], io);
  return { code, ...out };
}

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sinkPromise = startSmtpSink();
afterAll(async () => (await sinkPromise).close());

describe('upwatch doctor --send-test', () => {
  it('sends one real mail to --to and says so (exit 0), without the password', async () => {
    const sink = await sinkPromise;
    const r = await run(['--send-test', '--to', 'Ops@Example.com'], {
      UPWATCH_SMTP_URL: sink.url({ user: 'u', pass: 'send-test-canary-pw' }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^ok {4}test mail: sent to ops@example\.com through smtp:\/\/u:\*\*\*@127\.0\.0\.1:\d+.* \(Message-ID <upwatch-test-[0-9a-f]{16}@upwatch\.local>\)$/m,
    );
    expect(r.stdout).not.toMatch(/^\w+ +smtp:/m); // the send replaces the connection check
    const [mail] = await sink.parsed();
    expect(sink.received.map((m) => m.to)).toEqual([['ops@example.com']]);
    expect(mail!.subject).toBe('[upwatch] test notification (2026-03-15 07:00 UTC)');
    expect(mail!.text).toContain('doctor --send-test');
    expect(r.stdout + sink.received[0]!.raw).not.toContain('send-test-canary-pw');
  });

  it('defaults to the configured alert recipients', async () => {
    const sink = await sinkPromise;
    const before = sink.received.length;
    const r = await run(['--send-test'], {
      UPWATCH_SMTP_URL: sink.url(),
      UPWATCH_ALERT_TO: 'a@example.com,b@example.com',
    });
    expect(r.code).toBe(0);
    expect(sink.received.slice(before).map((m) => m.to)).toEqual([['a@example.com', 'b@example.com']]);
  });

  it.each<[string, () => Promise<Record<string, string>>, string[], RegExp]>([
    [
      'nothing listening: transient ESOCKET, with the retry hint',
      async () => ({ UPWATCH_SMTP_URL: `smtp://127.0.0.1:${await closedPort()}?ignoreTLS=true` }),
      ['--to', 'ops@example.com'],
      /^fail {2}test mail: not sent: SMTP 127\.0\.0\.1:\d+: ESOCKET: .*ECONNREFUSED.* \[transient\]\n {6}hint: the mail server is unreachable or deferring/m,
    ],
    [
      'authentication refused (535): config',
      async () => {
        const sink = await sinkPromise;
        sink.setAuthCode(535);
        return { UPWATCH_SMTP_URL: sink.url({ user: 'u', pass: 'wrong' }) };
      },
      ['--to', 'ops@example.com'],
      /^fail {2}test mail: not sent: SMTP .* \[config\]\n {6}hint: check the user and password in UPWATCH_SMTP_URL/m,
    ],
    [
      'recipient refused (550): permanent',
      async () => {
        const sink = await sinkPromise;
        sink.setAuthCode(undefined);
        sink.setRcptCode(() => 550);
        return { UPWATCH_SMTP_URL: sink.url() };
      },
      ['--to', 'gone@example.com'],
      /^fail {2}test mail: not sent: SMTP .*550.* \[permanent\]/m,
    ],
    [
      'no SMTP URL',
      () => Promise.resolve({}),
      ['--to', 'ops@example.com'],
      /^fail {2}test mail: not sent: UPWATCH_SMTP_URL .* is not set\n {6}hint: export UPWATCH_SMTP_URL=/m,
    ],
    [
      'no recipient',
      async () => ({ UPWATCH_SMTP_URL: (await sinkPromise).url() }),
      [],
      /^fail {2}test mail: not sent: no recipient\n {6}hint: pass --to ADDRESS/m,
    ],
  ])('%s → exit 2', async (_name, env, args, expected) => {
    const r = await run(['--send-test', ...args], await env());
    expect(r.stdout).toMatch(expected);
    expect(r.code).toBe(2);
    (await sinkPromise).setRcptCode(() => undefined);
  });
});
