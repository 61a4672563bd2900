// The one HTTP layer (the only axios importer): deadlines, byte caps, no redirects, jittered retries, per-host limits,
// kept headers, and secrets redacted from everything that leaves it.
import axios, { type AxiosResponse } from 'axios';
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { fullJitterMs } from '../core/backoff.js';
import { systemClock, type Clock } from '../core/clock.js';
import { UpwatchError, type ErrorCode } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { KEPT_HEADERS, type RequestRecord, type UpstreamErrorInfo } from '../core/observation.js';
import { Secret } from '../core/secret.js';
import type { PollBudget } from './poll-budget.js';
import { compileRedactor } from './redact.js';

export interface HttpClientOptions {
  clock?: Clock;
  logger?: Logger;
  /** Time allowed to open a TCP connection. Default 5 s. */
  connectTimeoutMs?: number;
  /** Whole-request deadline per attempt, headers and body included. Default 30 s. */
  deadlineMs?: number;
  /** Largest body accepted, enforced while streaming. Default 16 MiB. */
  maxBytes?: number;
  /** Attempts per request, first included. Default 3. A request that timed out is retried at most once. */
  maxAttempts?: number;
  /** Full-jitter backoff base and cap. Defaults 1 s and 15 s. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Multiplies every wait before it is slept (0 in tests that must not wait). Default 1. */
  retryDelayScale?: number;
  /** A `Retry-After` longer than this is not waited for: the response is returned so the caller can pause. 30 s. */
  maxRetryAfterMs?: number;
  /** Concurrent requests per host. Default 16. */
  perHostLimit?: number;
  /** Injected for tests; defaults to a real timer and Math.random. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  userAgent?: string;
}

/** One GET request. Secrets stay wrapped until the last moment. */
export interface HttpRequest {
  url: string | Secret;
  /** Query parameters appended to the URL (a Secret value is revealed only on the wire). */
  query?: Record<string, string | Secret>;
  headers?: Record<string, string | Secret>;
  /** Extra secret values to scrub (e.g. the `${VAR}` values inside a templated URL). */
  secrets?: readonly Secret[];
  /** `json` (default) parses the body and rejects a 2xx that is not JSON; `text` returns the text. */
  expect?: 'json' | 'text';
  /** Resolve `url` against this base (relative next-page links). */
  relativeTo?: string | Secret;
  /** Response headers to keep beyond KEPT_HEADERS (lower-case), e.g. a source's version header. */
  keepHeaders?: readonly string[];
  /** Retry this response as well as 408/429/5xx (e.g. Graph transient error codes). */
  retryOn?: (res: HttpResponse) => boolean;
  /**
   * The poll's budget: its deadline aborts the request, and no attempt starts once the deadline passed or enough
   * requests to the host hung in this poll (error POLL_DEADLINE).
   */
  budget?: PollBudget;
}

/** A response. Any status is a response; transport failures throw. */
export interface HttpResponse {
  status: number;
  /** The request URL with secrets redacted. */
  url: string;
  /** Kept response headers (KEPT_HEADERS), lower-case, redacted. */
  headers: Record<string, string>;
  text: string;
  /** Parsed body (expect json), when it parsed. */
  json?: unknown;
  attempts: number;
  /** Wall time over all attempts and waits. */
  latencyMs: number;
  /** Parsed `Retry-After` of the last response, in ms from `receivedAt`. */
  retryAfterMs?: number;
  /** The client's clock when the last response arrived: a pause the response asks for counts from here. */
  receivedAt: Date;
}

/** Details every HTTP UpwatchError carries (safe to store). */
export interface HttpErrorDetails {
  url: string;
  attempts: number;
  latencyMs: number;
  status?: number;
  headers?: Record<string, string>;
}

/**
 * The HTTP client providers receive in their context.
 *
 * @example
 * const http = createHttpClient({ deadlineMs: 10_000 });
 * const res = await http.get({ url: 'https://graph.facebook.com/v24.0/123/insights', query: { access_token: token } });
 */
export interface HttpClient {
  get: (req: HttpRequest) => Promise<HttpResponse>;
  /** Scrub secrets from any text (every Secret this client revealed, plus sensitive query keys). */
  redact: (text: string) => string;
  /** Close idle keep-alive sockets. */
  close: () => void;
}

const RETRYABLE_STATUS = (s: number) => s === 408 || s === 429 || s >= 500;

/**
 * Full-jitter backoff before retry number `attempt` (1 = the first retry): random(0, min(cap, base·2^(attempt−1))),
 * the shared formula of src/core/backoff.ts.
 *
 * @example
 * backoffMs(2, 1_000, 15_000, () => 0.5) // 1000
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  return fullJitterMs(attempt - 1, { baseMs, capMs }, random);
}

/**
 * Parse `Retry-After` (delay-seconds or HTTP-date) into ms from `now`; undefined when absent or unparsable.
 *
 * @example
 * parseRetryAfter('120', new Date()) // 120000
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now.getTime());
}

/**
 * Why an attempt must not start under the poll's budget: before the first, the deadline or a host that hung too often
 * in this poll; before a retry, the deadline (the retry itself was already allowed).
 */
function budgetRefusal(
  budget: PollBudget | undefined,
  attempt: number,
  host: string,
  shownUrl: string,
): UpwatchError | undefined {
  if (!budget) return undefined;
  if (attempt === 1) return budget.refuse(host, shownUrl);
  return budget.signal.aborted ? budget.deadlineError(shownUrl) : undefined;
}

/** A counting semaphore per host. */
class HostLimiter {
  readonly #limit: number;
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  async acquire(host: string): Promise<void> {
    const n = this.#active.get(host) ?? 0;
    if (n < this.#limit) {
      this.#active.set(host, n + 1);
      return;
    }
    await new Promise<void>((resolve) => {
      const q = this.#waiting.get(host) ?? [];
      q.push(resolve);
      this.#waiting.set(host, q);
    });
  }

