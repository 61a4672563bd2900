// `upwatch ingest`: metrics pushed from a warehouse job (the backtest history format), stored and checked like a poll.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { readHistory } from '../../backtest/history-file.js';
import { UpwatchError } from '../../core/errors.js';
import type { FindingRecord } from '../../core/finding-record.js';
import { ingestSource, type IngestResult } from '../../ingest/ingest-source.js';
import type { PushedRow } from '../../ingest/check-rows.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { openWatcher, type OpenedWatcher } from '../open-watcher.js';
import { deliverMail } from './poll.js';
import type { CommandState } from './index.js';

interface IngestFlags {
  source: string;
  db?: string;
  contracts?: string;
  snapshots?: string;
  json?: boolean;
}

/** Open FILE, or standard input for `-`. */
async function openInput(io: CliIO, file: string): Promise<{ stream: Readable; label: string }> {
  if (file === '-') {
    if (!io.stdin) throw new UpwatchError('USAGE', 'no standard input to read', { hint: 'pass a FILE' });
    return { stream: io.stdin, label: '<stdin>' };
  }
  const stream = createReadStream(join(io.cwd, file));
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (e) {
    throw new UpwatchError('INGEST_INVALID', `cannot read ${file}: nothing was stored`, {
      cause: e,
      hint: 'check the path; the file must be CSV (date,source,metric,entity,value) or JSON Lines',
    });
  }
  return { stream, label: file };
}

function describe(r: IngestResult): string {
  const p = r.processed;
  const lines = [
    `${r.source}  INGESTED  poll #${r.poll.id}: ${r.rows} values of ${r.metrics.length} metric(s)` +
      (r.notPushed.length > 0 ? `; not in this push: ${r.notPushed.join(', ')}` : ''),
  ];
  const name = (f: FindingRecord) =>
    `${f.rule}  ${f.source}${f.metric ? `/${f.metric}` : ''}${f.title ? `: ${f.title}` : ''}`;
  for (const f of p.opened) lines.push(`  opened  ${f.severity}  ${name(f)}`);
  for (const f of p.escalated) lines.push(`  escalated  ${f.severity}  ${name(f)}`);
  for (const f of p.resolved) lines.push(`  resolved  ${name(f)}`);
  for (const c of p.featureChanges) lines.push(`  feature ${c.feature}: ${c.from ?? 'new'} → ${c.to}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Register `upwatch ingest`.
 *
 * @example
 * upwatch ingest --source claims-warehouse exports/2026-03-13.csv
 */
export function registerIngest(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('ingest')
    .description(
      'Take metrics pushed from a warehouse job (the backtest CSV / JSON Lines format), store them as one poll, detect and gate',
    )
    .argument(
      '<file>',
      'CSV with header date,source,metric,entity,value, or JSON Lines; - reads standard input',
    )
    .requiredOption('--source <name>', 'the source the rows belong to (usually a provider: push source)')
    .option('--db <path>', 'store file (env UPWATCH_DB, default .upwatch/upwatch.db)')
    .option('--contracts <dir>', 'contracts directory (env UPWATCH_CONTRACTS, default contracts)')
    .option('--snapshots <dir>', 'where status.json is written (env UPWATCH_SNAPSHOTS, default snapshots)')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nEvery row is checked against the contract first (undeclared metric, a value its kind cannot take, a duplicate\n' +
        '(metric, entity, date), a date after today): one bad row and nothing is stored. Then the rows are stored as one\n' +
        'poll, the detectors run over the stored history, and findings, the gate and alerts follow as after a poll:\n' +
        'with UPWATCH_SMTP_URL set (or Slack / webhook channels declared) the notifications are sent at once.\n' +
        'Exit codes: 0 stored and no feature blocked; 1 stored and a feature is blocked; 2 nothing stored (bad file,\n' +
        'bad flags, bad contracts, store unavailable).\n',
    )
    .action(async (file: string, flags: IngestFlags) => {
      let opened: OpenedWatcher;
      try {
        opened = await openWatcher(io, { ...flags, source: [flags.source] }, undefined, { push: true });
      } catch (e) {
        printError(io, e);
        // poll exits 1 on invalid contracts (the policy check failed); a push stored nothing: it could not run.
        state.exitCode = EXIT.CANNOT_RUN;
        return;
      }
      const { watcher, settings } = opened;
      try {
        const { stream, label } = await openInput(io, file);
        const rows: PushedRow[] = [];
        await readHistory(stream, label, (row, line) => rows.push({ ...row, line }));
        const result = await ingestSource(
          {
            store: watcher.store,
            contracts: watcher.contracts,
            clock: io.clock,
            ...(watcher.deps.alerts ? { alerts: watcher.deps.alerts } : {}),
            statusFile: settings.statusFile ?? join(settings.snapshots, 'status.json'),
          },
          opened.sources[0]!,
          rows,
          label,
        );
        io.stdout(flags.json ? `${JSON.stringify(result, null, 2)}\n` : describe(result));
        const blocked = result.processed.gate.features
          .filter((f) => f.state === 'blocked')
          .map((f) => f.feature);
        if (!flags.json && blocked.length > 0) io.stdout(`blocked features: ${blocked.join(', ')}\n`);
        // The same cycle as a poll: what the push queued is sent now (mail trouble never fails the push).
        await deliverMail(io, opened, result.processed.queued);
        state.exitCode = blocked.length > 0 ? EXIT.POLICY_FAILED : EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      } finally {
        await watcher.close();
      }
    });
}
