// JSON output of `upwatch ci`: the result as-is, with `$schema` and `schemaVersion` (schema/ci-result.schema.json).
import type { CiResult } from '../result.js';

/**
 * Render a result as pretty JSON (stable key order, trailing newline).
 *
 * @example
 * JSON.parse(formatJson(result)).verdict // 'fail'
 */
export function formatJson(r: CiResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}
