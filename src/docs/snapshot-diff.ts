// What changed between two snapshots of a watched doc: unified-diff hunks of their normalized text, bounded in size.
import { structuredPatch } from 'diff';

/** One line of a hunk: added, removed, or unchanged context. */
export interface DiffLine {
  kind: 'add' | 'del' | 'ctx';
  text: string;
}

/** A run of changes with its context, as `@@ -oldStart,oldLines +newStart,newLines @@` names it. */
export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** The diff of two snapshots. `truncated` is true when lines beyond `maxLines` were left out. */
export interface SnapshotDiff {
  added: number;
  removed: number;
  hunks: DiffHunk[];
  truncated: boolean;
}

/**
 * Diff the normalized text of two snapshots line by line, with `context` unchanged lines around each change (default
 * 3). At most `maxLines` hunk lines are kept (default 400), so a rewritten page cannot flood the dashboard; `added` and
 * `removed` always count every changed line.
 *
 * @example
 * snapshotDiff('a\nb\n', 'a\nc\n').hunks[0].lines // [{kind:'ctx',text:'a'},{kind:'del',text:'b'},{kind:'add',text:'c'}]
 */
export function snapshotDiff(
  previous: string,
  current: string,
  options: { context?: number; maxLines?: number } = {},
): SnapshotDiff {
  const patch = structuredPatch('previous', 'current', previous, current, '', '', {
    context: options.context ?? 3,
  });
  const max = options.maxLines ?? 400;
  let kept = 0;
  let added = 0;
  let removed = 0;
  let truncated = false;
  const hunks: DiffHunk[] = [];
  for (const h of patch.hunks) {
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const mark = raw[0];
      if (mark === '\\') continue; // "\ No newline at end of file"
      const kind = mark === '+' ? 'add' : mark === '-' ? 'del' : 'ctx';
      if (kind === 'add') added += 1;
      if (kind === 'del') removed += 1;
      if (kept >= max) {
        truncated = true;
        continue;
      }
      lines.push({ kind, text: raw.slice(1) });
      kept += 1;
    }
    if (lines.length > 0)
      hunks.push({
        oldStart: h.oldStart,
        oldLines: h.oldLines,
        newStart: h.newStart,
        newLines: h.newLines,
        lines,
      });
  }
  return { added, removed, hunks, truncated };
}
