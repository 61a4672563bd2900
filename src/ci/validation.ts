// Head validation for `upwatch ci`: every contract diagnostic at head becomes an issue at its file:line:col.
import type { Diagnostic } from '../core/diagnostic.js';
import { makeIssue, type CiIssue } from './issue.js';
import { ruleId } from './rules.js';

/**
 * Turn the loader's diagnostics for the head contracts into issues: errors block, warnings warn.
 * The diagnostic code is kept in the message (`[code]`) and in the fingerprint.
 *
 * @example
 * validationIssues(loadContractTexts(files).diagnostics)
 */
export function validationIssues(diagnostics: readonly Diagnostic[]): CiIssue[] {
  return diagnostics.map((d) => {
    const rule = ruleId(d.severity === 'error' ? 'contract-invalid' : 'contract-warning');
    return makeIssue(
      {
        rule,
        severity: d.severity === 'error' ? 'block' : 'warn',
        origin: 'validation',
        message: `${d.message} [${d.code}]`,
        code: d.code,
        ...(d.hint ? { hint: d.hint } : {}),
        location: { file: d.file, line: d.line, col: d.col },
      },
      [d.file, d.code, d.path ?? `${d.line}:${d.col}`, d.path ? '' : d.message],
    );
  });
}
