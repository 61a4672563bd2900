// `upwatch sim`: the simulated Graph API, docs pages and partner API as a sandbox on loopback, with a movable clock.
import type { Command } from 'commander';
import { addDays } from '../../core/clock.js';
import { UpwatchError } from '../../core/errors.js';
import { upstreamNotes } from '../../demo/story.js';
import {
  SANDBOX_PORT,
  SANDBOX_TOKEN_VAR,
  sandboxGraphVersion,
  snippetTemplate,
} from '../../init/templates.js';
import { SANDBOX_DEFAULT_BEHIND_DAYS } from '../../sim/sandbox-anchor.js';
import { isPortTaken, startSandbox, type SandboxHandle, type SandboxState } from '../../sim/sandbox.js';
import { pageIds, type Scenario } from '../../sim/scenario.js';
import { DEFAULT_SCENARIO, SCENARIOS } from '../../sim/scenarios/index.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import type { CommandState } from './index.js';

interface SimFlags {
  port: string;
  scenario: string;
  daySeconds?: string;
  start?: string;
}

function scenarioOf(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) {
    throw new UpwatchError('USAGE', `unknown scenario "${name}"`, {
      hint: `scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    });
  }
  return found;
}

/** The first clause of a scenario's description. */
function summary(scenario: Scenario): string {
  return scenario.description.split(/[:.]/)[0]!;
}

function portOf(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new UpwatchError('USAGE', `--port must be a whole number from 0 to 65535 (got "${raw}")`, {
      hint: '--port 0 picks a free port',
    });
  }
  return port;
}

function daySecondsOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1 || n > 86_400) {
    throw new UpwatchError('USAGE', `--day-seconds must be a number from 1 to 86400 (got "${raw}")`);
  }
  return n;
}

/** What the story has in store on the days the sandbox can still reach. */
function aheadLines(scenario: Scenario, state: SandboxState): string[] {
  const lines: string[] = [];
  for (let d = state.day + 1; d <= state.day + state.behindDays; d++) {
    for (const note of upstreamNotes(scenario, d))
      lines.push(`day ${d} (${addDays(scenario.startDate, d)}): ${note}`);
  }
  return lines;
}

function stateLine(s: SandboxState): string {
  return (
    `${s.today}  story day ${s.day} of ${s.days}, ` +
    (s.behindDays === 0 ? 'caught up with today' : `${s.behindDays} days behind today`)
  );
}

function banner(sandbox: SandboxHandle, flags: { daySeconds?: number; keys: boolean }, io: CliIO): string {
  const { scenario, url } = sandbox;
  const s = sandbox.state();
  const version = sandboxGraphVersion(io.clock.now());
  const ahead = aheadLines(scenario, s);
  const moves = [
    `curl -X POST '${url}/_sim/advance?days=1'   (where it stands: GET ${url}/_sim/state)`,
    ...(flags.keys ? ['keys here: n = next day, w = a week, q = quit'] : []),
    ...(flags.daySeconds === undefined ? [] : [`automatically: one day every ${flags.daySeconds} s`]),
  ];
  return [
    `upwatch sim: scenario ${scenario.name}`,
    '',
    `  baseUrl   ${url}`,
    `  graph     ${url}/${version}/{page-id}/insights?metric=…  (pages ${pageIds(scenario)[0]} … ${pageIds(scenario).at(-1)})`,
    `  token     export ${SANDBOX_TOKEN_VAR}=${scenario.graph.accessToken}`,
    `  docs      ${url}/docs/pages-api/changelog`,
    `            ${url}/docs/platforminsights/page/deprecated-metrics`,
    `  partner   ${url}/partner/v2/stats  (Authorization: Bearer ${scenario.partner.token}; OpenAPI ${url}/partner/v2/openapi.json)`,
    `  today     ${stateLine(s)}`,
    `  advance   ${moves[0]}`,
    ...moves.slice(1).map((m) => `            ${m}`),
    ...(ahead.length === 0
      ? []
      : ['  ahead     ' + ahead[0], ...ahead.slice(1).map((l) => `            ${l}`)]),
    '',
    `Contract to paste under contracts/ (or run \`upwatch init\`; its contracts point at port ${SANDBOX_PORT}):`,
    '',
    snippetTemplate({ baseUrl: url, apiVersion: version, pages: pageIds(scenario) }).trimEnd(),
    '',
    `Serving until Ctrl-C. Each day the clock moves, the poller (\`upwatch poll\`) sees one more day.`,
    '',
  ].join('\n');
}

/** Resolve on SIGINT/SIGTERM, or on `q` / Ctrl-C when stdin is a terminal (then `n`/`w` move the clock). */
function untilStopped(sandbox: SandboxHandle, keys: boolean): Promise<string> {
  return new Promise((resolve) => {
    const stop = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      if (keys) {
        process.stdin.off('data', onKey);
        process.stdin.setRawMode(false);
        process.stdin.pause();
      }
      resolve(why);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    const onKey = (b: Buffer) => {
      const k = b.toString();
      if (k === 'q' || k === '\u0003') stop(k === 'q' ? 'q' : 'Ctrl-C');
      else if (k === 'n') sandbox.advance(1);
      else if (k === 'w') sandbox.advance(7);
    };
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (keys) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on('data', onKey);
    }
  });
}

/**
 * Register `upwatch sim`.
 *
 * @example
 * upwatch sim --port 4010 --scenario meta-2024 --day-seconds 30
 */
export function registerSim(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('sim')
    .description(
      'Serve the simulated Meta Graph API, its docs pages and a partner JSON API on loopback, as a sandbox to ' +
        'poll your own contracts against; its clock starts weeks behind today and catches up day by day ' +
        '(POST /_sim/advance?days=N, keys n/w on a terminal, or --day-seconds)',
    )
    .option('--port <port>', 'port on 127.0.0.1 (0 = a free one)', String(SANDBOX_PORT))
    .option(
      '--scenario <name>',
      `the story it plays: ${SCENARIOS.map((sc) => sc.name).join(', ')} (see Scenarios below)`,
      DEFAULT_SCENARIO,
    )
    .option('--day-seconds <n>', 'also move the clock one day every N seconds (default: only on request)')
    .option(
      '--start <date>',
      `the sandbox's first day, YYYY-MM-DD, at most 79 days ago; moved back to the weekday of the story's ` +
        `first day (default: ${SANDBOX_DEFAULT_BEHIND_DAYS} days ago)`,
    )
    .addHelpText(
      'after',
      `\nScenarios:\n${SCENARIOS.map((sc) => `  ${sc.name.padEnd(10)} ${summary(sc)}`).join('\n')}\n` +
        '\nThe sandbox lives on the real calendar, behind today: every day it moves forward, `upwatch poll` (on the\n' +
        'real clock) sees one more day of data; it cannot move past today (docs/simulator.md, "The sandbox").\n' +
        'Exit codes: 0 stopped by SIGINT/SIGTERM (or q); 2 could not start (port taken, bad flags).\n',
    )
    .action(async (flags: SimFlags) => {
      let sandbox: SandboxHandle | undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        const scenario = scenarioOf(flags.scenario);
        const port = portOf(flags.port);
        const daySeconds = daySecondsOf(flags.daySeconds);
        const keys = process.stdin.isTTY === true && io.isTTY;
        try {
          sandbox = await startSandbox({
            scenario,
            clock: io.clock,
            port,
            ...(flags.start === undefined ? {} : { start: flags.start }),
            onAdvance: (s, moved) => {
              io.stdout(`advanced ${moved} day${moved === 1 ? '' : 's'}: ${stateLine(s)}\n`);
              for (let d = s.day - moved + 1; d <= s.day; d++) {
                for (const note of upstreamNotes(sandbox!.scenario, d)) io.stdout(`  day ${d}: ${note}\n`);
              }
              if (s.behindDays === 0) {
                io.stdout('  the sandbox has caught up with today: it cannot advance any more\n');
                clearInterval(timer);
              }
            },
          });
        } catch (e) {
          if (isPortTaken(e)) {
            throw new UpwatchError('USAGE', `port ${port} on 127.0.0.1 is taken`, {
              hint: `another upwatch sim may be running; stop it, or pass --port 0 for a free port (then point the contracts' baseUrl at it)`,
            });
          }
          throw e;
        }
        io.stdout(banner(sandbox, { ...(daySeconds === undefined ? {} : { daySeconds }), keys }, io));
        if (daySeconds !== undefined) timer = setInterval(() => sandbox?.advance(1), daySeconds * 1000);
        const why = await untilStopped(sandbox, keys);
        clearInterval(timer);
        await sandbox.close();
        io.stdout(`\nstopped (${why}); ${stateLine(sandbox.state())}\n`);
        state.exitCode = EXIT.OK;
      } catch (e) {
        clearInterval(timer);
        await sandbox?.close();
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
