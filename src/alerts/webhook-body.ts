// The generic webhook's body (schema `upwatch.alert/v1`) and its HMAC-SHA256 signature header.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OutboxKind, OutboxPayload } from '../store/outbox-repo.js';
import type { ChannelFinding } from './channel-message.js';
import { findingUrl } from './slack-message.js';

/** The body's `schema`: receivers switch on it; a change that is not backward-compatible gets a new version. */
export const WEBHOOK_SCHEMA = 'upwatch.alert/v1';
/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = 'Upwatch-Signature';
/** Header carrying the delivery id: the same on every attempt of a notice, so a receiver can drop a duplicate. */
export const DELIVERY_HEADER = 'Upwatch-Delivery';

/** The JSON body POSTed to a webhook (field by field in docs/alerts.md and schema/alert-webhook.schema.json). */
export interface WebhookBody {
  schema: typeof WEBHOOK_SCHEMA;
  /** Delivery id, as in the `Upwatch-Delivery` header. */
  delivery: string;
  kind: OutboxKind;
  /** `resolved` when every finding in it has cleared; `firing` otherwise. */
  state: 'firing' | 'resolved';
  /** One line: the state and the main cause, e.g. `BLOCKED 1 feature: page_impressions rejected by Meta (#100)`. */
  summary: string;
  /** Id of this notice's thread root: a resolved notice names the alert it answers. */
  messageId: string;
  inReplyTo?: string;
  /** When the notice was queued, and when this attempt was made (ISO, UTC). */
  queuedAt: string;
  sentAt: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Features blocked by the findings of this notice. */
  blockedFeatures: string[];
  findings: (ChannelFinding & { url?: string })[];
}

/**
 * Build the webhook body of a channel row.
 *
 * @example
 * webhookBody(row, { now, publicUrl: 'https://upwatch.example.com' }).findings[0].url
 * // 'https://upwatch.example.com/findings/3f2a…'
 */
export function webhookBody(
  row: {
    dedupKey: string;
    kind: OutboxKind;
    messageId: string;
    createdAt: string;
    attempts: number;
    payload: OutboxPayload;
  },
  options: { now: Date; publicUrl?: string },
): WebhookBody {
  const findings = (row.payload.channel?.findings ?? []) as unknown as ChannelFinding[];
  const blocked = new Set(
    findings.flatMap((f) =>
      f.change === 'resolved'
        ? []
        : f.features.filter((x) => x.effect === 'block' && x.state === 'blocked').map((x) => x.name),
    ),
  );
  return {
    schema: WEBHOOK_SCHEMA,
    delivery: row.dedupKey,
    kind: row.kind,
    state: findings.length > 0 && findings.every((f) => f.change === 'resolved') ? 'resolved' : 'firing',
    summary: row.payload.subject.replace(/^\[upwatch\]\s*/, ''),
    messageId: row.messageId,
    ...(row.payload.inReplyTo ? { inReplyTo: row.payload.inReplyTo } : {}),
    queuedAt: row.createdAt,
    sentAt: options.now.toISOString(),
    attempt: Math.max(1, row.attempts),
    blockedFeatures: [...blocked].sort(),
    findings: findings.map((f) => {
      const url = findingUrl(options.publicUrl, f.fingerprint);
      return url ? { ...f, url } : f;
    }),
  };
}

function hmac(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/**
 * The `Upwatch-Signature` value for a raw body: `t=<unix seconds>,v1=<hex>`, where the HMAC-SHA256 (keyed with the
 * channel's secret) covers `<t>.<raw body>`, so a captured request cannot be replayed later with another timestamp.
 *
 * @example
 * signatureHeader('s3cret', 1767225600, '{"schema":"upwatch.alert/v1"}') // 't=1767225600,v1=5d1c…'
 */
export function signatureHeader(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody)}`;
}

/**
 * Check a received signature the way a receiver should: the header parses, the timestamp is within `toleranceSec` of
 * `nowSec`, and one `v1` value equals the HMAC of `<t>.<raw body>` (compared in constant time). The reference
 * implementation for receivers written in TypeScript, and what the tests verify deliveries with.
 *
 * @example
 * verifySignature(req.headers['upwatch-signature'], rawBody, secret, Date.now() / 1000) // true
 */
export function verifySignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(hmac(secret, t, rawBody), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}
