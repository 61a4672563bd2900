// The part of pg-copy-streams (a CommonJS package without types of its own) the store uses: COPY … FROM STDIN.
declare module 'pg-copy-streams' {
  import type { Writable } from 'node:stream';
  import type { Submittable } from 'pg';

  /** A writable stream that is also a query: hand it to `client.query`, write the rows, end it. */
  export interface CopyStreamQuery extends Writable, Submittable {
    /** Rows the server copied, known once the stream has finished. */
    rowCount: number;
  }

  /** A `COPY … FROM STDIN` statement as a writable stream. */
  export function from(text: string): CopyStreamQuery;
}
