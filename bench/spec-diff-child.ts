// One measured `upwatch spec-diff` run in its own process: prints {ms, cpuMs, maxRssMB, exit, changes} as JSON.
import { systemClock } from '../src/core/clock.js';
import type { CliIO } from '../src/cli/io.js';
import { runCli } from '../src/cli/main.js';

let out = '';
const io: CliIO = {
  stdout: (t) => void (out += t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  clock: systemClock,
  isTTY: false,
};
const rssBefore = process.resourceUsage().maxRSS / 1024;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const exit = await runCli(['spec-diff', ...process.argv.slice(2), '--format', 'json'], io);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const changes = (JSON.parse(out || '{"changes":[]}') as { changes: unknown[] }).changes.length;
console.log(
  JSON.stringify({
    ms,
    cpuMs,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    startupRssMB: rssBefore,
    exit,
    changes,
  }),
);
