// The store's schema migrations, applied in order and tracked with SQLite's `user_version`.
import type { Migration } from './migration.js';
import { history } from './001-history.js';
import { findingsMigration } from './002-findings.js';
import { regimesMigration } from './003-regimes.js';
import { outboxDigestMigration } from './004-outbox-digest.js';
import { pollSlotsMigration } from './005-poll-slots.js';
import { breakersMigration } from './006-breakers.js';
import { outboxAfterMigration } from './007-outbox-after.js';
import { auditTargetsMigration } from './008-audit-targets.js';
import { metricVerificationsMigration } from './009-metric-verifications.js';
import { decisionsMigration } from './010-decisions.js';
import { outboxDroppedMigration } from './011-outbox-dropped.js';
import { findingsAnnouncedOnMigration } from './012-findings-announced-on.js';
import { outboxChannelMigration } from './013-outbox-channel.js';
import { storeChecksMigration } from './014-store-checks.js';

/**
 * Every migration, in order. A migration's position is its version (1-based): never reorder or edit a
 * migration that has shipped; add a new one at the end.
 */
export const MIGRATIONS: readonly Migration[] = [
  history,
  findingsMigration,
  regimesMigration,
  outboxDigestMigration,
  pollSlotsMigration,
  breakersMigration,
  outboxAfterMigration,
  auditTargetsMigration,
  metricVerificationsMigration,
  decisionsMigration,
  outboxDroppedMigration,
  findingsAnnouncedOnMigration,
  outboxChannelMigration,
  storeChecksMigration,
];
