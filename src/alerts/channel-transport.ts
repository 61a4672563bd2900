// Sending a Slack or webhook row: resolve its URL and secret, POST the body, and say whether a retry may help.
import { parseTemplate, resolveTemplate, type SecretLookup } from '../core/secret.js';
import { UpwatchError } from '../core/errors.js';
import { parseRetryAfter } from '../core/retry-after.js';
import type { OutboxChannel, OutboxRow } from '../store/outbox-repo.js';
import { scrubText } from './scrub.js';
import { slackMessage } from './slack-message.js';
import type { SendFailureClass } from './transport.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signatureHeader, webhookBody } from './webhook-body.js';

/** Delivers channel rows. `send` resolves once the receiver answered 2xx; otherwise it rejects (see below). */
export interface ChannelSender {
  /** The outbox channels it delivers. */
  readonly channels: readonly OutboxChannel[];
  /**
   * POST one row. Rejects with UpwatchError `CHANNEL_TRANSIENT` (network error, timeout, 408/425/429/5xx),
   * `CHANNEL_PERMANENT` (any other answer: a 4xx, a redirect) or `CHANNEL_CONFIG` (a `${VAR}` it needs is unset),
   * with `details.class` and, when there was an answer, `details.status` (and `details.retryAfterMs` when a 429 or
   * 503 said how long to wait). Messages hold no URL and no secret.
   */
  send(row: OutboxRow, now: Date): Promise<void>;
}

export interface ChannelSenderOptions {
  /** Resolves the `${VAR}` references of channel URLs and secrets (the CLI passes the environment). */
  resolve: SecretLookup;
  /** The dashboard's public URL (UPWATCH_PUBLIC_URL), for links to each finding. */
  publicUrl?: string;
  /** Whole-request deadline, ms. Default 10 000. */
  timeoutMs?: number;
  /** Exact values to scrub from a receiver's answer before it is stored or logged. */
  secrets?: readonly string[];
  /** Value of the User-Agent header. Default `upwatch`. */
  userAgent?: string;
}

/** Answers worth trying again: a timeout, too early, throttled, or a server error. */
function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** At most `max` bytes of an answer's body (a receiver may answer with a whole page). */
async function readSome(res: Response, max = 1024): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max).replace(/\s+/g, ' ').trim();
}

function failure(
  cls: SendFailureClass,
  message: string,
  details: Record<string, unknown> = {},
  hint?: string,
): UpwatchError {
  const code =
    cls === 'transient' ? 'CHANNEL_TRANSIENT' : cls === 'permanent' ? 'CHANNEL_PERMANENT' : 'CHANNEL_CONFIG';
  return new UpwatchError(code, message, {
    retryable: cls !== 'permanent',
    details: { ...details, class: cls },
    ...(hint ? { hint } : {}),
  });
}

/** Expand a `${VAR}` template of a row, or fail with the variables to export (never their values). */
function resolved(template: string, what: string, row: OutboxRow, lookup: SecretLookup): string {
  const r = resolveTemplate(parseTemplate(template), lookup);
  if (r.ok) return r.secret.reveal();
  throw failure(
    'config',
    `${row.recipient}: the ${what} references ${r.missing.map((n) => `\${${n}}`).join(', ')}, which is not set`,
    {},
    `export ${r.missing.join(', ')} where upwatch sends alerts; the notice waits in the outbox meanwhile`,
  );
}

/**
 * Build the sender for Slack incoming webhooks and signed JSON webhooks. Each POST carries `Upwatch-Delivery: <the
 * row's dedup key>` (the same on every attempt, so a receiver recognises a resend after a crash); a webhook POST also
 * carries `Upwatch-Signature: t=…,v1=…`. Redirects are not followed.
 *
 * @example
 * const sender = createChannelSender({ resolve: (n) => env[n], publicUrl: env.UPWATCH_PUBLIC_URL });
 * createRelay({ store, channels: sender, clock });
 */
export function createChannelSender(options: ChannelSenderOptions): ChannelSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    channels: ['slack', 'webhook'],
    async send(row, now) {
      const target = row.payload.channel;
      if ((row.channel !== 'slack' && row.channel !== 'webhook') || !target)
        throw failure('permanent', `outbox row ${row.id} is not a Slack or webhook notice`);
      const url = resolved(target.url, `${row.channel} URL`, row, options.resolve);
      const secret =
        row.channel === 'webhook'
          ? resolved(target.secret ?? '', 'signing secret', row, options.resolve)
          : undefined;
      const publicUrl = options.publicUrl ? { publicUrl: options.publicUrl } : {};
      const body = JSON.stringify(
        row.channel === 'slack' ? slackMessage(row, publicUrl) : webhookBody(row, { now, ...publicUrl }),
      );
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': options.userAgent ?? 'upwatch',
        [DELIVERY_HEADER]: row.dedupKey,
      };
      if (secret !== undefined)
        headers[SIGNATURE_HEADER] = signatureHeader(secret, Math.floor(now.getTime() / 1000), body);
      const scrub = (text: string) =>
        scrubText(text, [url, ...(secret ? [secret] : []), ...(options.secrets ?? [])]);
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const name = (e as { name?: string }).name;
        const code = (e as { cause?: { code?: string } }).cause?.code;
        throw failure(
          'transient',
          name === 'TimeoutError' || name === 'AbortError'
            ? `${row.recipient}: no answer within ${timeoutMs} ms`
            : `${row.recipient}: could not connect${code ? ` (${code})` : ''}`,
        );
      }
      const answer = scrub(await readSome(res).catch(() => ''));
      if (res.status >= 200 && res.status < 300) return;
      const said = `${row.recipient}: HTTP ${res.status}${answer ? ` ${answer.slice(0, 300)}` : ''}`;
      if (res.status >= 300 && res.status < 400)
        throw failure(
          'permanent',
          `${said} (redirects are not followed)`,
          { status: res.status },
          'point the channel at the final URL',
        );
      const wait = retryable(res.status)
        ? parseRetryAfter(res.headers.get('retry-after') ?? undefined, now)
        : undefined;
      throw failure(retryable(res.status) ? 'transient' : 'permanent', said, {
        status: res.status,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      });
    },
  };
}
