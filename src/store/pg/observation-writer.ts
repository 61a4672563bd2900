// Writing one poll's observations into the PostgreSQL store: duplicates folded into one row per key, then a
// multi-row upsert (small polls) or COPY into a staging table and one upsert from it (large polls).
import type { RawObservation } from '../../core/observation.js';
import { compareObservationKeys, dayOf } from '../rows.js';
import type { PgConnection } from './connection.js';

/** From this many rows on, a poll's observations go through COPY and a staging table instead of `unnest`. */
export const COPY_MIN_ROWS = 1000;

/** Rows per chunk written to the COPY stream (about 100 kB of text). */
const COPY_CHUNK_ROWS = 1000;

/** One key's row: the first duplicate of the key gives `firstValue`, the last everything else. */
export interface ObservationRow {
  readonly first: RawObservation;
  readonly last: RawObservation;
}

/**
 * The observations of one poll as one row per key, in key order. Duplicates of a key within one poll behave as the
 * SQLite store's successive upserts: the first gives firstValue, the last gives value, type, breakdown and day.
 *
 * @example
 * observationRows([a, b, a2]).length // 2 when a2 has a's key; that row's first is a, its last a2
 */
export function observationRows(obs: readonly RawObservation[]): ObservationRow[] {
  // A stable sort keeps duplicates of a key in the order the poll gave them: each run of equal keys is one row.
  const sorted = [...obs].sort(compareObservationKeys);
  const rows: { first: RawObservation; last: RawObservation }[] = [];
  let run: { first: RawObservation; last: RawObservation } | undefined;
  for (const o of sorted) {
    if (run && compareObservationKeys(run.first, o) === 0) run.last = o;
    else rows.push((run = { first: o, last: o }));
  }
  return rows;
}

/** The columns a poll writes, in the order of the staging table and of the `unnest` arrays. */
const COLUMNS = 'source, metric, entity, period_end, day, value, first_value, json_type, breakdown';

/** What a key already stored keeps (first value, first seen, first poll) and what a new poll moves. */
const ON_CONFLICT = `ON CONFLICT (source, metric, period_end, entity) DO UPDATE SET
  value = excluded.value, json_type = excluded.json_type, breakdown = excluded.breakdown,
  day = excluded.day, last_seen = excluded.last_seen, last_poll_id = excluded.last_poll_id`;

function fields(
  r: ObservationRow,
): [string, string, string, string, string, number | null, number | null, string, string | null] {
  return [
    r.first.source,
    r.first.metric,
    r.first.entity,
    r.first.periodEnd,
    r.last.day ?? dayOf(r.last.periodEnd),
    r.last.value,
    r.first.value,
    r.last.jsonType,
    r.last.breakdown ? JSON.stringify(r.last.breakdown) : null,
  ];
}

/** A text value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : s;
}

/** A number in COPY's text format (`NaN`, `Infinity` and `-Infinity` are float8 literals); null is `\N`. */
function copyNumber(n: number | null): string {
  return n === null ? '\\N' : String(n);
}

/** The rows as COPY text, `COPY_CHUNK_ROWS` lines a chunk, produced as the stream asks for them. */
function* copyChunks(rows: readonly ObservationRow[]): Generator<string> {
  for (let start = 0; start < rows.length; start += COPY_CHUNK_ROWS) {
    let chunk = '';
    for (const r of rows.slice(start, start + COPY_CHUNK_ROWS)) {
      const [source, metric, entity, periodEnd, day, value, firstValue, jsonType, breakdown] = fields(r);
      chunk += `${copyText(source)}\t${copyText(metric)}\t${copyText(entity)}\t${copyText(periodEnd)}\t${copyText(day)}\t${copyNumber(value)}\t${copyNumber(firstValue)}\t${copyText(jsonType)}\t${breakdown === null ? '\\N' : copyText(breakdown)}\n`;
    }
    yield chunk;
  }
}

/**
 * Large polls: COPY into a staging table, then one upsert from it. The table is created and dropped inside the
 * poll's transaction (or savepoint, when the poll runs inside a caller's transaction): a rollback takes it away with
 * the rest, and a second poll in the same outer transaction creates its own.
 */
async function copyUpsert(conn: PgConnection, rows: readonly ObservationRow[], seen: string, pollId: number) {
  await conn.query(
    `CREATE TEMPORARY TABLE upwatch_observations_stage (
       source text, metric text, entity text, period_end text, day text, value float8, first_value float8,
       json_type text, breakdown text) ON COMMIT DROP`,
  );
  await conn.copyFrom(`COPY upwatch_observations_stage (${COLUMNS}) FROM STDIN`, copyChunks(rows));
  await conn.query(
    `INSERT INTO observations (${COLUMNS}, first_seen, last_seen, first_poll_id, last_poll_id)
     SELECT ${COLUMNS}, $1, $1, $2, $2 FROM upwatch_observations_stage
     ${ON_CONFLICT}`,
    [seen, pollId],
  );
  await conn.query('DROP TABLE upwatch_observations_stage');
}

/** Small polls: one multi-row upsert with a parameter array per column. */
async function unnestUpsert(
  conn: PgConnection,
  rows: readonly ObservationRow[],
  seen: string,
  pollId: number,
) {
  const columns = rows.map(fields);
  await conn.query(
    `INSERT INTO observations (${COLUMNS}, first_seen, last_seen, first_poll_id, last_poll_id)
     SELECT ${COLUMNS}, $10, $10, $11, $11
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[],
                   $8::text[], $9::text[]) AS o (${COLUMNS})
     ${ON_CONFLICT}`,
    [...Array.from({ length: 9 }, (_, i) => columns.map((c) => c[i])), seen, pollId],
  );
}

/**
 * Upsert one poll's observations inside the caller's transaction: keys not stored yet are inserted with this poll as
 * their first and last; stored keys keep their first value, first seen and first poll, and take the new value, type,
 * breakdown, day, last seen and last poll. Runs inside `conn.transaction`; a failure fails the whole poll.
 *
 * @example
 * await conn.transaction(async () => { const id = await insertPoll(); await writeObservations(conn, obs, at, id); });
 */
export async function writeObservations(
  conn: PgConnection,
  observations: readonly RawObservation[],
  seen: string,
  pollId: number,
): Promise<void> {
  const rows = observationRows(observations);
  if (rows.length === 0) return;
  await (rows.length >= COPY_MIN_ROWS ? copyUpsert : unnestUpsert)(conn, rows, seen, pollId);
}
