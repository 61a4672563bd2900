// Output to a pipe the reader closed (`upwatch status | head -1`): stop writing quietly instead of crashing.
import type { Writable } from 'node:stream';

/** Errors that mean "nobody reads this stream any more". */
const CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Make `stream`'s closed-pipe errors quiet: once the reader is gone, further output is dropped and the command runs
 * to its end with its own exit code (0 for `status`), like `git log | head`. Any other stream error is rethrown, as
 * an unhandled 'error' event would be.
 *
 * @example
 * endQuietlyOnClosedPipe(process.stdout);
 * process.stdout.write('…'); // an EPIPE from here on is dropped
 */
export function endQuietlyOnClosedPipe(stream: Writable): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== undefined && CLOSED.has(e.code)) return;
    throw e;
  });
}
