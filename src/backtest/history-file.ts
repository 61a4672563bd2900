// Reading a history export line by line: CSV (`date,source,metric,entity,value`, optional `segment`, `category`) or
// JSON Lines, with line numbers.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { UpwatchError } from '../core/errors.js';

/** One row of a history file. `value` is null for an empty / `null` value. */
export interface HistoryRow {
  date: string;
  source: string;
  metric: string;
  entity: string;
  value: number | null;
  /** Category of a `categorical` metric's count (the optional `category` column); `upwatch ingest` reads it. */
  category?: string;
}

/** The columns every history file has (`segment` may stand for `entity`). */
export const HISTORY_COLUMNS = ['date', 'source', 'metric', 'entity', 'value'] as const;

/**
 * Optional columns: `segment` names the entity of a segmented metric (a risk band, a country) and may replace
 * `entity`; `category` carries the category of a `categorical` metric's count.
 */
export const OPTIONAL_HISTORY_COLUMNS = ['segment', 'category'] as const;

/** Rows with a problem stop the read after this many are collected, so the user sees several at once. */
const MAX_REPORTED = 10;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Split one CSV line (RFC 4180 quotes, no embedded newlines). */
export function splitCsvLine(line: string): string[] {
  // Most lines have no quotes: the native split is several times faster than the loop below.
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function parseValue(raw: unknown): number | null | undefined {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const t = raw.trim();
  if (t === '' || t.toLowerCase() === 'null') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** Days already judged (a history has a few hundred distinct days and millions of rows); bounded against odd files. */
const judgedDays = new Map<string, boolean>();
const JUDGED_DAYS_MAX = 100_000;

/** True for an ISO day that exists on the calendar (2026-02-30 does not). */
function isIsoDay(date: string): boolean {
  const known = judgedDays.get(date);
  if (known !== undefined) return known;
  const ok =
    DAY.test(date) &&
    !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) &&
    new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;
  if (judgedDays.size < JUDGED_DAYS_MAX) judgedDays.set(date, ok);
  return ok;
}

/** A field as trimmed text ('' when absent or neither text nor a number). */
function textOf(r: Record<string, unknown>, k: string): string {
  const v = r[k];
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v).trim() : '';
}

function checkRow(r: Record<string, unknown>): { row?: HistoryRow; problem?: string } {
  const date = typeof r['date'] === 'string' ? r['date'].trim() : '';
  if (!isIsoDay(date))
    return { problem: `date must be an ISO day like 2026-03-14 (got ${JSON.stringify(r['date'] ?? '')})` };
  const entity = textOf(r, 'entity');
  const segment = textOf(r, 'segment');
  if (entity !== '' && segment !== '' && entity !== segment)
    return {
      problem: `entity "${entity}" and segment "${segment}" disagree: a segment is the entity of a segmented metric, give one`,
    };
  for (const k of ['source', 'metric'] as const) {
    const v = r[k];
    if (typeof v !== 'string' && typeof v !== 'number') return { problem: `${k} is missing` };
    if (String(v).trim() === '') return { problem: `${k} is empty` };
  }
  if (entity === '' && segment === '')
    return {
      problem:
        r['entity'] === undefined && r['segment'] === undefined ? 'entity is missing' : 'entity is empty',
    };
  const value = parseValue(r['value']);
  if (value === undefined)
    return { problem: `value must be a number or empty (got ${JSON.stringify(r['value'])})` };
  const category = textOf(r, 'category');
  const row: HistoryRow = {
    date,
    source: String(r['source']).trim(),
    metric: String(r['metric']).trim(),
    entity: entity || segment,
    value,
  };
  // Added after the literal: a literal with a conditional spread is built key by key, about a microsecond a row.
  if (category !== '') row.category = category;
  return { row };
}

/** A line ends at \n, \r\n or a lone \r (as node:readline reads it with `crlfDelay: Infinity`). */
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * The lines of a text stream, a chunk's worth at a time (a line split across chunks is joined; a \r\n split across
 * them is one break). Line for line what node:readline gives, without a promise per line.
 *
 * @example
 * for await (const lines of lineBatches(stream)) for (const line of lines) handle(line);
 */
