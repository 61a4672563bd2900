// GitHub Actions output of `upwatch ci`: workflow-command annotations at the YAML lines, escaped as actions/toolkit does.
import { SEVERITIES } from '../../core/contract.js';
import type { Severity } from '../../core/contract.js';
import type { CiIssue } from '../issue.js';
import type { CiResult } from '../result.js';
import { verdictLine } from './text.js';

/** The UI shows at most 10 annotations of each kind per step. */
export const ANNOTATIONS_PER_KIND = 10;

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = {
  block: 'error',
  warn: 'warning',
  info: 'notice',
};

/** Escape a command's message (actions/toolkit `escapeData`): `%`, CR, LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a command property value (actions/toolkit `escapeProperty`): also `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(i: CiIssue): string {
  const props = [
    `file=${escapeProperty(i.location.file)}`,
    `line=${i.location.line}`,
    `endLine=${i.location.line}`,
    `col=${i.location.col}`,
    `title=${escapeProperty(i.rule)}`,
  ].join(',');
  const text = i.hint && i.severity !== 'info' ? `${i.message}\nhint: ${i.hint}` : i.message;
  return `::${COMMAND[i.severity]} ${props}::${escapeData(text)}`;
}

/**
 * Render a result as GitHub Actions workflow commands: at most 10 annotations per kind (most serious first), then
 * one notice counting the rest, then the verdict line.
 *
 * @example
 * ::error file=contracts/features.yaml,line=9,endLine=9,col=9,title=upwatch/metric-deprecated::feature …
 */
export function formatGithub(r: CiResult): string {
  const lines: string[] = [];
  const hidden: Record<Severity, number> = { block: 0, warn: 0, info: 0 };
  const shown: Record<Severity, number> = { block: 0, warn: 0, info: 0 };
  // Reserve one notice slot for the count when something is left over.
  const overflow = SEVERITIES.some(
    (s) => r.issues.filter((i) => i.severity === s).length > ANNOTATIONS_PER_KIND,
  );
  for (const i of r.issues) {
    const cap = i.severity === 'info' && overflow ? ANNOTATIONS_PER_KIND - 1 : ANNOTATIONS_PER_KIND;
    if (shown[i.severity] < cap) {
      lines.push(annotation(i));
      shown[i.severity]++;
    } else hidden[i.severity]++;
  }
  const rest = hidden.block + hidden.warn + hidden.info;
  if (rest > 0) {
    const parts = [
      hidden.block > 0 ? `${hidden.block} more error${hidden.block === 1 ? '' : 's'}` : '',
      hidden.warn > 0 ? `${hidden.warn} more warning${hidden.warn === 1 ? '' : 's'}` : '',
      hidden.info > 0 ? `${hidden.info} more notice${hidden.info === 1 ? '' : 's'}` : '',
    ].filter(Boolean);
    lines.push(
      `::notice title=${escapeProperty('upwatch ci')}::${escapeData(`${parts.join(', ')} not shown as annotations; see the step summary or run with --format text`)}`,
    );
  }
  lines.push(verdictLine(r));
  return lines.join('\n') + '\n';
}
