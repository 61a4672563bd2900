// Migration 13: an outbox row names the channel it goes through (mail, Slack, a signed webhook).
import type { Migration } from './migration.js';

/**
 * `channel`: `email` for every row queued before channels existed; a relay claims only the rows of the channels it
 * can deliver, so a daemon without SMTP still sends to Slack and leaves mail waiting.
 */
export const outboxChannelMigration: Migration = {
  name: 'outbox-channel',
  up: (db) => {
    db.exec(`
      ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email','slack','webhook'));
      DROP INDEX outbox_due;
      CREATE INDEX outbox_due ON outbox (status, channel, next_attempt_at);
    `);
  },
};
