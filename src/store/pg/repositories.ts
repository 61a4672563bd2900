// The store's repositories over PostgreSQL: the same behaviour as the SQLite functions in src/store/ (their doc
// comments are the contract), written as PostgreSQL statements.
import { MAX_PAUSE_MS, CLOCK_SKEW_MS, isAheadOf } from '../../core/clock-trust.js';
import type { BreakerRecord, BreakerState, UnreachableKind } from '../../core/breaker.js';
import type { FindingRecord } from '../../core/finding-record.js';
import type { FindingsRepo } from '../../core/findings-repo.js';
import type { GateReason, GateState } from '../../core/gate.js';
import type { PollOutcome } from '../../core/observation.js';
import {
  DECISION_COLUMNS,
  FINDING_COLUMNS,
  decisionFromRow,
  decisionValues,
  findingColumns,
  findingFromRow,
  type DecisionRow,
  type FindingRow,
} from '../rows.js';
import type { AuditEntry, AuditTargetKind } from '../audit-repo.js';
import type { DocSnapshot } from '../doc-snapshots.js';
import {
  OUTBOX_CHANNELS,
  type NotificationEntry,
  type OutboxChannel,
  type OutboxKind,
  type OutboxPayload,
  type OutboxProblem,
  type OutboxRow,
  type OutboxStatus,
} from '../outbox-repo.js';
import type { StoredFeatureState, StoredOverride } from '../overrides-repo.js';
import type { PrincipalPause } from '../pauses.js';
import type {
  Async,
  AuditRepo,
  DecisionsRepo,
  OutboxRepo,
  OverridesRepo,
  PollStatsRepo,
  RegimesRepo,
  Repositories,
} from '../ports.js';
import type { BreakerBook } from '../breakers.js';
import type { DocSnapshotRepo } from '../doc-snapshots.js';
import type { PauseBook } from '../pauses.js';
import type { PollSlots } from '../poll-slots.js';
import type { PgRow, PgRunner } from './connection.js';

const str = (v: unknown): string => v as string;
const num = (v: unknown): number => v as number;
const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

// ---- findings -------------------------------------------------------------------------------------------------

function findingParams(f: Omit<FindingRecord, 'id'>): unknown[] {
  const v = findingColumns(f);
  return FINDING_COLUMNS.map((c) => v[c]);
}

function findings(db: PgRunner): Async<FindingsRepo> {
  const rows = async (sql: string, params: unknown[] = []) =>
    (await db.query<FindingRow>(sql, params)).rows.map(findingFromRow);
  return {
    async insert(f) {
      const cols = FINDING_COLUMNS.join(', ');
      const marks = FINDING_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
      const r = await db.query<{ id: number }>(
        `INSERT INTO findings (${cols}) VALUES (${marks}) RETURNING id`,
        findingParams(f),
      );
      return { ...f, id: r.rows[0]!.id };
    },
    async update(f) {
      const all = findingParams(f);
      const cols = FINDING_COLUMNS.map((c, i) => [c, all[i]] as const).filter(
        ([c]) => c !== 'fingerprint' && c !== 'episode',
      );
      await db.query(
        `UPDATE findings SET ${cols.map(([c], i) => `${c} = $${i + 1}`).join(', ')} WHERE id = $${cols.length + 1}`,
        [...cols.map(([, v]) => v), f.id],
      );
    },
    active: (source) =>
      source === undefined
        ? rows(`SELECT * FROM findings WHERE status != 'resolved' ORDER BY id`)
        : rows(`SELECT * FROM findings WHERE status != 'resolved' AND source = $1 ORDER BY id`, [source]),
    async lastEpisode(fp) {
      const r = await db.query<{ e: number | null }>(
        `SELECT MAX(episode) AS e FROM findings WHERE fingerprint = $1`,
        [fp],
      );
      return r.rows[0]?.e ?? 0;
    },
    async lastResolvedEpisode(fp) {
      const [rec] = await rows(
        `SELECT * FROM findings WHERE fingerprint = $1 ORDER BY episode DESC LIMIT 1`,
        [fp],
      );
      return rec?.status === 'resolved' ? rec : undefined;
    },
    byId: async (id) => (await rows(`SELECT * FROM findings WHERE id = $1`, [id]))[0],
    episode: async (fp, e) =>
      (await rows(`SELECT * FROM findings WHERE fingerprint = $1 AND episode = $2`, [fp, e]))[0],
    byPrefix: (prefix) =>
      rows(
        `SELECT f.* FROM findings f
           JOIN (SELECT fingerprint, MAX(episode) AS e FROM findings WHERE fingerprint ILIKE $1 ESCAPE '\\'
                 GROUP BY fingerprint) l
             ON l.fingerprint = f.fingerprint AND l.e = f.episode
           ORDER BY f.fingerprint`,
        [prefix.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'],
      ),
    list(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.status && filter.status.length > 0) {
        params.push([...filter.status]);
        where.push(`status = ANY($${params.length})`);
      }
      if (filter.source !== undefined) {
        params.push(filter.source);
        where.push(`source = $${params.length}`);
      }
      const limit = filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
      return rows(
        `SELECT * FROM findings ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC ${limit}`,
        params,
      );
    },
  };
}

