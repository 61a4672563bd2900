// The providers upwatch knows, by contract `provider` name.
import type { ProviderName } from '../core/contract.js';
import { httpJsonProvider } from './http-json.js';
import { metaGraphProvider } from './meta-graph.js';
import type { Provider } from './provider.js';

/**
 * Every provider that fetches, keyed by the name a contract's `provider` field uses (`push` sources are never
 * fetched: `upwatch ingest` feeds them).
 *
 * @example
 * PROVIDERS_BY_NAME['meta-graph'].fetch(source, ctx)
 */
export const PROVIDERS_BY_NAME: Readonly<Record<Exclude<ProviderName, 'push'>, Provider>> = {
  'meta-graph': metaGraphProvider,
  'http-json': httpJsonProvider,
};
