// Printing a spec diff: a compact text report (like oasdiff's) and the canonical JSON.
import type { SpecDiffResult } from './diff-specs.js';

/**
 * Text report: one line per change, most serious first, then a summary line.
 *
 * @example
 * formatSpecDiffText(result)
 * // BLOCK  api-path-removed-with-deprecation  GET /applications/…  was removed after being deprecated …  [a1b2c3d4e5f6]
 */
export function formatSpecDiffText(result: SpecDiffResult): string {
  const lines: string[] = [];
  for (const c of result.changes) {
    const rest = c.message.startsWith(c.operation)
      ? c.message.slice(c.operation.length).replace(/^:?\s*/, '')
      : c.message;
    lines.push(`${c.level.toUpperCase().padEnd(5)}  ${c.id}  ${c.operation}  ${rest}  [${c.fingerprint}]`);
  }
  for (const op of result.unknownOperations)
    lines.push(`WARN   unknown-operation  ${op}  is in neither document`);
  const count = (l: string) => result.changes.filter((c) => c.level === l).length;
  lines.push(
    `${result.changes.length} change(s) in ${result.operationsCompared} operation(s): ${count('block')} block, ${count('warn')} warn, ${count('info')} info` +
      ` (${result.base.origin} ${result.base.apiVersion ?? ''} → ${result.revision.origin} ${result.revision.apiVersion ?? ''})`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Canonical JSON report: `{ base, revision, operationsCompared, unknownOperations, changes[] }`.
 *
 * @example
 * JSON.parse(formatSpecDiffJson(result)).changes[0].fingerprint // 'a1b2c3d4e5f6'
 */
export function formatSpecDiffJson(result: SpecDiffResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