// ---- outbox ---------------------------------------------------------------------------------------------------

function outboxFromRow(r: Record<string, unknown>): OutboxRow {
  const o: OutboxRow = {
    id: num(r.id),
    dedupKey: str(r.dedup_key),
    recipient: str(r.recipient),
    channel: r.channel as OutboxChannel,
    kind: r.kind as OutboxKind,
    messageId: str(r.message_id),
    status: r.status as OutboxStatus,
    attempts: num(r.attempts),
    createdAt: str(r.created_at),
    nextAttemptAt: num(r.next_attempt_at),
    payload: JSON.parse(str(r.payload)) as OutboxPayload,
  };
  if (r.lease_owner !== null) o.leaseOwner = str(r.lease_owner);
  if (r.lease_until !== null) o.leaseUntil = num(r.lease_until);
  if (r.last_error !== null) o.lastError = str(r.last_error);
  if (r.sent_at !== null) o.sentAt = str(r.sent_at);
  if (r.after_id !== null) o.afterId = num(r.after_id);
  return o;
}

// eslint-disable-next-line max-lines-per-function -- one method per outbox port operation in one object over the same connection
function outbox(db: PgRunner): OutboxRepo {
  const endClaimed = (
    id: number,
    owner: string,
    status: 'dead' | 'dropped',
    reason: string,
    dependentReason: string,
  ) =>
    db.transaction(async () => {
      const ended =
        (
          await db.query(
            `UPDATE outbox SET status = $1, last_error = $2, lease_owner = NULL, lease_until = NULL
               WHERE id = $3 AND status = 'sending' AND lease_owner = $4`,
            [status, reason, id, owner],
          )
        ).rowCount === 1;
      if (!ended) return { ended, dependents: [] as number[] };
      const deps = await db.query<{ id: number }>(
        `UPDATE outbox SET status = $1, last_error = $2 WHERE after_id = $3 AND status = 'pending' RETURNING id`,
        [status, dependentReason, id],
      );
      return { ended, dependents: deps.rows.map((r) => r.id).sort((a, b) => a - b) };
    });
  return {
    async enqueue(m) {
      const r = await db.query<{ id: number }>(
        `INSERT INTO outbox (dedup_key, recipient, channel, kind, message_id, status, attempts, created_at,
             next_attempt_at, after_id, payload)
           VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $8, $9)
           ON CONFLICT DO NOTHING RETURNING id`,
        [
          m.dedupKey,
          m.recipient,
          m.channel ?? 'email',
          m.kind,
          m.messageId,
          m.createdAt,
          m.notBefore ?? Date.parse(m.createdAt),
          m.afterId ?? null,
          JSON.stringify(m.payload),
        ],
      );
      return r.rows[0]?.id;
    },
    async claimDue(owner, nowMs, leaseMs, limit, channels = OUTBOX_CHANNELS) {
      // FOR UPDATE SKIP LOCKED: a row another relay is claiming at this moment is skipped, not waited for, and a row
      // it has just claimed no longer matches once its lock is gone; two relays never claim one row.
      const r = await db.query(
        `WITH due AS (
           SELECT o.id FROM outbox o
            WHERE ((o.status = 'pending' AND o.next_attempt_at <= $1)
                   OR (o.status = 'sending' AND o.lease_until < $1))
              AND o.channel = ANY($2)
              AND (o.after_id IS NULL OR (SELECT d.status FROM outbox d WHERE d.id = o.after_id) = 'sent')
            ORDER BY o.id LIMIT $3
            FOR UPDATE OF o SKIP LOCKED)
         UPDATE outbox SET status = 'sending', lease_owner = $4, lease_until = $5, attempts = outbox.attempts + 1
           FROM due WHERE outbox.id = due.id
         RETURNING outbox.*`,
        [nowMs, [...channels], limit, owner, nowMs + leaseMs],
      );
      return r.rows.map(outboxFromRow).sort((a, b) => a.id - b.id);
    },
    async markSent(id, owner, at) {
      const r = await db.query(
        `UPDATE outbox SET status = 'sent', sent_at = $1, lease_owner = NULL, lease_until = NULL, last_error = NULL
           WHERE id = $2 AND status = 'sending' AND lease_owner = $3`,
        [at, id, owner],
      );
      return r.rowCount === 1;
    },
    async markRetry(id, owner, nextAttemptAt, error) {
      const r = await db.query(
        `UPDATE outbox SET status = 'pending', next_attempt_at = $1, last_error = $2, lease_owner = NULL,
             lease_until = NULL
           WHERE id = $3 AND status = 'sending' AND lease_owner = $4`,
        [nextAttemptAt, error, id, owner],
      );
      return r.rowCount === 1;
    },
    async markDead(id, owner, error) {
      const r = await endClaimed(
        id,
        owner,
        'dead',
        error,
        `the message it follows (outbox row ${id}) was given up: ${error}`,
      );
      return { dead: r.ended, dependents: r.dependents };
    },
    async markDropped(id, owner, reason) {
      const r = await endClaimed(
        id,
        owner,
        'dropped',
        reason,
        `the message it follows (outbox row ${id}) was not sent: ${reason}`,
      );
      return { dropped: r.ended, dependents: r.dependents };
    },
    async replaceClaimedPayload(id, owner, payload) {
      const r = await db.query(
        `UPDATE outbox SET payload = $1 WHERE id = $2 AND status = 'sending' AND lease_owner = $3`,
        [JSON.stringify(payload), id, owner],
      );
      return r.rowCount === 1;
    },
    async forgetNotification(outboxId, fingerprint, episode) {
      await db.query(
        `DELETE FROM notification_log WHERE outbox_id = $1 AND fingerprint = $2 AND episode = $3`,
        [outboxId, fingerprint, episode],
      );
    },
    async list(status) {
      const r =
        status && status.length > 0
          ? await db.query(`SELECT * FROM outbox WHERE status = ANY($1) ORDER BY id`, [[...status]])
          : await db.query(`SELECT * FROM outbox ORDER BY id`);
      return r.rows.map(outboxFromRow);
    },
    async counts() {
      const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, dead: 0, dropped: 0 };
      const r = await db.query<{ status: OutboxStatus; n: number }>(
        `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`,
      );
      for (const row of r.rows) out[row.status] = row.n;
      return out;
    },
    async logNotification(e) {
      await db.query(
        `INSERT INTO notification_log (at, recipient, fingerprint, episode, kind, detail, outbox_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [e.at, e.recipient, e.fingerprint, e.episode, e.kind, e.detail ?? null, e.outboxId],
      );
    },
    async notificationsOf(fingerprint, episode, recipient) {
      const r = await db.query(
        `SELECT n.*, o.status AS status, o.message_id AS message_id
           FROM notification_log n JOIN outbox o ON o.id = n.outbox_id
          WHERE n.fingerprint = $1 AND n.episode = $2 ${recipient !== undefined ? 'AND n.recipient = $3' : ''}
          ORDER BY n.id`,
        recipient !== undefined ? [fingerprint, episode, recipient] : [fingerprint, episode],
      );
      return r.rows.map((row) => {
        const e: NotificationEntry & { status: OutboxStatus; messageId: string } = {
          at: str(row.at),
          recipient: str(row.recipient),
          fingerprint: str(row.fingerprint),
          episode: num(row.episode),
          kind: row.kind as OutboxKind,
          outboxId: num(row.outbox_id),
          status: row.status as OutboxStatus,
          messageId: str(row.message_id),
        };
        if (row.detail !== null) e.detail = str(row.detail);
        return e;
      });
    },
    async sentAlertPayloads(recipient, fingerprint, episode, exceptOutboxId) {
      const r = await db.query<{ payload: string }>(
        `SELECT DISTINCT o.id, o.payload FROM notification_log n JOIN outbox o ON o.id = n.outbox_id
          WHERE n.recipient = $1 AND n.fingerprint = $2 AND n.episode = $3 AND n.kind = 'alert'
            AND o.kind = 'alert' AND o.status = 'sent' AND o.id != $4
          ORDER BY o.id`,
        [recipient, fingerprint, episode, exceptOutboxId],
      );
      return r.rows.map((row) => JSON.parse(row.payload) as OutboxPayload);
    },
    async byDedupKey(dedupKey) {
      const r = await db.query(`SELECT * FROM outbox WHERE dedup_key = $1`, [dedupKey]);
      return r.rows[0] ? outboxFromRow(r.rows[0]) : undefined;
    },
    async replacePendingPayload(id, payload) {
      const r = await db.query(`UPDATE outbox SET payload = $1 WHERE id = $2 AND status = 'pending'`, [
        JSON.stringify(payload),
        id,
      ]);
      return r.rowCount === 1;
    },
    async dedupKeysFor(recipients) {
      if (recipients.length === 0) return [];
      const r = await db.query<{ dedup_key: string }>(
        `SELECT dedup_key FROM outbox WHERE recipient = ANY($1)`,
        [[...recipients]],
      );
      return r.rows.map((row) => row.dedup_key);
    },
    async countQueuedSince(recipient, kinds, since) {
      const r = await db.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM outbox WHERE recipient = $1 AND created_at >= $2 AND kind = ANY($3)`,
        [recipient, since, [...kinds]],
      );
      return r.rows[0]!.n;
    },
    async summary(limit = 20) {
      const c = (
        await db.query<{
          pending: number;
          retrying: number;
          sending: number;
          sent: number;
          dead: number;
          dropped: number;
        }>(
          `SELECT COUNT(*) FILTER (WHERE status = 'pending' AND attempts = 0) AS pending,
                  COUNT(*) FILTER (WHERE status = 'pending' AND attempts > 0) AS retrying,
                  COUNT(*) FILTER (WHERE status = 'sending') AS sending,
                  COUNT(*) FILTER (WHERE status = 'sent') AS sent,
                  COUNT(*) FILTER (WHERE status = 'dead') AS dead,
                  COUNT(*) FILTER (WHERE status = 'dropped') AS dropped
             FROM outbox`,
        )
      ).rows[0]!;
      const rows = (
        await db.query(
          `(SELECT id, kind, recipient, 'dead' AS state, attempts, created_at, next_attempt_at, last_error
              FROM outbox WHERE status = 'dead' ORDER BY id DESC LIMIT $1)
           UNION ALL
           (SELECT id, kind, recipient, 'retrying' AS state, attempts, created_at, next_attempt_at, last_error
              FROM outbox WHERE status = 'pending' AND attempts > 0 ORDER BY id DESC LIMIT $1)`,
          [limit],
        )
      ).rows;
      const problems = rows
        .map((r): OutboxProblem => ({
          id: num(r.id),
          kind: r.kind as OutboxKind,
          recipient: str(r.recipient),
          status: r.state as 'retrying' | 'dead',
          attempts: num(r.attempts),
          createdAt: str(r.created_at),
          ...(r.state === 'retrying'
            ? { nextAttemptAt: new Date(num(r.next_attempt_at)).toISOString() }
            : {}),
          ...(r.last_error !== null ? { lastError: str(r.last_error) } : {}),
        }))
        .sort((a, b) => (a.status === b.status ? a.id - b.id : a.status === 'dead' ? -1 : 1));
      const droppedRows = (
        await db.query(
          `SELECT id, kind, recipient, created_at, last_error FROM outbox WHERE status = 'dropped'
            ORDER BY id DESC LIMIT $1`,
          [limit],
        )
      ).rows
        .map((r) => ({
          id: num(r.id),
          kind: r.kind as OutboxKind,
          recipient: str(r.recipient),
          createdAt: str(r.created_at),
          reason: opt<string>(r.last_error) ?? '',
        }))
        .reverse();
      return { ...c, problems, droppedRows };
    },
  };
}

