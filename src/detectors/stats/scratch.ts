// Scratch buffers the statistics reuse from call to call: grown when a call needs more, never shrunk.

/**
 * `buf` when it holds at least `n` values, else a new buffer of at least `n` and at least twice the old size (so a
 * series of growing requests reallocates a few times, not every time). The contents are not copied.
 *
 * @example
 * scratch = room(scratch, values.length); // then write scratch[0..values.length)
 */
export function room(buf: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, 2 * buf.length));
}
