import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotDiff } from './snapshot-diff.js';

describe('snapshotDiff', () => {
  it.each([
    ['a changed line', 'a\nb\nc\n', 'a\nB\nc\n', 1, 1, ['ctx a', 'del b', 'add B', 'ctx c']],
    ['an added line', 'a\nc\n', 'a\nb\nc\n', 1, 0, ['ctx a', 'add b', 'ctx c']],
    // the old last line had no newline, so diff sees 'a' change to 'a\n' as well
    ['a removed last line without newline', 'a\nb', 'a', 1, 2, ['del a', 'del b', 'add a']],
    ['no change', 'a\n', 'a\n', 0, 0, []],
  ])('%s', (_name, before, after, added, removed, lines) => {
    const d = snapshotDiff(before, after);
    expect({ added: d.added, removed: d.removed, truncated: d.truncated }).toEqual({
      added,
      removed,
      truncated: false,
    });
    expect(d.hunks.flatMap((h) => h.lines.map((l) => `${l.kind} ${l.text}`))).toEqual(lines);
  });

  it('keeps at most maxLines lines but counts every change', () => {
    const before = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const after = Array.from({ length: 50 }, (_, i) => `LINE ${i}`).join('\n');
    const d = snapshotDiff(before, after, { maxLines: 10 });
    expect(d.hunks.flatMap((h) => h.lines)).toHaveLength(10);
    expect(d).toMatchObject({ added: 50, removed: 50, truncated: true });
  });

  it('counts exactly the lines only one side has (property)', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (x, y) => {
        const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
        const d = snapshotDiff(text(x), text(y), { maxLines: 1000 });
        // removing what was deleted and adding what was added turns the old text into the new one
        const kept = d.hunks.flatMap((h) => h.lines).filter((l) => l.kind !== 'del').length;
        expect(d.added - d.removed).toBe(y.length - x.length);
        expect(kept).toBeLessThanOrEqual(y.length);
      }),
    );
  });
});