// ---- audit, overrides, decisions, regimes ----------------------------------------------------------------------

function audit(db: PgRunner): AuditRepo {
  return {
    async write(e) {
      await db.query(
        `INSERT INTO audit_log (at, actor, action, target_kind, target, reason, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [e.at, e.actor, e.action, e.targetKind, e.target, e.reason ?? null, JSON.stringify(e.details ?? {})],
      );
    },
    async read(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.targetKind) {
        params.push(filter.targetKind);
        where.push(`target_kind = $${params.length}`);
      }
      if (filter.target) {
        params.push(filter.target);
        where.push(`target = $${params.length}`);
      }
      const r = await db.query(
        `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`,
        params,
      );
      return r.rows.map((row) => {
        const e: AuditEntry = {
          id: num(row.id),
          at: str(row.at),
          actor: str(row.actor),
          action: str(row.action),
          targetKind: row.target_kind as AuditTargetKind,
          target: str(row.target),
          details: JSON.parse(str(row.details)) as Record<string, unknown>,
        };
        if (row.reason !== null) e.reason = str(row.reason);
        return e;
      });
    },
  };
}

function overrideFromRow(r: Record<string, unknown>): StoredOverride {
  const o: StoredOverride = {
    id: num(r.id),
    feature: str(r.feature),
    action: r.action as 'allow' | 'block',
    reason: str(r.reason),
    by: str(r.created_by),
    at: str(r.created_at),
    until: str(r.until),
  };
  if (r.revoked_at !== null) o.revokedAt = str(r.revoked_at);
  return o;
}

function overrides(db: PgRunner): OverridesRepo {
  const saveStates: OverridesRepo['saveFeatureStates'] = async (states) => {
    if (states.length === 0) return;
    // One statement for every feature (unnest of parallel arrays). A feature named twice keeps the last, as the
    // same upserts one by one would (ON CONFLICT cannot touch a row twice in one statement).
    const last = new Map(states.map((s) => [s.feature, s]));
    const rows = [...last.values()];
    await db.query(
      `INSERT INTO feature_states (feature, state, reasons, changed_at, updated_at)
         SELECT f, s, r, a, a FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(f, s, r, a)
         ON CONFLICT (feature) DO UPDATE SET
           changed_at = CASE WHEN feature_states.state = excluded.state
                             THEN feature_states.changed_at ELSE excluded.changed_at END,
           state = excluded.state, reasons = excluded.reasons, updated_at = excluded.updated_at`,
      [
        rows.map((s) => s.feature),
        rows.map((s) => s.state),
        rows.map((s) => JSON.stringify(s.reasons)),
        rows.map((s) => s.at),
      ],
    );
  };
  return {
    async add(o) {
      const r = await db.query<{ id: number }>(
        `INSERT INTO feature_overrides (feature, action, reason, created_by, created_at, until)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [o.feature, o.action, o.reason, o.by, o.at, o.until],
      );
      return { ...o, id: r.rows[0]!.id };
    },
    async revoke(feature, at) {
      const r = await db.query(
        `UPDATE feature_overrides SET revoked_at = $1 WHERE feature = $2 AND revoked_at IS NULL AND until > $1`,
        [at, feature],
      );
      return r.rowCount;
    },
    async active(now) {
      const r = await db.query(
        `SELECT * FROM feature_overrides WHERE revoked_at IS NULL AND until > $1 ORDER BY id`,
        [now.toISOString()],
      );
      const out = new Map<string, StoredOverride>();
      for (const row of r.rows) out.set(str(row.feature), overrideFromRow(row));
      return out;
    },
    async expiredBetween(since, now) {
      const r = await db.query(
        `SELECT * FROM feature_overrides
          WHERE revoked_at IS NULL AND until <= $1 AND ($2::text IS NULL OR until > $2::text) ORDER BY id`,
        [now.toISOString(), since ?? null],
      );
      return r.rows.map(overrideFromRow);
    },
    async of(feature) {
      const r = await db.query(`SELECT * FROM feature_overrides WHERE feature = $1 ORDER BY id`, [feature]);
      return r.rows.map(overrideFromRow);
    },
    async featureStates() {
      const r = await db.query(`SELECT * FROM feature_states ORDER BY feature`);
      return new Map(
        r.rows.map((row): [string, StoredFeatureState] => [
          str(row.feature),
          {
            feature: str(row.feature),
            state: row.state as GateState,
            reasons: JSON.parse(str(row.reasons)) as GateReason[],
            changedAt: str(row.changed_at),
            updatedAt: str(row.updated_at),
          },
        ]),
      );
    },
    saveFeatureState: (s) => saveStates([s]),
    saveFeatureStates: saveStates,
  };
}

