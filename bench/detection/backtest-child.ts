// Child process of the 1-million-row backtest benchmark: runs `upwatch backtest` in-process (`--workers` from the
// second argument when given) and reports its own wall time, CPU time and peak resident memory (all its threads) as
// one JSON line on stdout.
import { runCli } from '../../src/cli/main.js';
import { systemClock } from '../../src/core/clock.js';

const file = process.argv[2]!;
const workers = process.argv[3] ? ['--workers', process.argv[3]] : [];
let findings = 0;
const t0 = performance.now();
const code = await runCli(['backtest', '--history', file, '--format', 'json', '--no-progress', ...workers], {
  stdout: () => void findings++,
  stderr: (t) => void process.stderr.write(t),
  env: {},
  cwd: process.cwd(),
  clock: systemClock,
  isTTY: false,
});
const ms = performance.now() - t0;
const ru = process.resourceUsage();
console.log(
  JSON.stringify({
    code,
    findings,
    ms,
    cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000,
    maxRssMB: ru.maxRSS / 1024,
  }),
);
