// docs/cli.md's generated part: every command's help text as the binary prints it, so the doc cannot drift.
import { ManualClock } from '../core/clock.js';
import { buildProgram } from './main.js';
import { EXIT, type CliIO, type ExitCode } from './io.js';

const BEGIN = '<!-- generated: npm run cli-doc -->';
const END = '<!-- end generated -->';

/** The help of the program and of every command, as Markdown sections (80 columns, as in a terminal). */
export async function renderCommandReference(): Promise<string> {
  const io: CliIO = {
    stdout: () => undefined,
    stderr: () => undefined,
    env: {},
    cwd: '.',
    clock: new ManualClock('2026-01-01T00:00:00Z'),
    isTTY: false,
  };
  const state: { exitCode: ExitCode } = { exitCode: EXIT.OK };
  const program = await buildProgram(io, state);
  program.configureOutput({ getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
  const sections = [`## upwatch\n\n\`\`\`\n${program.helpInformation().trimEnd()}\n\`\`\``];
  for (const cmd of program.commands) {
    cmd.configureOutput({ getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
    sections.push(`## upwatch ${cmd.name()}\n\n\`\`\`\n${cmd.helpInformation().trimEnd()}\n\`\`\``);
  }
  return sections.join('\n\n');
}

/**
 * Replace the generated block of docs/cli.md (between the markers) with `body`.
 *
 * @example
 * replaceCommandReference(readFileSync('docs/cli.md', 'utf8'), await renderCommandReference())
 */
export function replaceCommandReference(doc: string, body: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n${BEGIN}\n\n${body}\n\n${END}\n`;
  return `${doc.slice(0, start + BEGIN.length)}\n\n${body}\n\n${doc.slice(end)}`;
}
