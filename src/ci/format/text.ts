// Compiler-style text output of `upwatch ci`: one `file:line:col  level  message  [rule]` line per issue, then a verdict.
import type { Severity } from '../../core/contract.js';
import type { CiResult } from '../result.js';

const LEVEL: Record<Severity, string> = { block: 'error', warn: 'warning', info: 'info' };

function headLabel(r: CiResult): string {
  if (r.head.worktree) return 'working tree';
  return `${r.head.ref ?? ''} (${(r.head.commit ?? '').slice(0, 7)})`;
}

/** One line saying what the verdict rests on (the live health source, or its absence). */
export function healthLine(r: CiResult): string {
  const h = r.health;
  if (h.verified)
    return `health: ${h.origin === 'store' ? 'store' : 'status file'} ${h.detail} + built-in knowledge`;
  return `health: built-in knowledge only; could not verify current health (${h.detail})`;
}

/** The closing verdict line. */
export function verdictLine(r: CiResult): string {
  const counts = `${r.counts.block} blocking, ${r.counts.warn} warning${r.counts.warn === 1 ? '' : 's'}, ${r.counts.info} info`;
  const checked = `${r.counts.features} feature${r.counts.features === 1 ? '' : 's'} checked`;
  const word = r.verdict === 'fail' ? 'FAILED' : r.verdict === 'unverified' ? 'COULD NOT VERIFY' : 'passed';
  return `upwatch ci ${word}: ${counts}; ${checked}; fail-on ${r.failOn} (exit ${r.exitCode})`;
}

/**
 * Render a result as compiler-style text.
 *
 * @example
 * contracts/features.yaml:9:9  error  feature engagement_7d uses meta/page_engaged_users: … [upwatch/metric-deprecated]
 *   hint: remove meta/page_engaged_users from the feature; the vendor offers no replacement
 */
export function formatText(r: CiResult, options: { showInfo?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(
    `upwatch ci: ${r.base.ref} (${r.base.mergeBase ? 'merge base ' : ''}${r.base.commit.slice(0, 7)}) → ${headLabel(r)} · ${r.contractsDir}/ · ${healthLine(r)}`,
  );
  lines.push('');
  const shown = r.issues.filter((i) => options.showInfo !== false || i.severity !== 'info');
  for (const i of shown) {
    lines.push(
      `${i.location.file}:${i.location.line}:${i.location.col}  ${LEVEL[i.severity]}  ${i.message}  [${i.rule}]`,
    );
    if (i.hint && i.severity !== 'info') lines.push(`  hint: ${i.hint}`);
  }
  if (shown.length > 0) lines.push('');
  lines.push(verdictLine(r));
  return lines.join('\n') + '\n';
}
