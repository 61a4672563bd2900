// What one poll may still spend on its upstreams: an overall deadline, and a count of requests that hung per host.
import { UpwatchError } from '../core/errors.js';

/** Default overall deadline of one poll of one source (5 min): a hanging upstream costs at most this. */
export const DEFAULT_POLL_DEADLINE_MS = 5 * 60_000;
/** Default requests to one host that may hang (time out) in a poll before its other requests are not started. */
export const DEFAULT_HUNG_REQUESTS_PER_HOST = 3;

/**
 * One poll's budget, shared by its requests. `signal` aborts at the deadline; `refuse` says why a request must not
 * start (the deadline passed, or enough requests to its host hung already); `noteHang` counts a timed-out attempt.
 *
 * @example
 * const budget = createPollBudget({ deadlineMs: 300_000, hungPerHost: 3 });
 * try { await http.get({ url, budget }); } finally { budget.dispose(); }
 */
export interface PollBudget {
  readonly signal: AbortSignal;
  readonly deadlineMs: number;
  /** The error to throw instead of starting a request to `host`, or undefined when it may start. */
  refuse(host: string, url: string): UpwatchError | undefined;
  /** The error for a request cut by the poll's deadline while it was waiting. */
  deadlineError(url: string): UpwatchError;
  /** Count a timed-out attempt to `host`. */
  noteHang(host: string): void;
  /** Stop the deadline timer. */
  dispose(): void;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Create a poll's budget; the deadline timer starts now and never keeps the process alive. */
export function createPollBudget(options: { deadlineMs: number; hungPerHost: number }): PollBudget {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.deadlineMs);
  timer.unref();
  const hung = new Map<string, number>();
  const deadline = (message: string, url: string) =>
    new UpwatchError('POLL_DEADLINE', message, {
      retryable: false,
      details: { url, attempts: 0, latencyMs: 0 },
      hint: 'the next poll tries again; raise pollDeadline (UPWATCH_POLL_DEADLINE) if the upstream is merely slow',
    });
  return {
    signal: controller.signal,
    deadlineMs: options.deadlineMs,
    refuse(host, url) {
      if (controller.signal.aborted)
        return deadline(`not requested: the poll's deadline of ${seconds(options.deadlineMs)} passed`, url);
      const n = hung.get(host) ?? 0;
      if (n >= options.hungPerHost)
        return deadline(
          `not requested: ${n} requests to ${host} hung in this poll (its other requests are not started)`,
          url,
        );
      return undefined;
    },
    deadlineError(url) {
      return deadline(
        `the poll's deadline of ${seconds(options.deadlineMs)} passed while waiting for ${url}`,
        url,
      );
    },
    noteHang(host) {
      hung.set(host, (hung.get(host) ?? 0) + 1);
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}
