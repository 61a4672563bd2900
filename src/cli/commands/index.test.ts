import { describe, expect, it } from 'vitest';
import { REPO, cli } from '../../../test/helpers/cli.js';
import { ManualClock } from '../../core/clock.js';
import { buildProgram } from '../main.js';
import { EXIT, type CliIO } from '../io.js';
import { COMMANDS, commandsFor } from './index.js';

const names = (argv: string[]) => commandsFor(argv).map((c) => c.name);
const every = COMMANDS.map((c) => c.name);

describe('the command table', () => {
  it('names each command as its module registers it, in help order', async () => {
    const io: CliIO = {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      cwd: REPO,
      clock: new ManualClock('2026-01-01T00:00:00Z'),
      isTTY: false,
    };
    const program = await buildProgram(io, { exitCode: EXIT.OK });
    expect(program.commands.map((c) => c.name())).toEqual(every);
  });

  it('loads only the named command, none for --version, every one for help or an unknown name', () => {
    expect(names(['gate', 'reach_28d', '--status-file', 'snapshots/status.json'])).toEqual(['gate']);
    expect(names(['gate', '--help'])).toEqual(['gate']);
    expect(names(['--', 'gate'])).toEqual(['gate']);
    expect(names(['--version'])).toEqual([]);
    expect(names(['-V'])).toEqual([]);
    expect(names(['--help'])).toEqual(every);
    expect(names(['-h', 'gate'])).toEqual(every);
    expect(names(['help', 'gate'])).toEqual(every);
    expect(names([])).toEqual(every);
    expect(names(['gaet'])).toEqual(every);
  });

  it('still lists every command in help and suggests the command a typo meant', async () => {
    const help = await cli(['--help'], { cwd: REPO });
    expect(help.code).toBe(0);
    for (const name of every) expect(help.stdout).toContain(`\n  ${name} `);
    const typo = await cli(['gaet'], { cwd: REPO });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('(Did you mean gate?)');
  });
});
