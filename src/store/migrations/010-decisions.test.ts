import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store.js';
import { MIGRATIONS } from './index.js';
import { decisionsMigration } from './010-decisions.js';

describe('migration 10 (decisions)', () => {
  it('classifies the open findings of an older store with the same rule, and reads old resolutions as absent', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'upwatch-mig7-')), 'v6.db');
    const old = new Database(path);
    const version = MIGRATIONS.indexOf(decisionsMigration);
    for (const m of MIGRATIONS.slice(0, version)) m.up(old);
    old.pragma(`user_version = ${version}`);
    const insert = old.prepare(
      `INSERT INTO findings (fingerprint, episode, rule, class, severity, source, metric, onset, evidence, explanation,
         status, detected_at, first_seen, last_seen, resolved_at)
       VALUES (?, 1, ?, ?, 'block', 'meta', 'page_media_view', '2026-03-14', ?, 'x', ?, 't', 't', 't', ?)`,
    );
    insert.run('aaaa000000000001', 'panel-scale', 'scale', '{"factor":0.001}', 'open', null);
    insert.run('aaaa000000000002', 'frozen-run', 'frozen', '{}', 'open', null);
    insert.run('aaaa000000000003', 'metric-invalid', 'deprecation', '{}', 'acknowledged', null);
    insert.run('aaaa000000000004', 'unit-scale', 'scale', '{"factor":1000}', 'resolved', 't');
    old.close();

    const store = openStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(
        (await store.findings.list()).reverse().map((f) => [f.rule, f.lifecycle, f.resolution ?? null]),
      ).toEqual([
        ['panel-scale', 'change', null],
        ['frozen-run', 'condition', null],
        ['metric-invalid', 'change', null],
        // A closed episode stays as it ended: resolved by absence, under the old rule.
        ['unit-scale', 'condition', 'absent'],
      ]);
      expect(await store.decisions.for({ source: 'meta', metric: 'page_media_view' })).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
