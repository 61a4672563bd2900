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
import { parseRetryAfter } from '../core/retry-after.js';
import type { PollBudget } from './poll-budget.js';
import { compileRedactor } from './redact.js';
import type { SharedHostLimit } from '../core/host-limit.js';

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
  /**
   * A per-host limit shared with other processes (fleet workers on one PostgreSQL store), taken after this client's
   * own `perHostLimit`. Default none: the in-process limit alone.
   */
  sharedHostLimit?: SharedHostLimit;
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

/** `Retry-After` as a wait in ms (shared with the alert channels; see core/retry-after.ts). */
export { parseRetryAfter };

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

/** The client's settings, defaults applied. */
interface Settings {
  clock: Clock;
  logger: Logger;
  connectTimeoutMs: number;
  deadlineMs: number;
  maxBytes: number;
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  scale: number;
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  userAgent: string;
  perHostLimit: number;
}

function settingsOf(options: HttpClientOptions): Settings {
  return {
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    deadlineMs: options.deadlineMs ?? 30_000,
    maxBytes: options.maxBytes ?? 16 * 1024 * 1024,
    maxAttempts: Math.max(1, options.maxAttempts ?? 3),
    baseMs: options.backoffBaseMs ?? 1_000,
    capMs: options.backoffCapMs ?? 15_000,
    scale: options.retryDelayScale ?? 1,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    random: options.random ?? Math.random,
    userAgent: options.userAgent ?? 'upwatch/0.1 (+https://github.com/upwatch)',
    perHostLimit: options.perHostLimit ?? 16,
  };
}

/** Every secret value the client revealed, and a redactor for them compiled once per set (the set only grows). */
class SecretBook {
  readonly values = new Set<string>();
  #compiled = { size: -1, run: (t: string) => t };

  readonly redact = (text: string): string => {
    if (this.#compiled.size !== this.values.size)
      this.#compiled = { size: this.values.size, run: compileRedactor(this.values) };
    return this.#compiled.run(text);
  };

  reveal(v: string | Secret): string {
    if (!(v instanceof Secret)) return v;
    const r = v.reveal();
    this.values.add(r);
    return r;
  }
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

/** An HTTP failure as an UpwatchError, its message redacted. */
function httpError(
  redact: (t: string) => string,
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

/** A transport that adds a connect timeout: axios' own `timeout` is socket inactivity, not connect time. */
function connectTimeoutTransport(connectTimeoutMs: number) {
  return {
    request(opts: http.RequestOptions, cb: (res: http.IncomingMessage) => void): http.ClientRequest {
      const req = opts.protocol === 'https:' ? https.request(opts, cb) : http.request(opts, cb);
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
}

/**
 * Read a body while it streams: the attempt's deadline and the byte cap (counted on the inflated bytes) cut it, and
 * a connection that drops or closes before the end is a truncated body (retryable).
 */
function readBody(
  stream: Readable,
  signal: AbortSignal,
  url: string,
  s: Pick<Settings, 'deadlineMs' | 'maxBytes'>,
  redact: (t: string) => string,
): Promise<Buffer> {
  const base = { url, attempts: 0, latencyMs: 0 };
  const failWith = (code: ErrorCode, message: string, retryable: boolean) =>
    httpError(redact, code, message, retryable, base);
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
    const onAbort = () =>
      finish(
        failWith(
          'HTTP_TIMEOUT',
          `deadline of ${s.deadlineMs} ms passed while reading the body of ${url}`,
          true,
        ),
      );
    const truncated = (how: string) =>
      signal.aborted ? onAbort() : finish(failWith('HTTP_CONNECT', `${how} ${url} (truncated body)`, true));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > s.maxBytes)
        finish(failWith('HTTP_TOO_LARGE', `body of ${url} exceeds the cap of ${s.maxBytes} bytes`, false));
      else chunks.push(c);
    });
    stream.on('end', () => finish(undefined, Buffer.concat(chunks)));
    stream.on('error', () => truncated('connection dropped while reading'));
    // 'close' follows 'end' on every response: return before building (and redacting) an error nobody uses.
    stream.on('close', () => (done ? undefined : truncated('connection closed before the end of')));
  });
}

/** A request ready for the wire: secrets revealed (and remembered for redaction), the URL as shown in records. */
interface PreparedRequest {
  url: string;
  headers: Record<string, string>;
  shownUrl: string;
  host: string;
}

