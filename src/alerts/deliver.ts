// One-shot delivery for `upwatch poll`: run relay rounds until nothing is due now, then close the SMTP pool.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/ports.js';
import type { ChannelSenderOptions } from './channel-transport.js';
import type { Relay, RelayRound } from './relay.js';
import type { NoticeReviser } from './revise.js';
import { createAlertRelay } from './setup.js';

/**
 * Send what is due in the outbox now (at most `maxRounds` rounds, so a backlog cannot hold a cron job forever): mail
 * when `smtpUrl` is given, Slack and webhook rows when `channels` is. Failures stay in the outbox with their backoff;
 * the next poll or the daemon retries them.
 *
 * @example
 * if (settings.smtpUrl) await deliverDue({ store, smtpUrl: settings.smtpUrl, clock: io.clock });
 */
export async function deliverDue(options: {
  store: Store;
  smtpUrl?: string;
  /** Sender address overriding the URL's `from` parameter. */
  from?: string;
  /** How Slack and webhook rows are sent. */
  channels?: ChannelSenderOptions;
  clock: Clock;
  logger?: Logger;
  maxRounds?: number;
  /** Checks each row against the state at send time (see RelayOptions.revise). */
  revise?: NoticeReviser;
}): Promise<RelayRound> {
  const alerts = createAlertRelay({
    store: options.store,
    ...(options.smtpUrl !== undefined ? { smtpUrl: options.smtpUrl } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
    clock: options.clock,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.revise ? { revise: options.revise } : {}),
  });
  try {
    return await relayUntilDrained(alerts.relay, options.clock, options.maxRounds);
  } finally {
    await alerts.close();
  }
}

/**
 * Run relay rounds until nothing is due now: a round that claims nothing, or that neither sends nor withdraws anything
 * (what is left waits for its backoff). At most `maxRounds` rounds, so a backlog cannot hold the caller forever.
 * Returns the rounds' sums.
 *
 * @example
 * await relayUntilDrained(setup.relay, clock); // { claimed: 3, sent: 3, retried: 0, dead: 0, dropped: 0 }
 */
export async function relayUntilDrained(
  relay: Pick<Relay, 'relayOnce'>,
  clock: Clock,
  maxRounds = 50,
): Promise<RelayRound> {
  const total: RelayRound = { claimed: 0, sent: 0, retried: 0, dead: 0, dropped: 0 };
  for (let i = 0; i < maxRounds; i++) {
    const r = await relay.relayOnce(clock.now());
    total.claimed += r.claimed;
    total.sent += r.sent;
    total.retried += r.retried;
    total.dead += r.dead;
    total.dropped += r.dropped;
    if (r.claimed === 0 || r.sent + r.dropped === 0) break;
  }
  return total;
}