export async function* lineBatches(stream: AsyncIterable<string>): AsyncGenerator<string[]> {
  let rest = '';
  let skipLf = false;
  for await (const chunk of stream) {
    let text = chunk;
    if (skipLf && text.length > 0) {
      skipLf = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    text = rest + text;
    const lines = text.split(LINE_BREAK);
    rest = lines.pop()!;
    // A chunk ending in \r ended its line; a \n opening the next chunk belongs to the same break.
    if (rest === '' && text.endsWith('\r')) skipLf = true;
    if (lines.length > 0) yield lines;
  }
  if (rest !== '') yield [rest];
}

/**
 * Stream the rows of a history file to `onRow`, never holding the file in memory. The format is read from the first
 * non-empty line: `{` starts JSON Lines, anything else is a CSV header that must name the five columns.
 * Throws UpwatchError HISTORY_INVALID listing up to 10 bad rows as `file:line: problem`.
 *
 * @example
 * await readHistoryFile('export.csv', (row) => store.add(row));
 */
export async function readHistoryFile(
  path: string,
  onRow: (row: HistoryRow, line: number) => void,
): Promise<{ rows: number; format: 'csv' | 'jsonl' }> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (e) {
    throw new UpwatchError('HISTORY_INVALID', `cannot read history file ${path}`, {
      cause: e,
      hint: 'check the path; the file must be CSV (date,source,metric,entity,value) or JSON Lines',
    });
  }
  return readHistory(stream, path, onRow);
}

/**
 * Stream the rows of an already open history input (a file stream, or standard input for `upwatch ingest -`) to
 * `onRow`; `label` names it in messages. Same format and errors as readHistoryFile; the input is destroyed after.
 *
 * @example
 * await readHistory(process.stdin, '<stdin>', (row, line) => rows.push({ ...row, line }));
 */
// eslint-disable-next-line max-lines-per-function -- one streaming parse: format sniffing, CSV header or JSON Lines, row checks and line-numbered errors share the reader's state
export async function readHistory(
  stream: Readable,
  path: string,
  onRow: (row: HistoryRow, line: number) => void,
): Promise<{ rows: number; format: 'csv' | 'jsonl' }> {
  stream.setEncoding('utf8');
  const problems: string[] = [];
  let format: 'csv' | 'jsonl' | undefined;
  let columns: number[] = [];
  /** CSV: the record's fields and the cell each is read from. */
  let fields: { name: string; cell: number }[] = [];
  let lineNo = 0;
  let rows = 0;
  reading: for await (const batch of lineBatches(stream))
    for (const raw of batch) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      if (format === undefined) {
        if (line.trimStart().startsWith('{')) format = 'jsonl';
        else {
          format = 'csv';
          const header = splitCsvLine(line).map((h) => h.trim().toLowerCase());
          columns = [...HISTORY_COLUMNS, ...OPTIONAL_HISTORY_COLUMNS].map((c) => header.indexOf(c));
          const hasSegment = header.includes('segment');
          const missing = HISTORY_COLUMNS.filter(
            (c, i) => columns[i]! < 0 && !(c === 'entity' && hasSegment),
          );
          if (missing.length > 0) {
            stream.destroy();
            throw new UpwatchError(
              'HISTORY_INVALID',
              `${path}:1: CSV header lacks ${missing.join(', ')} (got "${line}")`,
              {
                hint: 'the first line must be the header date,source,metric,entity,value (segment may replace entity; category is optional)',
              },
            );
          }
          fields = [...HISTORY_COLUMNS, ...OPTIONAL_HISTORY_COLUMNS]
            .map((name, i) => ({ name, cell: columns[i]! }))
            .filter((f) => f.cell >= 0);
          continue;
        }
      }
      let record: Record<string, unknown>;
      if (format === 'jsonl') {
        try {
          const parsed: unknown = JSON.parse(line);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('not an object');
          record = parsed as Record<string, unknown>;
        } catch {
          problems.push(`${path}:${lineNo}: not a JSON object`);
          if (problems.length >= MAX_REPORTED) break reading;
          continue;
        }
      } else {
        const cells = splitCsvLine(line);
        record = {};
        for (const f of fields) record[f.name] = cells[f.cell];
      }
      const { row, problem } = checkRow(record);
      if (problem) {
        problems.push(`${path}:${lineNo}: ${problem}`);
        if (problems.length >= MAX_REPORTED) break reading;
        continue;
      }
      rows++;
      onRow(row!, lineNo);
    }
  stream.destroy();
  if (problems.length > 0) {
    throw new UpwatchError(
      'HISTORY_INVALID',
      `${problems.length >= MAX_REPORTED ? 'at least ' : ''}${problems.length} bad row${problems.length === 1 ? '' : 's'} in ${path}:\n  ${problems.join('\n  ')}`,
      {
        hint: 'each row needs an ISO day, a source, a metric, an entity and a number (or an empty value for null)',
      },
    );
  }
  if (format === undefined)
    throw new UpwatchError('HISTORY_INVALID', `${path} is empty`, {
      hint: 'export at least a header and one row',
    });
  return { rows, format };
}
