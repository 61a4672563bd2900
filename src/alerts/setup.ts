// One call to build the alert relay: SMTP settings and pooled transport, the Slack/webhook sender, and the relay over both.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/ports.js';
import { withChartImages } from './chart-images.js';
import { createChannelSender, type ChannelSender, type ChannelSenderOptions } from './channel-transport.js';
import { createEmailTransport, parseSmtpUrl, type SmtpSettings, type TransportOptions } from './email.js';
import { createPngRenderer, type PngRendererOptions } from './png.js';
import { createRelay, type Relay } from './relay.js';
import type { NoticeReviser } from './revise.js';
import type { RelaySettings } from './settings.js';
import type { MailTransport } from './transport.js';

export interface MailRelaySetup {
  settings: SmtpSettings;
  transport: MailTransport;
  relay: Relay;
  /** Stop the relay (drains the round in flight) and close the SMTP pool. Idempotent. */
  close(): Promise<void>;
}

/** The relay over whatever is configured: mail when an SMTP URL is given, Slack and webhooks when channels are. */
export interface AlertRelaySetup {
  /** SMTP settings and transport; undefined without an SMTP URL (mail rows then wait in the outbox). */
  settings?: SmtpSettings;
  transport?: MailTransport;
  /** The Slack and webhook sender; undefined without channel options. */
  channels?: ChannelSender;
  relay: Relay;
  /** Stop the relay (drains the round in flight) and close the SMTP pool. Idempotent. */
  close(): Promise<void>;
}

export interface AlertRelayOptions {
  store: Store;
  /** `UPWATCH_SMTP_URL`; without it the relay sends no mail. */
  smtpUrl?: string;
  /** Sender address; overrides the URL's `from` parameter (setting `smtpFrom`, env UPWATCH_SMTP_FROM). */
  from?: string;
  /** How Slack and webhook rows are sent; without it the relay leaves them in the outbox. */
  channels?: ChannelSenderOptions;
  clock: Clock;
  logger?: Logger;
  relay?: Partial<Omit<RelaySettings, 'from'>>;
  transport?: Partial<TransportOptions>;
  /** Checks each row against the state at send time before it goes out (pipeline/notice-state.ts builds one). */
  revise?: NoticeReviser;
  /** How chart pictures are drawn (font folders, scale); charts are always sent as PNG images. */
  charts?: PngRendererOptions;
}

/**
 * Build the relay for mail (an `UPWATCH_SMTP_URL` value, which the CLI reads and passes in) and for Slack and webhook
 * channels. Throws UpwatchError `CONFIG_INVALID` for a malformed SMTP URL (without echoing the password).
 *
 * @example
 * const alerts = createAlertRelay({ store, smtpUrl: io.env.UPWATCH_SMTP_URL, channels: { resolve: (n) => io.env[n] }, clock: io.clock });
 * alerts.relay.start(); … await alerts.close();
 */
export function createAlertRelay(options: AlertRelayOptions): AlertRelaySetup {
  const parsed = options.smtpUrl !== undefined ? parseSmtpUrl(options.smtpUrl) : undefined;
  const settings = parsed && options.from ? { ...parsed, from: options.from } : parsed;
  // Charts go out as PNG pictures attached to the mail: Gmail and Outlook strip inline SVG.
  const transport = settings
    ? withChartImages(createEmailTransport(settings, options.transport ?? {}), {
        renderer: createPngRenderer(options.charts ?? {}),
        ...(options.logger ? { logger: options.logger } : {}),
      })
    : undefined;
  const password = settings?.password?.reveal();
  const secrets = [...(password ? [password] : []), ...(options.channels?.secrets ?? [])];
  const channels = options.channels ? createChannelSender({ ...options.channels, secrets }) : undefined;
  const relay = createRelay({
    ...(options.relay ?? {}),
    store: options.store,
    ...(transport && settings ? { transport, from: settings.from } : {}),
    ...(channels ? { channels } : {}),
    clock: options.clock,
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.revise ? { revise: options.revise } : {}),
  });
  let closed: Promise<void> | undefined;
  return {
    ...(settings && transport ? { settings, transport } : {}),
    ...(channels ? { channels } : {}),
    relay,
    close: () =>
      (closed ??= relay.stop().then(() => {
        transport?.close();
      })),
  };
}

/**
 * Build the mail relay for an `UPWATCH_SMTP_URL` value (the CLI reads the variable and passes it in). Throws
 * UpwatchError `CONFIG_INVALID` for a malformed URL (without echoing the password).
 *
 * @example
 * const mail = createMailRelay({ store, smtpUrl: io.env.UPWATCH_SMTP_URL!, clock: io.clock });
 * mail.relay.start(); … await mail.close();
 */
export function createMailRelay(options: AlertRelayOptions & { smtpUrl: string }): MailRelaySetup {
  const setup = createAlertRelay(options);
  return {
    settings: setup.settings!,
    transport: setup.transport!,
    relay: setup.relay,
    close: () => setup.close(),
  };
}
