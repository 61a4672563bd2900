// Migration 7: changes hold until decided — each finding's lifecycle and resolution, and the decisions people record.
import { lifecycleOf } from '../../core/finding-lifecycle.js';
import type { Evidence, FindingClass } from '../../core/finding.js';
import type { Migration } from './migration.js';

/**
 * `findings.lifecycle` (`condition` | `change`) is decided once, when a finding opens; the open findings of an
 * older store are classified here with the same rule. `findings.resolution` says how a resolved episode ended
 * (`absent`, `reverted`, `decided`; older resolved rows read as `absent`). `decisions` keeps what people recorded
 * with `upwatch accept`. Times are ISO 8601 UTC.
 */
export const decisionsMigration: Migration = {
  name: 'decisions',
  up: (db) => {
    db.exec(`
      ALTER TABLE findings ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'condition'
        CHECK (lifecycle IN ('condition', 'change'));
      ALTER TABLE findings ADD COLUMN resolution TEXT
        CHECK (resolution IS NULL OR resolution IN ('absent', 'reverted', 'decided'));

      CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        episode INTEGER NOT NULL,
        source TEXT NOT NULL,
        metric TEXT,
        rule TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('rescaled-history', 'switched-to-replacement',
          'retrained-on-new-regime', 'new-definition')),
        factor REAL,
        onset TEXT NOT NULL,
        reason TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL
      );
      CREATE INDEX decisions_metric ON decisions (source, metric, decided_at);
    `);
    const open = db
      .prepare(`SELECT id, rule, class, metric, evidence FROM findings WHERE status != 'resolved'`)
      .all() as { id: number; rule: string; class: string; metric: string | null; evidence: string }[];
    const mark = db.prepare(`UPDATE findings SET lifecycle = 'change' WHERE id = ?`);
    for (const r of open) {
      const draft = {
        rule: r.rule,
        class: r.class as FindingClass,
        evidence: JSON.parse(r.evidence) as Evidence,
        ...(r.metric !== null ? { metric: r.metric } : {}),
      };
      if (lifecycleOf(draft) === 'change') mark.run(r.id);
    }
  },
};
