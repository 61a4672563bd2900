// `upwatch ingest` sends what it queued, like `upwatch poll`: a pushed claim rate that rises is mailed over a real SMTP
// server on loopback to the source's owners and the model's owners, once; without UPWATCH_SMTP_URL it stays queued.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { ManualClock } from '../../src/core/clock.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { CLAIMS_WAREHOUSE_CONTRACTS, claimsDay } from '../helpers/claims-warehouse.js';
import { tempDir } from '../helpers/temp-dir.js';

const day = claimsDay;

/** 42 days of policies and claims for two bands; from day 35 the low band claims 4.5 % instead of 2 %. */
function history(): string {
  const lines = ['date,source,metric,entity,value'];
  for (let i = 0; i < 42; i++)
    for (const b of [
      { band: 'low', policies: 4000, rate: i >= 35 ? 0.045 : 0.02 },
      { band: 'medium', policies: 2500, rate: 0.05 },
    ]) {
      lines.push(`${day(i)},claims-warehouse,policies,${b.band},${b.policies}`);
      lines.push(
        `${day(i)},claims-warehouse,claims,${b.band},${Math.round(b.policies * b.rate * (1 + 0.05 * Math.sin(i)))}`,
      );
    }
  return `${lines.join('\n')}\n`;
}

let root: string;
let sink: SmtpSink;
const clock = new ManualClock('2026-03-15T08:00:00Z');

async function cli(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env,
    cwd: root,
    clock,
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe('upwatch ingest sends mail like a poll', () => {
  beforeAll(async () => {
    root = tempDir('upwatch-ingest-mail-');
    mkdirSync(join(root, 'contracts'));
    writeFileSync(join(root, 'contracts', 'claims.yaml'), CLAIMS_WAREHOUSE_CONTRACTS);
    writeFileSync(join(root, 'history.csv'), history());
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('without UPWATCH_SMTP_URL the notifications stay queued and the push says how to send them', async () => {
    const r = await cli(['ingest', '--db', 'queued.db', '--source', 'claims-warehouse', 'history.csv'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('opened  ');
    expect(r.stdout).toContain('rate-shift  claims-warehouse/claim_rate');
    expect(r.stderr).toMatch(/^mail: \d+ notification\(s\) queued; set UPWATCH_SMTP_URL to send them/);
    expect(sink.received).toHaveLength(0);
  });

  it('with UPWATCH_SMTP_URL the push mails the owners of the source and of the model, once', async () => {
    const env = { UPWATCH_SMTP_URL: sink.url() };
    const r = await cli(['ingest', '--db', 'sent.db', '--source', 'claims-warehouse', 'history.csv'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^mail: 2 sent, 0 to retry, 0 undeliverable/m);
    expect(sink.received.map((m) => m.to.join(',')).sort()).toEqual([
      'claims-data@example.com',
      'uw-model@example.com',
    ]);
    const subjects = (await sink.parsed()).map((m) => m.subject ?? '');
    for (const s of subjects) expect(s).toContain('claim_rate');

    // The same push an hour later changes nothing: no second mail.
    clock.advanceMs(3_600_000);
    writeFileSync(
      join(root, 'again.csv'),
      history().split('\n').slice(0, 1).concat(history().split('\n').slice(-5)).join('\n'),
    );
    const again = await cli(['ingest', '--db', 'sent.db', '--source', 'claims-warehouse', 'again.csv'], env);
    expect(again.code).toBe(0);
    expect(sink.received).toHaveLength(2);
  });
});