function decisions(db: PgRunner): DecisionsRepo {
  const rows = async (sql: string, params: unknown[]) =>
    (await db.query<DecisionRow & PgRow>(sql, params)).rows.map(decisionFromRow);
  return {
    async insert(d) {
      const r = await db.query<{ id: number }>(
        `INSERT INTO decisions (${DECISION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        decisionValues(d),
      );
      return { ...d, id: r.rows[0]!.id };
    },
    for: (subject) =>
      subject.metric === undefined
        ? rows(`SELECT * FROM decisions WHERE source = $1 AND metric IS NULL ORDER BY decided_at, id`, [
            subject.source,
          ])
        : rows(`SELECT * FROM decisions WHERE source = $1 AND metric = $2 ORDER BY decided_at, id`, [
            subject.source,
            subject.metric,
          ]),
    latest: async (fp) =>
      (
        await rows(
          `SELECT * FROM decisions WHERE fingerprint = $1 ORDER BY decided_at DESC, id DESC LIMIT 1`,
          [fp],
        )
      )[0],
    recent: (since) =>
      rows(`SELECT * FROM decisions WHERE decided_at >= $1 ORDER BY decided_at DESC, id DESC`, [since]),
    of: async (fp, episode) =>
      (
        await rows(
          `SELECT * FROM decisions WHERE fingerprint = $1 AND episode = $2 ORDER BY id DESC LIMIT 1`,
          [fp, episode],
        )
      )[0],
  };
}

function regimes(db: PgRunner): RegimesRepo {
  return {
    async record(source, metric, startDay, reason, recordedAt = new Date().toISOString()) {
      await db.query(
        `INSERT INTO metric_regimes (source, metric, start_day, reason, recorded_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (source, metric, start_day) DO NOTHING`,
        [source, metric, startDay, reason, recordedAt],
      );
    },
    async current(source) {
      const r = await db.query<{ metric: string; start: string }>(
        `SELECT metric, MAX(start_day) AS start FROM metric_regimes WHERE source = $1 GROUP BY metric`,
        [source],
      );
      return new Map(r.rows.map((row) => [row.metric, row.start]));
    },
    async history(source, metric) {
      const r = await db.query<{
        source: string;
        metric: string;
        startDay: string;
        reason: string;
        recordedAt: string;
      }>(
        `SELECT source, metric, start_day AS "startDay", reason, recorded_at AS "recordedAt" FROM metric_regimes
          WHERE source = $1 AND metric = $2 ORDER BY start_day`,
        [source, metric],
      );
      return r.rows;
    },
  };
}

// ---- doc snapshots, pauses, breakers, slots ---------------------------------------------------------------------

function snapFromRow(r: Record<string, unknown>): DocSnapshot {
  return {
    id: num(r.id),
    source: str(r.source),
    doc: str(r.doc),
    hash: str(r.hash),
    normalized: str(r.normalized),
    ...(r.etag === null ? {} : { etag: str(r.etag) }),
    ...(r.last_modified === null ? {} : { lastModified: str(r.last_modified) }),
    fetchedAt: str(r.fetched_at),
    changedAt: str(r.changed_at),
  };
}

function docs(db: PgRunner): Async<DocSnapshotRepo> {
  const one = async (sql: string, params: unknown[]) => {
    const r = await db.query(sql, params);
    return r.rows[0] ? snapFromRow(r.rows[0]) : undefined;
  };
  const latest = (source: string, doc: string) =>
    one(`SELECT * FROM doc_snapshots WHERE source = $1 AND doc = $2 ORDER BY id DESC LIMIT 1`, [source, doc]);
  return {
    latest,
    earliest: (source, doc) =>
      one(`SELECT * FROM doc_snapshots WHERE source = $1 AND doc = $2 ORDER BY id ASC LIMIT 1`, [
        source,
        doc,
      ]),
    async docsOf(source) {
      const r = await db.query(
        `SELECT d.doc, d.versions, s.* FROM
           (SELECT doc, COUNT(*) AS versions, MAX(id) AS latest_id FROM doc_snapshots WHERE source = $1 GROUP BY doc) d
           JOIN doc_snapshots s ON s.id = d.latest_id
          ORDER BY d.doc`,
        [source],
      );
      return r.rows.map((row) => ({
        doc: str(row.doc),
        versions: num(row.versions),
        latest: snapFromRow(row),
      }));
    },
    async history(source, doc, limit) {
      const r = await db.query(
        `SELECT * FROM doc_snapshots WHERE source = $1 AND doc = $2 ORDER BY id DESC LIMIT $3`,
        [source, doc, limit],
      );
      return r.rows.map(snapFromRow);
    },
    save: (input) =>
      db.transaction(async () => {
        // Two writers saving one doc at once take turns: the second sees the first one's row.
        await db.query(`SELECT pg_advisory_xact_lock(hashtext('upwatch.doc_snapshots'), hashtext($1))`, [
          JSON.stringify([input.source, input.doc]),
        ]);
        const prev = await latest(input.source, input.doc);
        if (prev && prev.hash === input.hash) {
          await db.query(
            `UPDATE doc_snapshots SET fetched_at = $1, etag = $2, last_modified = $3 WHERE id = $4`,
            [input.fetchedAt, input.etag ?? null, input.lastModified ?? null, prev.id],
          );
          return { changed: false, previous: prev };
        }
        await db.query(
          `INSERT INTO doc_snapshots (source, doc, hash, normalized, etag, last_modified, fetched_at, changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
          [
            input.source,
            input.doc,
            input.hash,
            input.normalized,
            input.etag ?? null,
            input.lastModified ?? null,
            input.fetchedAt,
          ],
        );
        return prev ? { changed: true, previous: prev } : { changed: true };
      }),
    async markFetched(id, fetchedAt) {
      await db.query(`UPDATE doc_snapshots SET fetched_at = $1 WHERE id = $2`, [fetchedAt, id]);
    },
  };
}

function pauseFromRow(r: Record<string, unknown>): PrincipalPause {
  return {
    principal: str(r.principal),
    nextAllowedAt: str(r.next_allowed_at),
    reason: str(r.reason),
    updatedAt: str(r.updated_at),
  };
}

function pauses(db: PgRunner): Async<PauseBook> {
  const get = async (principal: string) =>
    (await db.query(`SELECT * FROM principal_pauses WHERE principal = $1`, [principal])).rows[0];
  return {
    async pausedUntil(principal, now) {
      const r = await get(principal);
      if (!r || Date.parse(str(r.next_allowed_at)) <= now.getTime()) return undefined;
      if (isAheadOf(str(r.next_allowed_at), now, MAX_PAUSE_MS)) return undefined;
      return str(r.next_allowed_at);
    },
    async untrusted(principal, now) {
      const r = await get(principal);
      return r && isAheadOf(str(r.next_allowed_at), now, MAX_PAUSE_MS) ? pauseFromRow(r) : undefined;
    },
    async pause(principal, until, reason, now) {
      const ceiling = now.getTime() + MAX_PAUSE_MS;
      const at = new Date(Math.min(new Date(until).getTime(), ceiling)).toISOString();
      await db.query(
        `INSERT INTO principal_pauses (principal, next_allowed_at, reason, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (principal) DO UPDATE SET next_allowed_at = excluded.next_allowed_at,
             reason = excluded.reason, updated_at = excluded.updated_at
           WHERE excluded.next_allowed_at > principal_pauses.next_allowed_at
              OR principal_pauses.next_allowed_at > $5`,
        [principal, at, reason, now.toISOString(), new Date(ceiling).toISOString()],
      );
    },
    async clear(principal) {
      const r = await db.query(`DELETE FROM principal_pauses WHERE principal = $1 RETURNING *`, [principal]);
      return r.rows[0] ? pauseFromRow(r.rows[0]) : undefined;
    },
    async list() {
      return (await db.query(`SELECT * FROM principal_pauses ORDER BY principal`)).rows.map(pauseFromRow);
    },
  };
}

function breakerFromRow(r: Record<string, unknown>): BreakerRecord {
  return {
    key: str(r.key),
    state: r.state as BreakerState,
    failures: num(r.failures),
    ...(r.kind === null ? {} : { kind: r.kind as UnreachableKind }),
    ...(r.last_error === null ? {} : { lastError: str(r.last_error) }),
    ...(r.opened_at === null ? {} : { openedAt: str(r.opened_at) }),
    probesFailed: num(r.probes_failed),
    ...(r.next_probe_at === null ? {} : { nextProbeAt: str(r.next_probe_at) }),
    updatedAt: str(r.updated_at),
  };
}

function breakers(db: PgRunner): Async<BreakerBook> {
  return {
    async get(key) {
      const r = await db.query(`SELECT * FROM breakers WHERE key = $1`, [key]);
      return r.rows[0] ? breakerFromRow(r.rows[0]) : undefined;
    },
    async save(r) {
      await db.query(
        `INSERT INTO breakers (key, state, failures, kind, last_error, opened_at, probes_failed, next_probe_at,
             updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (key) DO UPDATE SET state = excluded.state, failures = excluded.failures,
             kind = excluded.kind, last_error = excluded.last_error, opened_at = excluded.opened_at,
             probes_failed = excluded.probes_failed, next_probe_at = excluded.next_probe_at,
             updated_at = excluded.updated_at`,
        [
          r.key,
          r.state,
          r.failures,
          r.kind ?? null,
          r.lastError ?? null,
          r.openedAt ?? null,
          r.probesFailed,
          r.nextProbeAt ?? null,
          r.updatedAt,
        ],
      );
    },
    async notClosed() {
      return (await db.query(`SELECT * FROM breakers WHERE state != 'closed' ORDER BY key`)).rows.map(
        breakerFromRow,
      );
    },
  };
}

function slots(db: PgRunner): Async<PollSlots> {
  const polled = async (source: string) =>
    opt<string>(
      (await db.query(`SELECT last_slot FROM poll_slots WHERE source = $1`, [source])).rows[0]?.last_slot,
    );
  return {
    async lastSlot(source) {
      const slot = await polled(source);
      const started = opt<string>(
        (await db.query(`SELECT started_at FROM polls WHERE source = $1 ORDER BY id DESC LIMIT 1`, [source]))
          .rows[0]?.started_at,
      );
      if (slot === undefined) return started;
      if (started === undefined) return slot;
      return Date.parse(started) > Date.parse(slot) ? started : slot;
    },
    polledSlot: polled,
    async recordSlot(source, slot, at) {
      const ceiling = new Date(at.getTime() + CLOCK_SKEW_MS).toISOString();
      const r = await db.query(
        `INSERT INTO poll_slots (source, last_slot, polled_at) VALUES ($1, $2, $3)
           ON CONFLICT (source) DO UPDATE SET last_slot = excluded.last_slot, polled_at = excluded.polled_at
           WHERE excluded.last_slot > poll_slots.last_slot OR poll_slots.last_slot > $4`,
        [source, new Date(slot).toISOString(), at.toISOString(), ceiling],
      );
      return r.rowCount > 0;
    },
  };
}

// ---- statistics -----------------------------------------------------------------------------------------------

// eslint-disable-next-line max-lines-per-function -- one method per statistics port operation in one object over the same connection
function stats(db: PgRunner): PollStatsRepo {
  return {
    async pollCounts() {
      const r = await db.query<{ source: string; outcome: PollOutcome; polls: number }>(
        `SELECT source, outcome, COUNT(*) AS polls FROM polls GROUP BY source, outcome ORDER BY source, outcome`,
      );
      return r.rows;
    },
    async requestCounts() {
      const r = await db.query<{ source: string; statusClass: string; requests: number }>(
        `SELECT p.source AS source,
                CASE WHEN r.status IS NULL THEN 'none' ELSE (r.status / 100)::text || 'xx' END COLLATE "C"
                  AS "statusClass",
                COUNT(*) AS requests
           FROM requests r JOIN polls p ON p.id = r.poll_id
          GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      return r.rows;
    },
    async sourceStatuses(sources = []) {
      // One statement for every source (a fleet has thousands): counts per source, its last poll and the finish of
      // its last verified one, and the failed polls since.
      const r = await db.query<{
        source: string;
        polls: number;
        failed: number;
        consecutive: number;
        observations: number;
        metrics: number;
        entities: number;
        last_id: number | null;
        last_at: string | null;
        last_outcome: PollOutcome | null;
        last_error_code: string | null;
        last_error_message: string | null;
        verified_at: string | null;
      }>(
        `WITH names AS (SELECT DISTINCT source FROM polls UNION SELECT unnest($1::text[])),
              p AS (SELECT source, COUNT(*) AS polls, COUNT(*) FILTER (WHERE outcome = 'failed') AS failed,
                           MAX(CASE WHEN outcome != 'failed' THEN id END) AS last_verified_id, MAX(id) AS last_id
                      FROM polls GROUP BY source),
              o AS (SELECT source, COUNT(*) AS observations, COUNT(DISTINCT metric) AS metrics,
                           COUNT(DISTINCT entity) AS entities
                      FROM observations GROUP BY source)
         SELECT n.source, COALESCE(p.polls, 0) AS polls, COALESCE(p.failed, 0) AS failed,
                (SELECT COUNT(*) FROM polls x WHERE x.source = n.source AND x.id > COALESCE(p.last_verified_id, 0))
                  AS consecutive,
                COALESCE(o.observations, 0) AS observations, COALESCE(o.metrics, 0) AS metrics,
                COALESCE(o.entities, 0) AS entities,
                lp.id AS last_id, lp.finished_at AS last_at, lp.outcome AS last_outcome,
                lp.error_code AS last_error_code, lp.error_message AS last_error_message,
                lv.finished_at AS verified_at
           FROM names n
           LEFT JOIN p ON p.source = n.source
           LEFT JOIN o ON o.source = n.source
           LEFT JOIN polls lp ON lp.id = p.last_id
           LEFT JOIN polls lv ON lv.id = p.last_verified_id`,
        [[...sources]],
      );
      return r.rows
        .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
        .map((row) => ({
          source: row.source,
          ...(row.last_id !== null
            ? {
                lastPollId: row.last_id,
                lastPollAt: row.last_at!,
                lastOutcome: row.last_outcome!,
                ...(row.last_error_code ? { lastErrorCode: row.last_error_code } : {}),
                ...(row.last_error_message ? { lastErrorMessage: row.last_error_message } : {}),
              }
            : {}),
          ...(row.verified_at ? { lastVerifiedAt: row.verified_at } : {}),
          polls: row.polls,
          failedPolls: row.failed,
          consecutiveFailures: row.consecutive,
          observations: row.observations,
          metrics: row.metrics,
          entities: row.entities,
        }));
    },
    async servedVersions(source) {
      const r = await db.query<{ version: string; polls: number; first_seen: string; last_seen: string }>(
        `SELECT served_version AS version, COUNT(*) AS polls, MIN(finished_at) AS first_seen,
                MAX(finished_at) AS last_seen, MIN(id) AS first_id
           FROM polls WHERE source = $1 AND served_version IS NOT NULL
          GROUP BY served_version ORDER BY first_seen, first_id`,
        [source],
      );
      return r.rows.map((row) => ({
        version: row.version,
        polls: row.polls,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
      }));
    },
  };
}

/**
 * Every repository of a PostgreSQL store, each statement on the pool or, inside a transaction, on its client.
 *
 * @example
 * const repos = pgRepositories(context);
 * await repos.outbox.claimDue('relay-1', Date.now(), 60_000, 10);
 */
export function pgRepositories(db: PgRunner): Repositories {
  return {
    findings: findings(db),
    outbox: outbox(db),
    audit: audit(db),
    overrides: overrides(db),
    decisions: decisions(db),
    regimes: regimes(db),
    docs: docs(db),
    pauses: pauses(db),
    breakers: breakers(db),
    slots: slots(db),
    stats: stats(db),
  };
}