function prepareRequest(req: HttpRequest, secrets: SecretBook): PreparedRequest {
  for (const s of req.secrets ?? []) secrets.values.add(s.reveal());
  // A templated URL is one Secret, but only its `${VAR}` values are secret: callers list them in `secrets`.
  // Without that list the whole URL is treated as secret (safe default, unreadable records).
  let url =
    req.secrets && req.secrets.length > 0 && req.url instanceof Secret
      ? req.url.reveal()
      : secrets.reveal(req.url);
  if (req.relativeTo !== undefined) url = new URL(url, secrets.reveal(req.relativeTo)).toString();
  if (req.query) {
    const u = new URL(url);
    for (const [k, v] of Object.entries(req.query)) u.searchParams.append(k, secrets.reveal(v));
    url = u.toString();
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = secrets.reveal(v);
  return { url, headers, shownUrl: secrets.redact(url), host: new URL(url).host };
}

/** What one attempt brought back: any status, its raw headers and the whole body. */
interface Attempt {
  status: number;
  rawHeaders: Record<string, unknown>;
  body: Buffer;
}

/** The parts one client shares between its requests. */
interface Wire {
  s: Settings;
  secrets: SecretBook;
  limiter: HostLimiter;
  shared: SharedHostLimit | undefined;
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  transport: ReturnType<typeof connectTimeoutTransport>;
}

/** Why axios threw before a response: the attempt's or the poll's deadline, else the connection. */
function transportError(e: unknown, signal: AbortSignal, shownUrl: string, w: Wire): UpwatchError {
  const base = { url: shownUrl, attempts: 0, latencyMs: 0 };
  const code = (e as { code?: string }).code;
  const causeCode = ((e as { cause?: { code?: string } }).cause ?? {}).code;
  if (signal.aborted || code === 'ERR_CANCELED')
    return httpError(
      w.secrets.redact,
      'HTTP_TIMEOUT',
      `no response from ${shownUrl} within ${w.s.deadlineMs} ms`,
      true,
      base,
    );
  return httpError(
    w.secrets.redact,
    'HTTP_CONNECT',
    `cannot reach ${shownUrl} (${causeCode ?? code ?? 'error'})`,
    true,
    base,
    'check the URL and that the host is reachable',
  );
}

/**
 * One attempt under the host's concurrency limit and its own deadline (joined with the poll's): no redirects
 * followed, a declared length over the cap refused before reading, the body read under the cap.
 */
async function sendAttempt(
  w: Wire,
  p: PreparedRequest,
  pollSignal: AbortSignal | undefined,
): Promise<Attempt> {
  await acquireHost(w, p.host);
  const timeout = AbortSignal.timeout(w.s.deadlineMs);
  const signal = pollSignal ? AbortSignal.any([timeout, pollSignal]) : timeout;
  try {
    let res: AxiosResponse<Readable>;
    try {
      res = await axios.request<Readable>({
        url: p.url,
        method: 'GET',
        headers: { 'user-agent': w.s.userAgent, 'accept-encoding': 'gzip, deflate', ...p.headers },
        responseType: 'stream',
        maxRedirects: 0,
        validateStatus: () => true,
        signal,
        proxy: false,
        httpAgent: w.httpAgent,
        httpsAgent: w.httpsAgent,
        transport: w.transport,
        decompress: true,
      });
    } catch (e) {
      throw transportError(e, signal, p.shownUrl, w);
    }
    const len = Number(res.headers['content-length']);
    if (Number.isFinite(len) && len > w.s.maxBytes) {
      res.data.destroy();
      throw httpError(
        w.secrets.redact,
        'HTTP_TOO_LARGE',
        `body of ${p.shownUrl} declares ${len} bytes, over the cap of ${w.s.maxBytes}`,
        false,
        { url: p.shownUrl, attempts: 0, latencyMs: 0 },
      );
    }
    const body = await readBody(res.data, signal, p.shownUrl, w.s, w.secrets.redact);
    return { status: res.status, rawHeaders: res.headers, body };
  } finally {
    w.shared?.release(p.host);
    w.limiter.release(p.host);
  }
}

/** A slot of the host: this client's own, then the one shared with other processes (if any). */
async function acquireHost(w: Wire, host: string): Promise<void> {
  await w.limiter.acquire(host);
  try {
    await w.shared?.acquire(host);
  } catch (e) {
    w.limiter.release(host);
    throw e;
  }
}

/**
 * A failed attempt as the error the caller sees, with the attempts and time so far. A timeout cut by the poll's
 * deadline rather than its own is the poll's deadline (not a hang of the host, not retried); a hang is noted.
 */
function attemptFailure(
  e: unknown,
  w: Wire,
  p: PreparedRequest,
  budget: PollBudget | undefined,
  attempts: number,
  latencyMs: number,
): UpwatchError {
  let err =
    e instanceof UpwatchError
      ? e
      : httpError(w.secrets.redact, 'INTERNAL', `unexpected HTTP failure for ${p.shownUrl}`, false, {
          url: p.shownUrl,
          attempts,
          latencyMs,
        });
  if (budget?.signal.aborted && err.code === 'HTTP_TIMEOUT') err = budget.deadlineError(p.shownUrl);
  Object.assign(err.details, { attempts, latencyMs });
  if (err.code === 'HTTP_TIMEOUT') budget?.noteHang(p.host);
  return err;
}

/**
 * An attempt's answer as a response: kept headers redacted, `Retry-After` read against the client's clock. A
 * redirect is refused (upwatch never follows one, to this host or another), and a 2xx that is not JSON when JSON
 * was expected is malformed.
 */
function toResponse(
  a: Attempt,
  req: HttpRequest,
  p: PreparedRequest,
  w: Wire,
  attempts: number,
  latencyMs: number,
): HttpResponse {
  const headers = keptHeaders(a.rawHeaders, w.secrets.redact, req.keepHeaders);
  const receivedAt = w.s.clock.now();
  const retryAfterMs = parseRetryAfter(headers['retry-after'], receivedAt);
  const details: HttpErrorDetails = { url: p.shownUrl, attempts, latencyMs, status: a.status, headers };
  if (a.status >= 300 && a.status < 400 && a.status !== 304) {
    throw httpError(
      w.secrets.redact,
      'HTTP_REDIRECT',
      `${p.shownUrl} answered ${a.status} (redirect); upwatch does not follow redirects`,
      false,
      details,
      'point the contract at the final URL',
    );
  }
  const text = a.body.toString('utf8');
  const res: HttpResponse = {
    status: a.status,
    url: p.shownUrl,
    headers,
    text,
    attempts,
    latencyMs,
    receivedAt,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  if ((req.expect ?? 'json') !== 'json') return res;
  try {
    res.json = JSON.parse(text) as unknown;
  } catch {
    if (a.status >= 200 && a.status < 300) {
      const type = headers['content-type'] ?? 'no content-type';
      throw httpError(
        w.secrets.redact,
        'HTTP_MALFORMED',
        `${p.shownUrl} answered ${a.status} with a body that is not JSON (${type})`,
        false,
        details,
      );
    }
  }
  return res;
}

/**
 * The wait before retrying a response, or undefined to return it: only 408, 429, 5xx and what `retryOn` names are
 * retried, while attempts are left, when a `Retry-After` is within `maxRetryAfterMs` (a longer one is returned so
 * the caller can pause), and while the poll's budget for the host lasts. The wait is the longer of `Retry-After`
 * and the backoff.
 */
function responseRetryWait(
  res: HttpResponse,
  req: HttpRequest,
  p: PreparedRequest,
  s: Settings,
  attempt: number,
): number | undefined {
  const retry = RETRYABLE_STATUS(res.status) || (req.retryOn?.(res) ?? false);
  if (!retry || attempt >= s.maxAttempts) return undefined;
  if (res.retryAfterMs !== undefined && res.retryAfterMs > s.maxRetryAfterMs) return undefined;
  if (req.budget?.refuse(p.host, p.shownUrl)) return undefined;
  return Math.max(res.retryAfterMs ?? 0, backoffMs(attempt, s.baseMs, s.capMs, s.random));
}

/** Create the HTTP client. One per process (or per test), so limits and keep-alive sockets are shared. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const s = settingsOf(options);
  const secrets = new SecretBook();
  const w: Wire = {
    s,
    secrets,
    limiter: new HostLimiter(s.perHostLimit),
    shared: options.sharedHostLimit,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: s.perHostLimit }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: s.perHostLimit }),
    transport: connectTimeoutTransport(s.connectTimeoutMs),
  };

  async function get(req: HttpRequest): Promise<HttpResponse> {
    const p = prepareRequest(req, secrets);
    const budget = req.budget;
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    let timeouts = 0;
    for (let attempt = 1; ; attempt++) {
      const refused = budgetRefusal(budget, attempt, p.host, p.shownUrl);
      if (refused) {
        Object.assign(refused.details, { attempts: attempt - 1, latencyMs: elapsed() });
        throw refused;
      }
      let a: Attempt;
      try {
        a = await sendAttempt(w, p, budget?.signal);
      } catch (e) {
        const err = attemptFailure(e, w, p, budget, attempt, elapsed());
        if (err.code === 'HTTP_TIMEOUT') timeouts++;
        // A request that hung is retried once at most, and none is once the poll's budget for its host is spent.
        const retry =
          err.retryable && attempt < s.maxAttempts && timeouts < 2 && !budget?.refuse(p.host, p.shownUrl);
        if (!retry) throw err;
        const wait = backoffMs(attempt, s.baseMs, s.capMs, s.random);
        s.logger.debug('http retry', { url: p.shownUrl, attempt, error: err.code, waitMs: Math.round(wait) });
        await s.sleep(wait * s.scale);
        continue;
      }
      const res = toResponse(a, req, p, w, attempt, elapsed());
      const wait = responseRetryWait(res, req, p, s, attempt);
      if (wait === undefined) return res;
      s.logger.debug('http retry', {
        url: p.shownUrl,
        attempt,
        status: res.status,
        waitMs: Math.round(wait),
      });
      await s.sleep(wait * s.scale);
    }
  }

  return {
    get,
    redact: secrets.redact,
    close() {
      w.httpAgent.destroy();
      w.httpsAgent.destroy();
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
