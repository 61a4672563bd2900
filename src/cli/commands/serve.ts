// `upwatch serve`: the dashboard on the store, until SIGINT/SIGTERM; writing needs UPWATCH_SERVE_TOKEN.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { hasErrors, loadContracts } from '../../contracts/load.js';
import { UpwatchError } from '../../core/errors.js';
import { startDashboard } from '../../serve/server.js';
import { isStoreUrl, openAnyStore } from '../../store/open.js';
import type { Store } from '../../store/ports.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { breakerOptions, resolveSettings } from '../settings.js';
import type { CommandState } from './index.js';
import { mailSecrets } from './status.js';

interface ServeFlags {
  port: string;
  host: string;
  db?: string;
  contracts?: string;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) {
    throw new UpwatchError('USAGE', `--port must be a whole number from 0 to 65535 (got "${raw}")`, {
      hint: 'e.g. --port 8080; 0 picks a free port',
    });
  }
  return port;
}

/**
 * Register `upwatch serve`.
 *
 * @example
 * UPWATCH_SERVE_TOKEN=$(openssl rand -hex 16) upwatch serve --port 8080
 */
export function registerServe(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('serve')
    .description(
      'Serve a dashboard on the store: features and findings with charts, filters, a page per finding with its ' +
        'audit trail; ack, decisions and overrides from the browser (with UPWATCH_SERVE_TOKEN); /api/status, /healthz, /metrics',
    )
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <addr>', 'address to listen on (0.0.0.0 exposes it to the network)', '127.0.0.1')
    .option('--db <path>', 'store file (env UPWATCH_DB, default .upwatch/upwatch.db)')
    .option('--contracts <dir>', 'contracts directory (env UPWATCH_CONTRACTS, default contracts)')
    .addHelpText(
      'after',
      '\nWriting: set UPWATCH_SERVE_TOKEN; the browser then asks for a user (your name, recorded in the audit log)\n' +
        'and a password (the token). Without it the dashboard is read-only.\n' +
        'Exit codes: 0 stopped by SIGINT/SIGTERM; 2 could not start (no store, contracts that do not load, port taken).',
    )
    .action(async (flags: ServeFlags) => {
      let store: Store | undefined;
      try {
        const port = parsePort(flags.port);
        const settings = resolveSettings(io, { db: flags.db, contracts: flags.contracts });
        if (settings.db !== ':memory:' && !isStoreUrl(settings.db) && !existsSync(settings.db)) {
          throw new UpwatchError('STORE_UNAVAILABLE', `no store at ${settings.db}`, {
            hint: 'run `upwatch poll` first, or pass --db PATH',
          });
        }
        const { contracts, diagnostics } = await loadContracts(settings.contracts, {
          now: io.clock.now(),
          root: io.cwd,
        });
        if (contracts.sources.length === 0 && contracts.features.length === 0) {
          throw new UpwatchError('CONTRACTS_INVALID', `no usable contract in ${settings.contracts}`, {
            hint: hasErrors(diagnostics)
              ? 'fix the errors (upwatch validate)'
              : 'add Source and Feature contracts, or pass --contracts DIR',
          });
        }
        const token = io.env['UPWATCH_SERVE_TOKEN'] || undefined;
        store = await openAnyStore(settings.db, { readonly: token === undefined });
        const dashboard = await startDashboard({
          store,
          contracts,
          storePath: store.path,
          contractsDir: settings.contracts,
          now: () => io.clock.now(),
          ...(token ? { token } : {}),
          secrets: [...mailSecrets(io, settings.smtpUrl, contracts), ...(token ? [token] : [])],
          breaker: breakerOptions(settings),
          host: flags.host,
          port,
        });
        io.stderr(
          `upwatch serve: ${dashboard.url} (${token ? 'actions need the token' : 'read-only: set UPWATCH_SERVE_TOKEN to act'})\n`,
        );
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        });
        io.stderr(`upwatch serve: ${signal} received, stopping\n`);
        await dashboard.close();
        state.exitCode = EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      } finally {
        await store?.close();
      }
    });
}
