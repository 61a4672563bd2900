// A user mistake in a contract, located like a compiler error: file:line:col, code, message and hint.

/** Where something was written in a contract file. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export type DiagnosticSeverity = 'error' | 'warning';

/**
 * One issue found while loading or checking contracts.
 *
 * @example
 * { file: 'contracts/meta.yaml', line: 14, col: 9, severity: 'error', code: 'schema',
 *   message: 'metrics[2].kind must be one of count, ratio, percent, amount, gauge (got "rate")',
 *   hint: 'a 0..1 share is "ratio"; a 0..100 share is "percent"' }
 */
export interface Diagnostic extends SourceLocation {
  severity: DiagnosticSeverity;
  /** Short stable code, e.g. `schema`, `unknown-key`, `yaml-syntax`, `unknown-metric`, `duplicate-name`. */
  code: string;
  message: string;
  hint?: string;
  /** JSON path into the document, e.g. `/metrics/2/kind`. */
  path?: string;
  /** The source the issue is about, when it is about one (so `poll --source S` knows which issues stop it). */
  source?: string;
}

/** `file:line:col  error  message  [code]` plus an indented hint line, as compilers print. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}  ${d.severity}  ${d.message}  [${d.code}]`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}
