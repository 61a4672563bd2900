// `upwatch store copy`: move a SQLite store into PostgreSQL (fleet mode), verified by row counts per table.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { UpwatchError } from '../../core/errors.js';
import { copyStore } from '../../store/copy.js';
import { redactPgUrl } from '../../store/pg/pg-store.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import type { CommandState } from './index.js';

interface CopyFlags {
  from: string;
  to: string;
  schema?: string;
  force?: boolean;
}

/** The PostgreSQL URL a user gave, checked before anything connects. */
function targetUrl(raw: string): string {
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new UpwatchError('USAGE', `--to must be a PostgreSQL URL (got "${redactPgUrl(raw)}")`, {
      hint: 'e.g. --to postgres://upwatch@db.internal:5432/upwatch',
    });
  }
  return raw;
}

/**
 * Register `upwatch store copy`.
 *
 * @example
 * upwatch store copy --from .upwatch/upwatch.db --to postgres://upwatch@db/upwatch
 */
export function registerStore(program: Command, io: CliIO, state: CommandState): void {
  const store = program.command('store').description('Move a store between engines (SQLite → PostgreSQL)');
  store
    .command('copy')
    .description(
      'Copy every table of a SQLite store into a PostgreSQL database, ids kept, in one transaction that commits only ' +
        'when each table has as many rows in the target as in the source',
    )
    .requiredOption('--from <file>', 'the SQLite store file (opened read-only)')
    .requiredOption('--to <url>', 'the PostgreSQL URL, e.g. postgres://upwatch@db:5432/upwatch')
    .option('--schema <name>', 'PostgreSQL schema to copy into (default public)')
    .option(
      '--force',
      'empty the target first when it already holds rows (default: refuse a target that is not empty)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 copied and verified; 2 nothing copied (no such file, a target that is not empty, a server that\n' +
        'does not answer, a count that does not match: the transaction is rolled back).',
    )
    .action(async (flags: CopyFlags) => {
      try {
        if (!existsSync(flags.from)) {
          throw new UpwatchError('STORE_UNAVAILABLE', `no store at ${flags.from}`, {
            hint: 'pass the SQLite file upwatch has been writing (UPWATCH_DB, default .upwatch/upwatch.db)',
          });
        }
        const to = targetUrl(flags.to);
        let lastTable = '';
        const report = await copyStore(flags.from, to, {
          ...(flags.schema !== undefined ? { schema: flags.schema } : {}),
          ...(flags.force ? { force: true } : {}),
          onProgress: (table, rows) => {
            if (table !== lastTable) io.stderr(`copying ${table}…\n`);
            lastTable = table;
            if (rows % 100_000 === 0) io.stderr(`  ${table}: ${rows.toLocaleString('en')} rows\n`);
          },
        });
        const total = report.tables.reduce((n, t) => n + t.rows, 0);
        io.stdout(
          `copied ${flags.from} → ${report.to}: ${total.toLocaleString('en')} rows in ${report.tables.length} tables, ` +
            'counts verified\n' +
            report.tables.map((t) => `  ${t.table.padEnd(22)} ${t.rows.toLocaleString('en')}\n`).join(''),
        );
        state.exitCode = EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
