// The one error type upwatch throws: a stable code, an optional hint, the wrapped cause, and whether a retry may help.

/** Stable error codes. Add new ones here; never rename one (scripts and logs match on them). */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONTRACTS_NOT_FOUND'
  | 'CONTRACTS_INVALID'
  | 'CONTRACTS_UNUSABLE'
  | 'SECRET_UNSET'
  | 'USAGE'
  | 'STORE_UNAVAILABLE'
  | 'STORE_CORRUPT'
  | 'STORE_FULL'
  | 'HTTP_TIMEOUT'
  | 'HTTP_TOO_LARGE'
  | 'HTTP_CONNECT'
  | 'HTTP_STATUS'
  | 'HTTP_REDIRECT'
  | 'HTTP_MALFORMED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_THROTTLED'
  | 'UPSTREAM_AUTH'
  | 'UPSTREAM_PERMISSION'
  | 'UPSTREAM_INVALID_METRIC'
  | 'UPSTREAM_GONE'
  | 'UNVERIFIED'
  | 'BREAKER_OPEN'
  | 'SLOT_TAKEN'
  | 'POLL_DEADLINE'
  | 'SMTP_TRANSIENT'
  | 'SMTP_PERMANENT'
  | 'SMTP_CONFIG'
  | 'CHART_UNRENDERABLE'
  | 'CHANNEL_TRANSIENT'
  | 'CHANNEL_PERMANENT'
  | 'CHANNEL_CONFIG'
  | 'GIT_FAILED'
  | 'SPEC_INVALID'
  | 'HISTORY_INVALID'
  | 'INGEST_INVALID'
  | 'NOT_FOUND'
  | 'WORKER_FAILED'
  | 'INTERNAL';

export interface UpwatchErrorOptions {
  /** How to fix it, when the fix is known. */
  hint?: string;
  /** The error this one wraps. */
  cause?: unknown;
  /** True when the same operation may succeed if retried later (timeouts, 5xx, throttling). */
  retryable?: boolean;
  /** Structured details safe to store and print (never secrets). */
  details?: Record<string, unknown>;
}

/**
 * An error that means "upwatch could not do the job". Findings about upstreams are data, never errors.
 *
 * @example
 * throw new UpwatchError('STORE_UNAVAILABLE', 'cannot open store at .upwatch/upwatch.db', {
 *   hint: 'check the directory exists and is writable, or pass --db PATH',
 * });
 */
export class UpwatchError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: UpwatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UpwatchError';
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

/** True when `e` is an UpwatchError, optionally with one of the given codes. */
export function isUpwatchError(e: unknown, ...codes: ErrorCode[]): e is UpwatchError {
  return e instanceof UpwatchError && (codes.length === 0 || codes.includes(e.code));
}

/** A short message for any thrown value, without stack or secrets beyond what the message holds. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
