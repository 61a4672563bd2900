// One call to build the mail relay from an SMTP URL: settings, pooled transport and relay, for `run`, `poll` and the demo.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { RepoStore } from '../store/findings-repo.js';
import { withChartImages } from './chart-images.js';
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

/**
 * Build the relay for an `UPWATCH_SMTP_URL` value (the CLI reads the variable and passes it in). Throws UpwatchError
 * `CONFIG_INVALID` for a malformed URL (without echoing the password).
 *
 * @example
 * const mail = createMailRelay({ store, smtpUrl: io.env.UPWATCH_SMTP_URL!, clock: io.clock });
 * mail.relay.start(); … await mail.close();
 */
export function createMailRelay(options: {
  store: RepoStore;
  smtpUrl: string;
  /** Sender address; overrides the URL's `from` parameter (setting `smtpFrom`, env UPWATCH_SMTP_FROM). */
  from?: string;
  clock: Clock;
  logger?: Logger;
  relay?: Partial<Omit<RelaySettings, 'from'>>;
  transport?: Partial<TransportOptions>;
  /** Checks each row against the state at send time before it goes out (pipeline/notice-state.ts builds one). */
  revise?: NoticeReviser;
  /** How chart pictures are drawn (font folders, scale); charts are always sent as PNG images. */
  charts?: PngRendererOptions;
}): MailRelaySetup {
  const parsed = parseSmtpUrl(options.smtpUrl);
  const settings = options.from ? { ...parsed, from: options.from } : parsed;
  // Charts go out as PNG pictures attached to the mail: Gmail and Outlook strip inline SVG.
  const transport = withChartImages(createEmailTransport(settings, options.transport ?? {}), {
    renderer: createPngRenderer(options.charts ?? {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const relay = createRelay({
    ...(options.relay ?? {}),
    store: options.store,
    transport,
    from: settings.from,
    clock: options.clock,
    ...(settings.password ? { secrets: [settings.password.reveal()] } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.revise ? { revise: options.revise } : {}),
  });
  let closed: Promise<void> | undefined;
  return {
    settings,
    transport,
    relay,
    close: () =>
      (closed ??= relay.stop().then(() => {
        transport.close();
      })),
  };
}
