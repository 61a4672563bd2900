// `upwatch clear-pause SOURCE|HOST|PRINCIPAL --reason TEXT [--by WHO]`: lift a rate-limit pause or close a circuit breaker by hand (audited).
import type { Command } from 'commander';
import { breakerKeyOf } from '../../core/breaker.js';
import type { ContractSet } from '../../core/contract.js';
import { UpwatchError } from '../../core/errors.js';
import { resolveTemplate } from '../../core/secret.js';
import { metaPrincipal } from '../../providers/meta-graph.js';
import type { Store } from '../../store/store.js';
import { contractsIfAny } from '../contracts-if-any.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { resolveSettings } from '../settings.js';
import { actor } from './ack.js';
import { DEFAULT_DB_PATH } from './gate.js';
import { openGateStore } from './gate-store.js';
import type { CommandState } from './index.js';

/** The pause principals and breaker keys a target names: a source (from the contracts), a host, or a key as status prints it. */
function targetsOf(
  target: string,
  contracts: ContractSet | undefined,
  env: CliIO['env'],
): { principals: Set<string>; breakerKeys: Set<string> } {
  const host = target.replace(/^(host|http-json):/, '');
  const principals = new Set([target, `http-json:${host}`]);
  const breakerKeys = new Set([target, `host:${host}`, `source:${target}`]);
  const source = contracts?.sources.find((s) => s.name === target);
  if (source) {
    const key = breakerKeyOf(source);
    breakerKeys.add(key);
    const c = source.connection;
    if (c.kind === 'meta-graph') {
      // A token is paused by its fingerprint: computable only when the token is in this environment.
      const token = resolveTemplate(c.accessToken, (n) => env[n]);
      if (token.ok) principals.add(metaPrincipal(token.secret));
    } else principals.add(`http-json:${key.replace(/^host:/, '')}`);
  }
  return { principals, breakerKeys };
}

/**
 * Register `upwatch clear-pause`.
 *
 * @example
 * upwatch clear-pause graph.facebook.com --reason "clock was set to 2030 during the poll" --by ana
 */
// eslint-disable-next-line max-lines-per-function -- commander declarations: one line per flag plus the action, read as the command's reference
export function registerClearPause(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('clear-pause')
    .description(
      'Lift a rate-limit pause and close an open circuit breaker by hand (audited), e.g. after a wrong clock set them',
    )
    .argument(
      '<target>',
      'a source name, an upstream host, or a principal or breaker as `upwatch status` lists it',
    )
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .option('--by <who>', 'who clears it (default: $UPWATCH_USER, else $USER)')
    .option('--db <path>', `store (default: $UPWATCH_DB, else ${DEFAULT_DB_PATH})`)
    .option('--contracts <dir>', 'contracts, to name a source (default: $UPWATCH_CONTRACTS, else contracts)')
    .action(
      async (target: string, flags: { reason: string; by?: string; db?: string; contracts?: string }) => {
        let store: Store | undefined;
        try {
          const now = io.clock.now();
          const settings = resolveSettings(io, { contracts: flags.contracts });
          const contracts = await contractsIfAny(io, settings.contracts);
          const { principals, breakerKeys } = targetsOf(target, contracts, io.env);
          store = await openGateStore(io, flags.db, false);
          const by = actor(io, flags.by);
          const pauses = store.pauses;
          const book = store.breakers;
          const done: string[] = [];
          const s = store;
          await s.transaction(async () => {
            for (const principal of principals) {
              const p = await pauses.clear(principal);
              if (!p) continue;
              await s.audit.write({
                at: now.toISOString(),
                actor: by,
                action: 'pause-cleared',
                targetKind: 'principal',
                target: principal,
                reason: flags.reason,
                details: { nextAllowedAt: p.nextAllowedAt, pauseReason: p.reason },
              });
              done.push(`cleared pause: ${principal} (was until ${p.nextAllowedAt}: ${p.reason})`);
            }
            for (const key of breakerKeys) {
              const b = await book.get(key);
              if (!b || b.state === 'closed') continue;
              await book.save({
                key,
                state: 'closed',
                failures: 0,
                probesFailed: 0,
                updatedAt: now.toISOString(),
              });
              await s.audit.write({
                at: now.toISOString(),
                actor: by,
                action: 'breaker-closed',
                targetKind: 'breaker',
                target: key,
                reason: flags.reason,
                details: { state: b.state, failures: b.failures, nextProbeAt: b.nextProbeAt ?? null },
              });
              done.push(`closed breaker: ${key} (was ${b.state}, next probe at ${b.nextProbeAt ?? '?'})`);
            }
          });
          if (done.length === 0) {
            throw new UpwatchError('NOT_FOUND', `nothing paused and no open breaker for ${target}`, {
              hint: '`upwatch status` lists paused principals and open breakers; pass one of those names, a host or a source',
            });
          }
          io.stdout(`${done.join('\n')}\n  the next poll goes out as usual\n`);
          state.exitCode = EXIT.OK;
        } catch (e) {
          printError(io, e);
          state.exitCode = EXIT.CANNOT_RUN;
        } finally {
          await store?.close();
        }
      },
    );
}
