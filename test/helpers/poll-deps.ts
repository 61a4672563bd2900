// PollDeps for tests: a real store and HTTP client, a manual clock, no real waiting between retries.
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { createHttpClient, type HttpClientOptions } from '../../src/providers/http.js';
import type { PollDeps } from '../../src/pipeline/poll-source.js';
import { openStore, type Store } from '../../src/store/store.js';

export interface TestDeps extends PollDeps {
  clock: ManualClock;
  logger: MemoryLogger;
  /** Delays the HTTP client asked to sleep (it never really sleeps). */
  waits: number[];
}

/**
 * Build deps around a store (default `:memory:`).
 *
 * @example
 * const deps = testDeps({ env: { META_TOKEN: 'tok' } }); await pollSource(deps, source);
 */
export function testDeps(
  options: {
    env?: Record<string, string>;
    store?: Store;
    now?: string;
    http?: Partial<HttpClientOptions>;
  } = {},
): TestDeps {
  const clock = new ManualClock(options.now ?? '2026-03-14T10:00:00Z');
  const logger = new MemoryLogger();
  const waits: number[] = [];
  const http = createHttpClient({
    clock,
    logger,
    deadlineMs: 600,
    maxBytes: 2 * 1024 * 1024,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options.http,
  });
  const env = options.env ?? {};
  return {
    store: options.store ?? openStore(':memory:'),
    http,
    secrets: (n) => env[n],
    clock,
    logger,
    waits,
  };
}
