// `upwatch status`: per source the last poll, its outcome and counts, plus paused principals.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadContracts } from '../../contracts/load.js';
import { UpwatchError } from '../../core/errors.js';
import { principalPauses, type PrincipalPause } from '../../store/pauses.js';
import { sourceStatuses, type SourceStatus } from '../../store/source-status.js';
import { openStore } from '../../store/store.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { resolveSettings } from '../settings.js';
import type { CommandState } from './index.js';

/** The JSON `upwatch status --json` prints. */
export interface StatusReport {
  db: string;
  sources: SourceStatus[];
  pauses: PrincipalPause[];
}

/** Source names from the contracts directory, best effort (status works without contracts). */
async function contractSourceNames(io: CliIO, dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  try {
    const { contracts } = await loadContracts(dir, { root: io.cwd, now: io.clock.now() });
    return contracts.sources.map((s) => s.name);
  } catch {
    return [];
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/**
 * Register `upwatch status`.
 *
 * @example
 * upwatch status --json
 */
export function registerStatus(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('status')
    .description('Show each source: last poll, its outcome, poll and value counts; paused tokens/hosts')
    .option('--db <path>', 'store file (env UPWATCH_DB, default .upwatch/upwatch.db)')
    .option('--json', 'print JSON')
    .option('--contracts <dir>', 'also list sources declared here that were never polled')
    .action(async (flags: { db?: string; contracts?: string; json?: boolean }) => {
      try {
        const settings = resolveSettings(io, { db: flags.db, contracts: flags.contracts });
        if (settings.db !== ':memory:' && !existsSync(settings.db)) {
          throw new UpwatchError('STORE_UNAVAILABLE', `no store at ${settings.db}`, {
            hint: 'run `upwatch poll` first, or pass --db PATH',
          });
        }
        const store = openStore(settings.db, { readonly: true });
        const now = io.clock.now();
        let report: StatusReport;
        try {
          report = {
            db: settings.db,
            sources: sourceStatuses(store, await contractSourceNames(io, settings.contracts)),
            pauses: principalPauses(store)
              .list()
              .filter((p) => Date.parse(p.nextAllowedAt) > now.getTime()),
          };
        } finally {
          store.close();
        }
        if (flags.json) {
          io.stdout(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          const rows = [
            [
              'SOURCE',
              'LAST POLL',
              'OUTCOME',
              'POLLS',
              'FAILED',
              'IN A ROW',
              'VALUES',
              'METRICS',
              'ENTITIES',
            ],
          ];
          for (const s of report.sources) {
            rows.push([
              s.source,
              s.lastPollAt ?? 'never',
              s.lastOutcome ?? '-',
              String(s.polls),
              String(s.failedPolls),
              String(s.consecutiveFailures),
              String(s.observations),
              String(s.metrics),
              String(s.entities),
            ]);
          }
          io.stdout(table(rows));
          for (const s of report.sources) {
            if (s.lastOutcome === 'failed')
              io.stdout(`  ${s.source}: ${s.lastErrorCode}: ${s.lastErrorMessage ?? ''}\n`);
          }
          for (const p of report.pauses)
            io.stdout(`paused: ${p.principal} until ${p.nextAllowedAt} (${p.reason})\n`);
        }
        state.exitCode = EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
