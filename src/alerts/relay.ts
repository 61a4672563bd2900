// The outbox relay: claims due rows with a lease, checks them against the present, sends (mail, Slack, webhook), retries with backoff, gives up with a reason.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { errorMessage, isUpwatchError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { Store } from '../store/ports.js';
import { type OutboxChannel, type OutboxRow } from '../store/outbox-repo.js';
import { fullJitterMs } from './backoff.js';
import type { ChannelSender } from './channel-transport.js';
import type { DroppedItem, NoticeReviser } from './revise.js';
import { scrubText } from './scrub.js';
import { RELAY_DEFAULTS, type RelaySettings } from './settings.js';
import type { MailTransport, RecipientFailure, SendFailureClass } from './transport.js';

export interface RelayOptions extends Partial<Omit<RelaySettings, 'from'>> {
  store: Store;
  /** Mail transport; without it the relay leaves mail rows to a relay that has one. */
  transport?: MailTransport;
  /** Sender address (SmtpSettings.from); required with `transport`. */
  from?: string;
  /** Sends Slack and webhook rows; without it the relay leaves them alone. */
  channels?: ChannelSender;
  clock: Clock;
  logger?: Logger;
  /** Lease owner id; default `relay-<pid>-<random>`. */
  owner?: string;
  /** Random source for the jitter (tests pass a fixed one). */
  random?: () => number;
  /** Exact values (the SMTP password) to scrub from a server's reply before it is stored or logged. */
  secrets?: readonly string[];
  /**
   * Checks each claimed row against the state at send time (alerts/revise.ts): what no longer holds is dropped
   * with its reason, the rest rewritten to the present. Without it rows are sent as queued.
   */
  revise?: NoticeReviser;
}

/** What one round did. */
export interface RelayRound {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
  /** Withdrawn before sending: what they said no longer held. */
  dropped: number;
}

/** Relay health for `upwatch status` and `doctor`. */
export interface RelayHealth {
  running: boolean;
  lastRoundAt?: string;
  lastError?: string;
  /** True after an authentication failure until a send succeeds (health red). */
  configError: boolean;
}

/** The relay. `start()`/`stop()` are idempotent; `stop()` waits for the round in flight. */
export interface Relay {
  relayOnce(now?: Date): Promise<RelayRound>;
  start(): void;
  stop(): Promise<void>;
  health(): RelayHealth;
}

/**
 * Build a relay over the outbox. At-least-once: a relay that dies after the SMTP server accepted a message but
 * before marking it sent leaves the row leased; when the lease expires another round sends it again with the same
 * Message-ID, so the duplicate is recognisable.
 *
 * @example
 * const settings = parseSmtpUrl(io.env.UPWATCH_SMTP_URL!);
 * const relay = createRelay({ store, transport: createEmailTransport(settings), from: settings.from, clock: systemClock });
 * relay.start(); … await relay.stop();
 */
