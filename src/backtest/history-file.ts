// Reading a history export line by line: CSV (`date,source,metric,entity,value`, optional `segment`, `category`) or
// JSON Lines, with line numbers.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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

function checkRow(r: Record<string, unknown>): { row?: HistoryRow; problem?: string } {
  const date = typeof r['date'] === 'string' ? r['date'].trim() : '';
  if (
    !DAY.test(date) ||
    Number.isNaN(Date.parse(`${date}T00:00:00Z`)) ||
    new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
  )
    return { problem: `date must be an ISO day like 2026-03-14 (got ${JSON.stringify(r['date'] ?? '')})` };
  const text = (k: string) => {
    const v = r[k];
    return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
  };
  const entity = text('entity');
  const segment = text('segment');
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
  const category = text('category');
  return {
    row: {
      date,
      source: String(r['source']).trim(),
      metric: String(r['metric']).trim(),
      entity: entity || segment,
      value,
      ...(category !== '' ? { category } : {}),
    },
  };
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
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const problems: string[] = [];
  let format: 'csv' | 'jsonl' | undefined;
  let columns: number[] = [];
  let lineNo = 0;
  let rows = 0;
  for await (const raw of lines) {
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
        const missing = HISTORY_COLUMNS.filter((c, i) => columns[i]! < 0 && !(c === 'entity' && hasSegment));
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
        if (problems.length >= MAX_REPORTED) break;
        continue;
      }
    } else {
      const cells = splitCsvLine(line);
      record = {};
      [...HISTORY_COLUMNS, ...OPTIONAL_HISTORY_COLUMNS].forEach((c, i) => {
        if (columns[i]! >= 0) record[c] = cells[columns[i]!];
      });
    }
    const { row, problem } = checkRow(record);
    if (problem) {
      problems.push(`${path}:${lineNo}: ${problem}`);
      if (problems.length >= MAX_REPORTED) break;
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
