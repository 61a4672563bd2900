// `upwatch demo`: the whole pipeline against the bundled simulated upstream, on a virtual clock, printed as a story.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UpwatchError } from '../../core/errors.js';
import {
  runDemo,
  type DemoEnd,
  type DemoProgress,
  type DemoResult,
  type RunDemoOptions,
} from '../../demo/run-demo.js';
import { runPushDemo } from '../../demo/run-push-demo.js';
import { formatHeader, formatStory, formatSummary, TimelineWriter } from '../../demo/format-timeline.js';
import { collectReport } from '../../report/collect.js';
import { renderReport } from '../../report/render.js';
import type { PushScenario } from '../../sim/push-scenario.js';
import type { Scenario } from '../../sim/scenario.js';
import { DEFAULT_SCENARIO, PUSH_SCENARIOS, SCENARIOS } from '../../sim/scenarios/index.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import type { CommandState } from './index.js';
import { checkWritable, reportSummary, shownPath, writeReportFile } from './report.js';

interface DemoFlags {
  days?: string;
  scenario: string;
  keep?: boolean;
  format: string;
  report?: string;
}

function progressLine(io: CliIO): (p: DemoProgress) => void {
  return (p) => {
    const done = p.day + 1;
    if (io.isTTY) {
      io.stderr(`\rsimulating day ${done}/${p.days} (${p.date})${done === p.days ? '\n' : ''}`);
    } else if (done % 30 === 0 || done === p.days) {
      io.stderr(`simulated ${done}/${p.days} days (${p.date})\n`);
    }
  };
}

/** Write the HTML report of the demo's store as of the simulated clock; returns the line to print. */
async function writeDemoReport(
  io: CliIO,
  path: string,
  scenario: Scenario | PushScenario,
  days: number,
  end: DemoEnd,
): Promise<string> {
  const data = await collectReport({
    store: end.store,
    contracts: end.contracts,
    storePath: end.paths.store,
    contractsDir: end.paths.contracts,
    now: end.now,
    context:
      `upwatch demo, scenario ${scenario.name}: ${days} simulated days from ${scenario.startDate}; times are the ` +
      `simulated clock's${end.kept ? '' : ' (the temporary store and contracts are removed after the run; --keep keeps them)'}`,
  });
  // The simulated tokens never reach the store (redacted at the HTTP boundary); scrubbed here once more.
  const html = renderReport(data, {
    secrets: 'graph' in scenario ? [scenario.graph.accessToken, scenario.partner.token] : [],
  });
  writeReportFile(path, html, '--report');
  return `${shownPath(io, path)} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB): ${reportSummary(data)}`;
}

/** Every scenario name with its length, for help and errors. */
const ALL_SCENARIOS: readonly { name: string; days: number }[] = [...SCENARIOS, ...PUSH_SCENARIOS];

/** Run a polled scenario, or a warehouse story through the ingest path. */
function runAny(
  scenario: Scenario | PushScenario,
  options: Omit<RunDemoOptions, 'scenario'>,
): Promise<DemoResult> {
  return 'graph' in scenario ? runDemo({ ...options, scenario }) : runPushDemo({ ...options, scenario });
}

/** The scenario and day count the flags ask for; USAGE errors for an unknown scenario or a bad flag. */
function parseFlags(flags: DemoFlags): { scenario: Scenario | PushScenario; days: number | undefined } {
  const scenario =
    SCENARIOS.find((s) => s.name === flags.scenario) ?? PUSH_SCENARIOS.find((s) => s.name === flags.scenario);
  if (!scenario) {
    throw new UpwatchError('USAGE', `unknown scenario "${flags.scenario}"`, {
      hint: `scenarios: ${ALL_SCENARIOS.map((s) => `${s.name} (${s.days} days)`).join(', ')}`,
    });
  }
  if (flags.format !== 'text' && flags.format !== 'json') {
    throw new UpwatchError('USAGE', `--format must be text or json (got "${flags.format}")`);
  }
  if (flags.days === undefined) return { scenario, days: undefined };
  const days = Number(flags.days);
  if (!/^\d+$/.test(flags.days) || days < 1 || days > 3650) {
    throw new UpwatchError('USAGE', `--days must be a whole number from 1 to 3650 (got "${flags.days}")`);
  }
  return { scenario, days };
}

/**
 * Register `upwatch demo`.
 *
 * @example
 * upwatch demo --days 180 --scenario meta-2024 --keep
 */
export function registerDemo(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('demo')
    .description(
      'Run the whole pipeline against the bundled simulated Meta Graph API and partner API, or a warehouse story ' +
        'pushed through upwatch ingest, on a virtual clock (temporary store, local SMTP catcher) and print what ' +
        'upwatch detected, day by day',
    )
    .option('--days <n>', "simulated days to run (default: the scenario's length, 180 for meta-2024)")
    .option(
      '--scenario <name>',
      `scenario (${ALL_SCENARIOS.map((s) => s.name).join(', ')})`,
      DEFAULT_SCENARIO,
    )
    .option('--keep', 'keep the store, contracts and doc snapshots and print where they are')
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--report <file>',
      'at the end, write the HTML report of the run (as `upwatch report` does) to FILE',
    )
    .action(async (flags: DemoFlags) => {
      try {
        const { scenario, days } = parseFlags(flags);
        const text = flags.format === 'text';
        const reportPath = flags.report !== undefined ? resolve(io.cwd, flags.report) : undefined;
        let reportLine: string | undefined;
        if (reportPath !== undefined) checkWritable(reportPath, '--report');
        const writer = new TimelineWriter();
        if (text) {
          io.stdout(
            formatHeader({
              scenario: scenario.name,
              description: scenario.description,
              startDate: scenario.startDate,
              days: days ?? scenario.days,
              ...('graph' in scenario ? {} : { feed: 'push' as const }),
            }),
          );
        }
        const result = await runAny(scenario, {
          ...(days === undefined ? {} : { days }),
          keep: flags.keep === true,
          onProgress: progressLine(io),
          ...(text ? { onDay: (d) => io.stdout(writer.push(d)) } : {}),
          ...(reportPath === undefined
            ? {}
            : {
                onEnd: async (end: DemoEnd) => {
                  reportLine = await writeDemoReport(io, reportPath, scenario, days ?? scenario.days, end);
                },
              }),
        });
        if (text) io.stdout(writer.end() + formatStory(result) + formatSummary(result));
        else io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        // The JSON document on stdout stays as it is: the report's line goes to stderr then.
        if (reportLine !== undefined) {
          if (text) io.stdout(`  report     ${reportLine}\n`);
          else io.stderr(`report: ${reportLine}\n`);
        }
        state.exitCode = EXIT.OK;
      } catch (e) {
        // Bad flags, or the demo could not run (a port, the temp folder): exit 2.
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
