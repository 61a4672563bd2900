import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { lineBatches, readHistory, readHistoryFile, splitCsvLine, type HistoryRow } from './history-file.js';
import { HistorySet } from './history-set.js';
import { replayHistory } from './replay.js';

function file(text: string, name = 'h.csv'): string {
  const p = join(mkdtempSync(join(tmpdir(), 'upwatch-hist-')), name);
  writeFileSync(p, text);
  return p;
}

async function rows(text: string, name?: string): Promise<HistoryRow[]> {
  const out: HistoryRow[] = [];
  await readHistoryFile(file(text, name), (r) => out.push(r));
  return out;
}

describe('readHistoryFile', () => {
  it('refuses a row whose entity and segment disagree, naming its line', async () => {
    await expect(
      rows('date,source,metric,entity,segment,value\n2026-01-01,s,m,low,high,1\n'),
    ).rejects.toThrow(/h\.csv:2: entity "low" and segment "high" disagree/);
  });

  it.each([
    {
      name: 'CSV in any column order, quoted fields, empty and null values, CRLF and a BOM',
      text: '\uFEFFvalue,entity,metric,source,date\r\n12,"page ""a""",m,s,2026-01-01\r\n,p,m,s,2026-01-02\r\nnull,p,m,s,2026-01-03\r\n',
      want: [
        { date: '2026-01-01', source: 's', metric: 'm', entity: 'page "a"', value: 12 },
        { date: '2026-01-02', source: 's', metric: 'm', entity: 'p', value: null },
        { date: '2026-01-03', source: 's', metric: 'm', entity: 'p', value: null },
      ],
    },
    {
      name: 'JSON Lines with numeric entities and blank lines',
      text: '{"date":"2026-01-01","source":"s","metric":"m","entity":7,"value":1.5}\n\n{"date":"2026-01-02","source":"s","metric":"m","entity":"7","value":null}\n',
      want: [
        { date: '2026-01-01', source: 's', metric: 'm', entity: '7', value: 1.5 },
        { date: '2026-01-02', source: 's', metric: 'm', entity: '7', value: null },
      ],
    },
    {
      name: 'a segment column in place of entity, and a category column',
      text: 'date,source,metric,segment,category,value\n2026-01-01,s,intent,low,video,4\n2026-01-01,s,claims,low,,2\n',
      want: [
        { date: '2026-01-01', source: 's', metric: 'intent', entity: 'low', value: 4, category: 'video' },
        { date: '2026-01-01', source: 's', metric: 'claims', entity: 'low', value: 2 },
      ],
    },
    {
      name: 'JSON Lines with a segment and a category',
      text: '{"date":"2026-01-01","source":"s","metric":"m","segment":"FR","category":"other","value":3}\n',
      want: [{ date: '2026-01-01', source: 's', metric: 'm', entity: 'FR', value: 3, category: 'other' }],
    },
  ])('reads $name', async ({ text, want }) => {
    expect(await rows(text)).toEqual(want);
  });

  it.each([
    {
      text: 'date,source,metric,entity,value\n2026-02-30,s,m,p,1\n',
      want: /h\.csv:2: date must be an ISO day/,
    },
    {
      text: '{"date":"2026-01-01","source":"s","metric":"m","entity":"p","value":"x"}\nnot json\n',
      want: /h\.csv:1: value must be a number[\s\S]*h\.csv:2: not a JSON object/,
    },
    { text: '', want: /is empty/ },
  ])('reports bad input with line numbers: $want', async ({ text, want }) => {
    await expect(rows(text)).rejects.toThrow(want);
  });

  it('splits CSV lines with quotes and commas', () => {
    expect(splitCsvLine('a,"b,c",""""')).toEqual(['a', 'b,c', '"']);
    expect(splitCsvLine('a,,b,')).toEqual(['a', '', 'b', '']);
  });

  it('counts lines across a \r\n split between chunks', async () => {
    const stream = Readable.from([
      'date,source,metric,entity,value\r',
      '\n2026-01-01,s,m,p,1\r',
      '\nbad,s,m,p,1\n',
    ]);
    await expect(readHistory(stream, 'x.csv', () => undefined)).rejects.toThrow(
      /x\.csv:3: date must be an ISO day/,
    );
  });
});

describe('lineBatches', () => {
  it('gives the lines node:readline gives, however the text is cut into chunks (property)', async () => {
    const piece = fc.constantFrom('a', 'b,c', '"q"', ' ', '\n', '\r', '\r\n', '\uFEFF', 'é');
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (text, cuts) => {
          const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const ends = [...at, text.length];
          const chunks = [0, ...at].map((from, i) => text.slice(from, ends[i])).filter((c) => c !== '');
          const expected: string[] = [];
          for await (const line of createInterface({ input: Readable.from(chunks), crlfDelay: Infinity }))
            expected.push(line);
          const got: string[] = [];
          for await (const batch of lineBatches(Readable.from(chunks))) got.push(...batch);
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('HistorySet and replayHistory', () => {
  it('keeps the last row of a repeated day and replays day by day', () => {
    const set = new HistorySet();
    const add = (date: string, value: number | null) =>
      set.add({ date, source: 's', metric: 'm', entity: 'p', value });
    for (let d = 1; d <= 20; d++)
      add(`2026-01-${String(d).padStart(2, '0')}`, d <= 12 ? 100 + ((d * 37) % 23) : 111);
    add('2026-01-05', 999);
    add('2026-01-05', 104);
    set.finish();
    const cols = set.sources.get('s')!.get('m')!.get('p')!;
    expect(cols.days).toHaveLength(20);
    expect(cols.values[4]).toBe(104);
    const days: string[] = [];
    const found = replayHistory(set, { onDay: (day) => days.push(day) });
    expect(days[0]).toBe('2026-01-02');
    expect(days).toHaveLength(19);
    expect(found[0]).toMatchObject({ rule: 'frozen-run', event: 'new', metric: 'm' });
    expect(found.filter((f) => f.event === 'new')).toHaveLength(1);
  });
});
