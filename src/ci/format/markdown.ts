// The markdown step summary of `upwatch ci` (appended to $GITHUB_STEP_SUMMARY), kept under GitHub's 1 MiB limit.
import type { Severity } from '../../core/contract.js';
import type { CiResult } from '../result.js';
import { healthLine } from './text.js';

/** GitHub refuses a step summary over 1 MiB; stay well below it. */
export const MAX_SUMMARY_BYTES = 1000 * 1024;

const ICON: Record<Severity, string> = { block: '🔴 block', warn: '🟡 warn', info: '⚪ info' };

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/**
 * Render a result as a markdown summary: a counts line, then a `Result | Rule | Where | Details` table.
 *
 * @example
 * **🔴 failed** | 3 checks | 2 passed | 1 failed
 */
export function formatMarkdown(r: CiResult): string {
  const passed = r.checks.filter((c) => c.status === 'pass' || c.status === 'warn').length;
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  const unverified = r.checks.filter((c) => c.status === 'unverified').length;
  const head =
    r.verdict === 'fail'
      ? '**🔴 failed**'
      : r.verdict === 'unverified'
        ? '**🟠 could not verify**'
        : '**🟢 passed**';
  const lines = [
    '## upwatch ci',
    '',
    `${head} | ${r.checks.length} checks | ${passed} passed | ${failed} failed${unverified > 0 ? ` | ${unverified} could not verify` : ''}`,
    '',
    `Base \`${r.base.ref}\` (${r.base.commit.slice(0, 7)}) → head ${r.head.worktree ? 'working tree' : `\`${r.head.ref ?? ''}\``}; fail-on \`${r.failOn}\`; ${cell(healthLine(r))}.`,
    '',
  ];
  if (r.issues.length > 0) {
    lines.push('| Result | Rule | Where | Details |', '|---|---|---|---|');
  }
  const footer = (n: number): string =>
    `\n_${n} more issue${n === 1 ? '' : 's'} omitted (summary size limit)._\n`;
  let size = Buffer.byteLength(lines.join('\n'));
  let omitted = 0;
  for (const i of r.issues) {
    const row = `| ${ICON[i.severity]} | \`${i.rule}\` | \`${cell(i.location.file)}:${i.location.line}:${i.location.col}\` | ${cell(i.message)}${i.hint && i.severity !== 'info' ? `<br>_hint:_ ${cell(i.hint)}` : ''} |`;
    const bytes = Buffer.byteLength(row) + 1;
    if (omitted > 0 || size + bytes + 200 > MAX_SUMMARY_BYTES) {
      omitted++;
      continue;
    }
    lines.push(row);
    size += bytes;
  }
  return lines.join('\n') + '\n' + (omitted > 0 ? footer(omitted) : '');
}
