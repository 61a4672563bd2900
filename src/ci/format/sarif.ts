// SARIF 2.1.0 output of `upwatch ci` for GitHub code scanning: stable rule ids, regions at the YAML lines.
import type { Severity } from '../../core/contract.js';
import { ruleHelpUri, ruleInfo, type CiRuleId } from '../rules.js';
import type { CiResult } from '../result.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  block: 'error',
  warn: 'warning',
  info: 'note',
};

/** GitHub truncates descriptions at 1,024 characters. */
function clip(s: string, max = 1024): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A repo-relative path as a URI reference (each segment percent-encoded, `/` kept). */
function uriOf(path: string): string {
  return path
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/**
 * Render a result as a SARIF 2.1.0 log: one run, the rules that fired (shortDescription, helpUri, default level),
 * one result per issue with its region and a `partialFingerprints` entry from the issue's stable fingerprint.
 *
 * @example
 * JSON.parse(formatSarif(result)).runs[0].results[0].ruleId // 'upwatch/metric-deprecated'
 */
export function formatSarif(r: CiResult): string {
  const ruleIds: CiRuleId[] = [...new Set(r.issues.map((i) => i.rule))].sort();
  const index = new Map(ruleIds.map((id, n) => [id, n]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'upwatch',
            semanticVersion: r.tool.version,
            informationUri: 'https://github.com/upwatch/upwatch',
            rules: ruleIds.map((id) => {
              const info = ruleInfo(id);
              return {
                id,
                name: id.slice('upwatch/'.length),
                shortDescription: { text: clip(info.title) },
                fullDescription: { text: clip(info.help) },
                helpUri: ruleHelpUri(id),
                help: { text: clip(info.help) },
                defaultConfiguration: { level: LEVEL[info.severity] },
              };
            }),
          },
        },
        automationDetails: { id: 'upwatch/ci/' },
        originalUriBaseIds: { SRCROOT: { description: { text: 'The repository root.' } } },
        results: r.issues.map((i) => ({
          ruleId: i.rule,
          ruleIndex: index.get(i.rule)!,
          level: LEVEL[i.severity],
          message: {
            text: clip(i.hint && i.severity !== 'info' ? `${i.message}. Hint: ${i.hint}` : i.message, 4096),
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uriOf(i.location.file), uriBaseId: 'SRCROOT' },
                region: { startLine: i.location.line, startColumn: i.location.col },
              },
            },
          ],
          partialFingerprints: { 'upwatchFingerprint/v1': i.fingerprint },
          properties: {
            severity: i.severity,
            origin: i.origin,
            ...(i.feature ? { feature: i.feature } : {}),
            ...(i.source ? { source: i.source } : {}),
            ...(i.metric ? { metric: i.metric } : {}),
            ...(i.replacement ? { replacement: i.replacement } : {}),
          },
        })),
        properties: { verdict: r.verdict, exitCode: r.exitCode, failOn: r.failOn, health: r.health },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