// eslint-disable-next-line max-lines-per-function -- the relay is one closure over its state (owner, timer, health, round in flight) that its steps share; each step is a named inner function
export function createRelay(options: RelayOptions): Relay {
  const o = { ...RELAY_DEFAULTS, ...stripUndefined(options) };
  const { store, transport, clock } = options;
  const claims: OutboxChannel[] = [
    ...(transport ? ['email' as const] : []),
    ...(options.channels?.channels ?? []),
  ];
  const logger = options.logger ?? silentLogger;
  const owner = options.owner ?? `relay-${process.pid}-${randomBytes(3).toString('hex')}`;
  const random = options.random ?? Math.random;
  const health: RelayHealth = { running: false, configError: false };
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  let stopping = false;

  async function fail(
    row: OutboxRow,
    nowMs: number,
    cls: SendFailureClass,
    reply: string,
    /** The receiver's own `Retry-After`, honoured up to the backoff cap. */
    retryAfterMs?: number,
  ): Promise<'retried' | 'dead'> {
    // A server may echo what it was given (a login, a URL): no credential goes into last_error, the audit or a log.
    const reason = scrubText(reply, options.secrets ?? []);
    const age = nowMs - Date.parse(row.createdAt);
    if (cls === 'permanent' || age >= o.giveUpMs) {
      const why =
        cls === 'permanent'
          ? `permanent: ${reason}`
          : `gave up after ${Math.round(age / 3_600_000)} h: ${reason}`;
      await store.transaction(async () => {
        const { dead, dependents } = await store.outbox.markDead(row.id, owner, why);
        if (dead) {
          await store.audit.write({
            at: new Date(nowMs).toISOString(),
            actor: 'upwatch',
            action: 'notification-dead',
            targetKind: 'outbox',
            target: String(row.id),
            reason: why,
            details: {
              recipient: row.recipient,
              kind: row.kind,
              messageId: row.messageId,
              attempts: row.attempts,
              ...(dependents.length > 0 ? { followers: dependents } : {}),
            },
          });
        }
      });
      logger.error('notification dead', { id: row.id, recipient: row.recipient, reason: why });
      return 'dead';
    }
    const backoff =
      cls === 'config'
        ? o.backoffCapMs
        : fullJitterMs(row.attempts, { baseMs: o.backoffBaseMs, capMs: o.backoffCapMs }, random);
    const delay = Math.max(backoff, Math.min(retryAfterMs ?? 0, o.backoffCapMs));
    await store.outbox.markRetry(row.id, owner, nowMs + delay, `${cls}: ${reason}`);
    logger.warn('notification deferred', { id: row.id, recipient: row.recipient, retryInMs: delay, reason });
    return 'retried';
  }

  /** Record that a row no longer tells its recipient about these findings (notification log), audited per finding. */
  async function forget(row: OutboxRow, at: string, dropped: readonly DroppedItem[]): Promise<void> {
    for (const d of dropped) {
      await store.outbox.forgetNotification(row.id, d.fingerprint, d.episode);
      await store.audit.write({
        at,
        actor: 'upwatch',
        action: 'notice-withdrawn',
        targetKind: 'finding',
        target: d.fingerprint,
        reason: d.reason,
        details: { episode: d.episode, outboxId: row.id, recipient: row.recipient, kind: row.kind },
      });
    }
  }

  /** Apply the round's check: the row to send (maybe rewritten), or undefined when it was dropped. */
  async function revise(
    row: OutboxRow,
    nowMs: number,
    check: Awaited<ReturnType<NoticeReviser>> | undefined,
  ): Promise<OutboxRow | undefined> {
    if (!check) return row;
    const at = new Date(nowMs).toISOString();
    const r = await check(row);
    if (r.action === 'send') return row;
    if (r.action === 'rewrite') {
      await store.transaction(async () => {
        if (await store.outbox.replaceClaimedPayload(row.id, owner, r.payload))
          await forget(row, at, r.dropped);
      });
      logger.info('notification rewritten to the current state', { id: row.id, withdrawn: r.dropped.length });
      return { ...row, payload: r.payload };
    }
    await store.transaction(async () => {
      const { dropped, dependents } = await store.outbox.markDropped(row.id, owner, r.reason);
      if (!dropped) return;
      await forget(row, at, r.dropped);
      await store.audit.write({
        at,
        actor: 'upwatch',
        action: 'notification-dropped',
        targetKind: 'outbox',
        target: String(row.id),
        reason: r.reason,
        details: {
          recipient: row.recipient,
          kind: row.kind,
          subject: row.payload.subject,
          findings: r.dropped.map((d) => d.fingerprint),
          ...(dependents.length > 0 ? { followers: dependents } : {}),
        },
      });
    });
    logger.info('notification dropped', { id: row.id, recipient: row.recipient, reason: r.reason });
    return undefined;
  }

  async function deliver(
    queued: OutboxRow,
    nowMs: number,
    check: Awaited<ReturnType<NoticeReviser>> | undefined,
  ): Promise<'sent' | 'retried' | 'dead' | 'dropped'> {
    const row = await revise(queued, nowMs, check);
    if (!row) return 'dropped';
    if (row.channel !== 'email') return deliverToChannel(row, nowMs);
    if (!transport) return fail(row, nowMs, 'config', 'no mail transport configured');
    try {
      const mail = {
        from: options.from ?? '',
        to: [row.recipient],
        subject: row.payload.subject,
        text: row.payload.text,
        html: row.payload.html,
        messageId: row.messageId,
        ...(row.payload.inReplyTo ? { inReplyTo: row.payload.inReplyTo } : {}),
        ...(row.payload.references ? { references: row.payload.references } : {}),
      };
      const result = await transport.send(mail);
      const rejected = result.rejected.find((r) => r.address.toLowerCase() === row.recipient.toLowerCase());
      if (rejected || !result.accepted.some((a) => a.toLowerCase() === row.recipient.toLowerCase())) {
        return await fail(
          row,
          nowMs,
          rejected?.class ?? 'transient',
          rejected?.message ?? 'recipient not accepted',
        );
      }
      await store.outbox.markSent(row.id, owner, clock.now().toISOString());
      health.configError = false;
      return 'sent';
    } catch (e) {
      const details = isUpwatchError(e) ? e.details : {};
      const perRecipient = (details['rejected'] as RecipientFailure[] | undefined)?.find(
        (r) => r.address.toLowerCase() === row.recipient.toLowerCase(),
      );
      const cls = perRecipient?.class ?? (details['class'] as SendFailureClass | undefined) ?? 'transient';
      const reason = perRecipient?.message ?? errorMessage(e);
      health.lastError = scrubText(reason, options.secrets ?? []);
      if (cls === 'config') health.configError = true;
      return fail(row, nowMs, cls, reason);
    }
  }

  /** A Slack or webhook row: the sender says whether it arrived and, if not, whether to retry. */
  async function deliverToChannel(row: OutboxRow, nowMs: number): Promise<'sent' | 'retried' | 'dead'> {
    if (!options.channels) return fail(row, nowMs, 'config', 'no channel sender configured');
    try {
      await options.channels.send(row, new Date(nowMs));
      await store.outbox.markSent(row.id, owner, clock.now().toISOString());
      health.configError = false;
      return 'sent';
    } catch (e) {
      const details = isUpwatchError(e) ? e.details : {};
      const cls = (details['class'] as SendFailureClass | undefined) ?? 'transient';
      const reason = errorMessage(e);
      health.lastError = scrubText(reason, options.secrets ?? []);
      if (cls === 'config') health.configError = true;
      const retryAfter = details['retryAfterMs'];
      return fail(row, nowMs, cls, reason, typeof retryAfter === 'number' ? retryAfter : undefined);
    }
  }

  async function relayOnce(now: Date = clock.now()): Promise<RelayRound> {
    const nowMs = now.getTime();
    if (claims.length === 0) return { claimed: 0, sent: 0, retried: 0, dead: 0, dropped: 0 };
    const rows = await store.transaction(() =>
      store.outbox.claimDue(owner, nowMs, o.leaseMs, o.batchSize, claims),
    );
    const round: RelayRound = { claimed: rows.length, sent: 0, retried: 0, dead: 0, dropped: 0 };
    const check = rows.length > 0 ? await options.revise?.(now, rows) : undefined;
    for (const row of rows) {
      const outcome = await deliver(row, nowMs, check);
      round[outcome] += 1;
    }
    health.lastRoundAt = now.toISOString();
    if (rows.length) logger.info('relay round', { ...round });
    return round;
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      timer = undefined;
      const round = relayOnce()
        .catch((e: unknown) => {
          health.lastError = errorMessage(e);
          logger.error('relay round failed', { error: errorMessage(e) });
        })
        .finally(() => {
          inFlight = undefined;
          schedule();
        });
      inFlight = round;
    }, o.intervalMs);
    timer.unref?.();
  }

  return {
    relayOnce,
    start(): void {
      if (health.running) return;
      health.running = true;
      stopping = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (inFlight) await inFlight;
      health.running = false;
    },
    health: () => ({ ...health }),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
