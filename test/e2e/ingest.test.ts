// `upwatch ingest` end to end: pushed rows into a real SQLite store, detection, the gate, and refusals that store nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { ManualClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/store.js';
import { claimsDay } from '../helpers/claims-warehouse.js';
import { tempDir } from '../helpers/temp-dir.js';

const SOURCE = `apiVersion: upwatch/v1
kind: Source
name: claims-warehouse
owners: [claims-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - name: policies
    kind: count
    checks:
      frozen-run: { severity: block }
  - name: loss_ratio
    kind: ratio
---
apiVersion: upwatch/v1
kind: Feature
name: risk_band_inputs
owners: [underwriting-ml@example.com]
uses: [claims-warehouse/policies]
---
apiVersion: upwatch/v1
kind: Feature
name: loss_inputs
owners: [underwriting-ml@example.com]
uses: [claims-warehouse/loss_ratio]
`;

const BANDS = ['low', 'medium', 'high'];
/** "Today" of every push: the morning after the last day of the history. */
const NOW = '2026-03-15T08:00:00Z';

const day = claimsDay;

/** A CSV of `days` days from 2026-02-01 (to 2026-03-14 for 42 days); the last `frozenDays` repeat one value. */
function history(days: number, frozenDays = 0): string {
  let seed = 7;
  const noise = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 0.2 - 0.1;
  const lines = ['date,source,metric,entity,value'];
  for (let i = 0; i < days; i++)
    BANDS.forEach((band, b) => {
      const weekly = 1 + 0.15 * Math.sin((2 * Math.PI * i) / 7);
      const fresh = Math.round((1000 + 800 * b) * weekly * (1 + noise()));
      const value = i >= days - frozenDays ? 1000 + 800 * b : fresh;
      lines.push(`${day(i)},claims-warehouse,policies,${band},${value}`);
      lines.push(
        `${day(i)},claims-warehouse,loss_ratio,${band},${(0.05 * (b + 1) * (1 + noise())).toFixed(4)}`,
      );
    });
  return `${lines.join('\n')}\n`;
}

let root: string;
async function ingest(args: string[], stdin?: string) {
  return ingestLike(['ingest', '--db', 'store.db', ...args], stdin);
}

async function ingestLike(args: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
    cwd: root,
    clock: new ManualClock(NOW),
    isTTY: false,
    ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

function counts(): { polls: number; observations: number } {
  const store = openStore(join(root, 'store.db'));
  try {
    const polls = (store.db.prepare('select count(*) n from polls').get() as { n: number }).n;
    const observations = (store.db.prepare('select count(*) n from observations').get() as { n: number }).n;
    return { polls, observations };
  } finally {
    void store.close();
  }
}

describe('upwatch ingest', () => {
  beforeAll(() => {
    root = tempDir('upwatch-ingest-');
    mkdirSync(join(root, 'contracts'));
    writeFileSync(join(root, 'contracts', 'claims.yaml'), SOURCE);
  });
  afterAll(() => undefined);

  it('refuses a file with an undeclared metric, a wrong kind, a duplicate and a future day: nothing is stored', async () => {
    const good = history(3).trimEnd().split('\n');
    const bad = [
      ...good,
      `${day(2)},claims-warehouse,polices,low,10`,
      `${day(2)},claims-warehouse,loss_ratio,extra,4.5`,
      good[1]!,
      `2026-03-16,claims-warehouse,policies,low,10`,
    ].join('\n');
    writeFileSync(join(root, 'bad.csv'), bad);
    const r = await ingest(['--source', 'claims-warehouse', 'bad.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('4 bad rows in bad.csv: nothing was stored');
    expect(r.stderr).toContain(
      'bad.csv:20: metric "polices" is not declared by source "claims-warehouse" (did you mean "policies"?)',
    );
    expect(r.stderr).toContain(
      'bad.csv:21: claims-warehouse/loss_ratio is declared kind ratio: a ratio is a 0..1 share (got 4.5)',
    );
    expect(r.stderr).toContain(
      'bad.csv:22: duplicate row: policies for entity low on 2026-02-01 is already on line 2',
    );
    expect(r.stderr).toContain('bad.csv:23: date 2026-03-16 is in the future (today is 2026-03-15 UTC)');
    expect(counts()).toEqual({ polls: 0, observations: 0 });
  });

  it('refuses a malformed file (bad date, not a number) before opening the store', async () => {
    writeFileSync(
      join(root, 'malformed.csv'),
      'date,source,metric,entity,value\n2026-13-01,claims-warehouse,policies,low,x\n',
    );
    const r = await ingest(['--source', 'claims-warehouse', 'malformed.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/malformed\.csv:2: date must be an ISO day/);
    expect(counts()).toEqual({ polls: 0, observations: 0 });
  });

  it('stores a healthy history as one poll and allows the feature (exit 0)', async () => {
    writeFileSync(join(root, 'history.csv'), history(36));
    const r = await ingest(['--source', 'claims-warehouse', 'history.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^claims-warehouse {2}INGESTED {2}poll #1: 216 values of 2 metric\(s\)/);
    expect(counts()).toEqual({ polls: 1, observations: 216 });
  });

  it('the push is the freshness: verified after it, unverified (warn) once freshnessHours pass without one', async () => {
    const states = async (at: string) => {
      let out = '';
      const code = await runCli(['gate', 'loss_inputs', '--db', 'store.db', '--json'], {
        stdout: (t) => void (out += t),
        stderr: () => undefined,
        env: {},
        cwd: root,
        clock: new ManualClock(at),
        isTTY: false,
      });
      const report = JSON.parse(out) as { features: { feature: string; state: string }[] };
      return { code, state: report.features[0]!.state };
    };
    expect(await states('2026-03-16T13:00:00Z')).toEqual({ code: 0, state: 'ok' });
    expect(await states('2026-03-16T15:00:00Z')).toEqual({ code: 0, state: 'warn' });
  });

  it('a pushed series that froze blocks its feature (exit 1), read from standard input', async () => {
    const r = await ingest(['--source', 'claims-warehouse', '-'], history(42, 6));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}opened {2}block {2}frozen-run {2}claims-warehouse\/policies/m);
    expect(r.stdout).toContain('feature risk_band_inputs: ok → blocked');
    expect(r.stdout).toContain('blocked features: risk_band_inputs');
    // Re-pushed days are upserted, not duplicated: 42 days × 3 bands × 2 metrics.
    expect(counts()).toEqual({ polls: 2, observations: 252 });
    const gate = await runCli(['gate', 'risk_band_inputs', '--db', 'store.db'], {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      cwd: root,
      clock: new ManualClock(NOW),
      isTTY: false,
    });
    expect(gate).toBe(1);
  });

  it('a push source is never polled: poll --source refuses it (exit 2)', async () => {
    const r = await ingestLike(['poll', '--source', 'claims-warehouse', '--db', 'store.db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('source claims-warehouse is pushed, not polled');
    expect(r.stderr).toContain('upwatch ingest --source claims-warehouse FILE');
  });

  it('names an undeclared source (exit 2)', async () => {
    const r = await ingest(['--source', 'claims', 'history.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown source claims');
  });
});
