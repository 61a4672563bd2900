// The provider interface: one upstream kind (Meta Graph, generic JSON API) turning a source contract into a FetchResult.
import type { SourceContract } from '../core/contract.js';
import type { Logger } from '../core/logger.js';
import type { FetchResult } from '../core/observation.js';
import type { SecretLookup } from '../core/secret.js';
import type { PauseBook } from '../store/pauses.js';
import type { Async } from '../store/ports.js';

/** The pause book of the store, as a provider reads and writes it during a poll. */
export type PausePort = Async<PauseBook>;
import type { HttpClient } from './http.js';

/** Progress of one source fetch: requests done out of planned. */
export interface FetchProgress {
  source: string;
  done: number;
  total: number;
  metric?: string;
  entity?: string;
}

/** Everything a provider may use. Providers never read the clock, env or files themselves. */
export interface ProviderContext {
  http: HttpClient;
  /** Looks up `${VAR}` references at poll time. */
  secrets: SecretLookup;
  now: Date;
  logger: Logger;
  /** Called after each request. */
  progress: (p: FetchProgress) => void;
  /** Principal pauses (throttling), persisted in the store. */
  pauses: PausePort;
  /** Requests in flight per source fetch (the HTTP per-host limit still applies). Default 8. */
  concurrency?: number;
}

/**
 * A provider. `fetch` returns what it saw, failed requests included (as RequestRecords and `error` outcomes);
 * it throws an UpwatchError only when it could not try at all (unset secret, paused principal).
 *
 * @example
 * const result = await metaGraphProvider.fetch(source, ctx);
 */
export interface Provider {
  name: string;
  fetch(source: SourceContract, ctx: ProviderContext): Promise<FetchResult>;
}
