// A ratio of two pushed counts, end to end: claims / policies per risk band, derived and checked with binomial intervals.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { ManualClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/store.js';
import { CLAIMS_WAREHOUSE_CONTRACTS, claimsDay } from '../helpers/claims-warehouse.js';
import { tempDir } from '../helpers/temp-dir.js';

const NOW = '2026-03-15T08:00:00Z';

const day = claimsDay;

/**
 * 42 days to 2026-03-14 of policies and claims per band. Claim rates 2 %, 5 %, 9 %; from day 35 the low band's
 * rate climbs to the medium band's. Counts are the expected values (no noise needed: the intervals carry it).
 */
function history(converge: boolean): string {
  const lines = ['date,source,metric,entity,value'];
  const bands = [
    { band: 'low', policies: 4000, rate: 0.02 },
    { band: 'medium', policies: 2500, rate: 0.05 },
    { band: 'high', policies: 800, rate: 0.09 },
  ];
  for (let i = 0; i < 42; i++)
    for (const b of bands) {
      const rate = converge && b.band === 'low' && i >= 35 ? 0.045 : b.rate;
      const wobble = 1 + 0.05 * Math.sin(i);
      lines.push(`${day(i)},claims-warehouse,policies,${b.band},${b.policies}`);
      lines.push(`${day(i)},claims-warehouse,claims,${b.band},${Math.round(b.policies * rate * wobble)}`);
    }
  return `${lines.join('\n')}\n`;
}

let root: string;
async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
    cwd: root,
    clock: new ManualClock(NOW),
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe('a ratio of two pushed counts', () => {
  beforeAll(() => {
    root = tempDir('upwatch-ratio-');
    mkdirSync(join(root, 'contracts'));
    writeFileSync(join(root, 'contracts', 'claims.yaml'), CLAIMS_WAREHOUSE_CONTRACTS);
  });

  it('validates: the model KPI and the ratio parts count as used', async () => {
    const r = await cli(['validate']);
    expect(r.stdout + r.stderr).toContain('contracts valid: 1 file, 1 source, 1 feature, 3 metrics, 1 model');
    expect(r.code).toBe(0);
  });

  it('refuses rows for the derived ratio itself', async () => {
    writeFileSync(
      join(root, 'rate.csv'),
      `date,source,metric,entity,value\n${day(1)},claims-warehouse,claim_rate,low,0.02\n`,
    );
    const r = await cli(['ingest', '--db', 'store.db', '--source', 'claims-warehouse', 'rate.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'rate.csv:2: claims-warehouse/claim_rate is computed from claims / policies: it is not pushed (push claims and policies instead)',
    );
  });

  it('a steady history opens nothing on the ratio', async () => {
    writeFileSync(join(root, 'steady.csv'), history(false));
    const r = await cli(['ingest', '--db', 'store.db', '--source', 'claims-warehouse', 'steady.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('rate-shift');
  });

  it('the low band converging on the medium band opens a rate-shift on claim_rate, mailed to the model owners', async () => {
    writeFileSync(join(root, 'converge.csv'), history(true));
    const r = await cli([
      'ingest',
      '--db',
      'store.db',
      '--source',
      'claims-warehouse',
      'converge.csv',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {
      processed: {
        opened: { rule: string; metric: string; entities: string[]; explanation: string }[];
        queued: number;
      };
    };
    const shift = result.processed.opened.find((f) => f.rule === 'rate-shift');
    expect(shift).toMatchObject({ metric: 'claim_rate', entities: ['low'] });
    expect(shift!.explanation).toMatch(
      /^claim_rate \(claims \/ policies\) rose for low: low 4\.\d+% \(\d+ of 28000\)/,
    );
    expect(result.processed.queued).toBeGreaterThan(0);
    const store = openStore(join(root, 'store.db'));
    try {
      const rows = store.db.prepare('select distinct recipient from outbox order by recipient').all() as {
        recipient: string;
      }[];
      // Nobody's feature uses claim_rate: the model's owners hear because it is their KPI.
      expect(rows.map((x) => x.recipient)).toEqual(['claims-data@example.com', 'uw-model@example.com']);
    } finally {
      await store.close();
    }
  });
});