  release(host: string): void {
    const next = this.#waiting.get(host)?.shift();
    if (next)
      next(); // hand the slot over
    else this.#active.set(host, (this.#active.get(host) ?? 1) - 1);
  }
}

function reveal(v: string | Secret, seen: Set<string>): string {
  if (v instanceof Secret) {
    const r = v.reveal();
    seen.add(r);
    return r;
  }
  return v;
}

function keptHeaders(
  raw: Record<string, unknown>,
  redact: (t: string) => string,
  extra: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...KEPT_HEADERS, ...extra.map((h) => h.toLowerCase())]) {
    const v = raw[name];
    if (v === undefined || v === null) continue;
    out[name] = redact(Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

/** Create the HTTP client. One per process (or per test), so limits and keep-alive sockets are shared. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const deadlineMs = options.deadlineMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const baseMs = options.backoffBaseMs ?? 1_000;
  const capMs = options.backoffCapMs ?? 15_000;
  const scale = options.retryDelayScale ?? 1;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const userAgent = options.userAgent ?? 'upwatch/0.1 (+https://github.com/upwatch)';
  const limiter = new HostLimiter(options.perHostLimit ?? 16);
  const perHost = options.perHostLimit ?? 16;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: perHost });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: perHost });
  const secretValues = new Set<string>();
  // Compiled once per set of secrets (the set only grows): redaction runs on every kept header of every response.
  let redactor = { size: -1, run: (t: string) => t };
  const redact = (t: string) => {
    if (redactor.size !== secretValues.size)
      redactor = { size: secretValues.size, run: compileRedactor(secretValues) };
    return redactor.run(t);
  };

  // A transport that adds a connect timeout: axios' own `timeout` is socket inactivity, not connect time.
  const transport = {
    request(opts: http.RequestOptions, cb: (res: http.IncomingMessage) => void): http.ClientRequest {
      const isHttps = opts.protocol === 'https:';
      const req = isHttps ? https.request(opts, cb) : http.request(opts, cb);
      req.on('socket', (socket: Socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => {
          req.destroy(Object.assign(new Error('connect timeout'), { code: 'ECONNECTTIMEOUT' }));
        }, connectTimeoutMs);
        timer.unref();
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      return req;
    },
  };

  function fail(
    code: ErrorCode,
    message: string,
    retryable: boolean,
    details: HttpErrorDetails,
    hint?: string,
  ): UpwatchError {
    return new UpwatchError(code, redact(message), {
      retryable,
      details: { ...details },
      ...(hint ? { hint } : {}),
    });
  }

  function readBody(stream: Readable, signal: AbortSignal, url: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      let done = false;
      const finish = (err: UpwatchError | undefined, body?: Buffer) => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        if (err) {
          stream.destroy();
          reject(err);
        } else resolve(body!);
      };
      const base = { url, attempts: 0, latencyMs: 0 };
      const onAbort = () =>
        finish(
          fail(
            'HTTP_TIMEOUT',
            `deadline of ${deadlineMs} ms passed while reading the body of ${url}`,
            true,
            base,
          ),
        );
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > maxBytes) {
          finish(fail('HTTP_TOO_LARGE', `body of ${url} exceeds the cap of ${maxBytes} bytes`, false, base));
        } else chunks.push(c);
      });
      stream.on('end', () => finish(undefined, Buffer.concat(chunks)));
      stream.on('error', () =>
        signal.aborted
          ? onAbort()
          : finish(
              fail('HTTP_CONNECT', `connection dropped while reading ${url} (truncated body)`, true, base),
            ),
      );
      // 'close' follows 'end' on every response: return before building (and redacting) an error nobody uses.
      stream.on('close', () =>
        done
          ? undefined
          : signal.aborted
            ? onAbort()
            : finish(
                fail(
                  'HTTP_CONNECT',
                  `connection closed before the end of ${url} (truncated body)`,
                  true,
                  base,
                ),
              ),
      );
    });
  }

  interface Attempt {
    status: number;
    rawHeaders: Record<string, unknown>;
    body: Buffer;
  }

  async function attemptOnce(
    url: string,
    headers: Record<string, string>,
    shownUrl: string,
    pollSignal: AbortSignal | undefined,
  ): Promise<Attempt> {
    const host = new URL(url).host;
    await limiter.acquire(host);
    const timeout = AbortSignal.timeout(deadlineMs);
    const signal = pollSignal ? AbortSignal.any([timeout, pollSignal]) : timeout;
    const base = { url: shownUrl, attempts: 0, latencyMs: 0 };
    try {
      let res: AxiosResponse<Readable>;
      try {
        res = await axios.request<Readable>({
          url,
          method: 'GET',
          headers: { 'user-agent': userAgent, 'accept-encoding': 'gzip, deflate', ...headers },
          responseType: 'stream',
          maxRedirects: 0,
          validateStatus: () => true,
          signal,
          proxy: false,
          httpAgent,
          httpsAgent,
          transport,
          decompress: true,
        });
      } catch (e) {
        const code = (e as { code?: string }).code;
        const causeCode = ((e as { cause?: { code?: string } }).cause ?? {}).code;
        if (signal.aborted || code === 'ERR_CANCELED') {
          throw fail('HTTP_TIMEOUT', `no response from ${shownUrl} within ${deadlineMs} ms`, true, base);
        }
        const c = causeCode ?? code ?? 'error';
        throw fail(
          'HTTP_CONNECT',
          `cannot reach ${shownUrl} (${c})`,
          true,
          base,
          'check the URL and that the host is reachable',
        );
      }
      const len = Number(res.headers['content-length']);
      if (Number.isFinite(len) && len > maxBytes) {
        res.data.destroy();
        throw fail(
          'HTTP_TOO_LARGE',
          `body of ${shownUrl} declares ${len} bytes, over the cap of ${maxBytes}`,
          false,
          base,
        );
      }
      const body = await readBody(res.data, signal, shownUrl);
      return { status: res.status, rawHeaders: res.headers, body };
    } finally {
      limiter.release(host);
    }
  }

  async function get(req: HttpRequest): Promise<HttpResponse> {
    for (const s of req.secrets ?? []) secretValues.add(s.reveal());
    // A templated URL is one Secret, but only its `${VAR}` values are secret: callers list them in `secrets`.
    // Without that list the whole URL is treated as secret (safe default, unreadable records).
    let url =
      req.secrets && req.secrets.length > 0 && req.url instanceof Secret
        ? req.url.reveal()
        : reveal(req.url, secretValues);
    if (req.relativeTo !== undefined) url = new URL(url, reveal(req.relativeTo, secretValues)).toString();
    if (req.query) {
      const u = new URL(url);
      for (const [k, v] of Object.entries(req.query)) u.searchParams.append(k, reveal(v, secretValues));
      url = u.toString();
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = reveal(v, secretValues);
    const shownUrl = redact(url);
    const host = new URL(url).host;
    const budget = req.budget;
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    let timeouts = 0;

    for (let attempt = 1; ; attempt++) {
      const refused = budgetRefusal(budget, attempt, host, shownUrl);
      if (refused) {
        Object.assign(refused.details, { attempts: attempt - 1, latencyMs: elapsed() });
        throw refused;
      }
      let a: Attempt;
      try {
        a = await attemptOnce(url, headers, shownUrl, budget?.signal);
      } catch (e) {
        let err =
          e instanceof UpwatchError
            ? e
            : fail('INTERNAL', `unexpected HTTP failure for ${shownUrl}`, false, {
                url: shownUrl,
                attempts: attempt,
                latencyMs: elapsed(),
              });
        // Cut by the poll's deadline rather than by its own: not a hang of the host, and not retried.
        if (budget?.signal.aborted && err.code === 'HTTP_TIMEOUT') err = budget.deadlineError(shownUrl);
        Object.assign(err.details, { attempts: attempt, latencyMs: elapsed() });
        if (err.code === 'HTTP_TIMEOUT') {
          timeouts++;
          budget?.noteHang(host);
        }
        // A request that hung is retried once at most, and none is once the poll's budget for its host is spent.
        const retry =
          err.retryable && attempt < maxAttempts && timeouts < 2 && !budget?.refuse(host, shownUrl);
        if (!retry) throw err;
        const wait = backoffMs(attempt, baseMs, capMs, random);
        logger.debug('http retry', { url: shownUrl, attempt, error: err.code, waitMs: Math.round(wait) });
        await sleep(wait * scale);
        continue;
      }
      const kept = keptHeaders(a.rawHeaders, redact, req.keepHeaders);
      const receivedAt = clock.now();
      const retryAfterMs = parseRetryAfter(kept['retry-after'], receivedAt);
      const details: HttpErrorDetails = {
        url: shownUrl,
        attempts: attempt,
        latencyMs: elapsed(),
        status: a.status,
        headers: kept,
      };
      if (a.status >= 300 && a.status < 400 && a.status !== 304) {
        throw fail(
          'HTTP_REDIRECT',
          `${shownUrl} answered ${a.status} (redirect); upwatch does not follow redirects`,
          false,
          details,
          'point the contract at the final URL',
        );
      }
      const text = a.body.toString('utf8');
      const res: HttpResponse = {
        status: a.status,
        url: shownUrl,
        headers: kept,
        text,
        attempts: attempt,
        latencyMs: elapsed(),
        receivedAt,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
      if ((req.expect ?? 'json') === 'json') {
        try {
          res.json = JSON.parse(text) as unknown;
        } catch {
          if (a.status >= 200 && a.status < 300) {
            const type = kept['content-type'] ?? 'no content-type';
            throw fail(
              'HTTP_MALFORMED',
              `${shownUrl} answered ${a.status} with a body that is not JSON (${type})`,
              false,
              details,
            );
          }
        }
      }
      const retry = RETRYABLE_STATUS(a.status) || (req.retryOn?.(res) ?? false);
      if (!retry || attempt >= maxAttempts) return res;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) return res;
      if (budget?.refuse(host, shownUrl)) return res;
      const wait = Math.max(retryAfterMs ?? 0, backoffMs(attempt, baseMs, capMs, random));
      logger.debug('http retry', { url: shownUrl, attempt, status: a.status, waitMs: Math.round(wait) });
      await sleep(wait * scale);
    }
  }

  return {
    get,
    redact,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * A short, non-reversible fingerprint of a secret (sha256, 12 hex digits), to key state such as pauses by it.
 *
 * @example
 * `meta-graph:${secretFingerprint(token)}` // 'meta-graph:3fa9c1d07b2e'
 */
export function secretFingerprint(secret: Secret): string {
  return createHash('sha256').update(secret.reveal()).digest('hex').slice(0, 12);
}

/** The stored form of a failed request's error. */
export function errorInfoOf(e: unknown, redact: (t: string) => string): UpstreamErrorInfo {
  if (e instanceof UpwatchError) {
    const status = e.details['status'];
    return {
      code: e.code,
      message: redact(e.message),
      ...(typeof status === 'number' ? { status } : {}),
      retryable: e.retryable,
    };
  }
  return { code: 'INTERNAL', message: redact(e instanceof Error ? e.message : String(e)), retryable: false };
}

/** A RequestRecord for a request that threw (timeout, cap, redirect, malformed…). */
export function failedRequestRecord(
  e: unknown,
  fallbackUrl: string,
  redact: (t: string) => string,
  extra: { metric?: string; entity?: string } = {},
): RequestRecord {
  const d = (e instanceof UpwatchError ? e.details : {}) as Partial<HttpErrorDetails>;
  return {
    method: 'GET',
    url: d.url ?? redact(fallbackUrl),
    ...(d.status === undefined ? {} : { status: d.status }),
    latencyMs: d.latencyMs ?? 0,
    attempts: d.attempts ?? 1,
    headers: d.headers ?? {},
    ...extra,
    error: errorInfoOf(e, redact),
  };
}

/** A RequestRecord for a response (any status). */
export function responseRecord(
  res: HttpResponse,
  extra: { metric?: string; entity?: string; error?: UpstreamErrorInfo } = {},
): RequestRecord {
  return {
    method: 'GET',
    url: res.url,
    status: res.status,
    latencyMs: res.latencyMs,
    attempts: res.attempts,
    headers: res.headers,
    ...extra,
  };
}
