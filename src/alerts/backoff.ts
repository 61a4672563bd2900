// The mail relay's backoff: the shared full-jitter formula (src/core/backoff.ts), n = the attempts a row has had.
export { fullJitterMs } from '../core/backoff.js';
