// Old code against new on a noisy machine: runs one benchmark command in two checkouts at the same time, round after
// round, and prints each round's wall times and the median ratio new / old. Run together, the two processes see the
// same host (on the 2-core benchmark machine the same run alone took anywhere from 40 to 57 s); the checkout started
// first alternates, because the first one started was measured about 5 % faster.
//
//   git archive OLD | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/node_modules
//   node --import tsx bench/detection/pairs.ts 6 /tmp/old . -- node --import tsx bench/detection/replay-profile.ts 300
//
// The command's last line on stdout must be JSON with `ms` (replay-profile.ts, backtest-child.ts); its `digest` or
// `findings`, when given, must be the same in both checkouts (the same results), or the round is reported as such.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from '../../src/detectors/stats/robust.js';

/** One run's last JSON line: wall time and, when the benchmark prints them, what identifies its results. */
interface RunResult {
  ms: number;
  digest?: string;
  findings?: number;
  maxRssMB?: number;
}

/** One round: both checkouts' results, and which one was started first. */
export interface PairRound {
  oldRun: RunResult;
  newRun: RunResult;
  newFirst: boolean;
  ratio: number;
}

function run(cwd: string, command: string[]): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.on('error', fail);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(last) as RunResult;
        if (code !== 0 || typeof parsed.ms !== 'number') throw new Error(`exit code ${code}`);
        done(parsed);
      } catch (e) {
        fail(
          new Error(
            `${command.join(' ')} in ${cwd}: no JSON line with "ms" at the end (${String(e)}): ${last}`,
          ),
        );
      }
    });
  });
}

/** Run `command` in `oldDir` and `newDir` at the same time, `rounds` times, alternating which starts first. */
export async function runPairs(
  rounds: number,
  oldDir: string,
  newDir: string,
  command: string[],
): Promise<PairRound[]> {
  const out: PairRound[] = [];
  for (let r = 0; r < rounds; r++) {
    const newFirst = r % 2 === 1;
    const [first, second] = newFirst ? [newDir, oldDir] : [oldDir, newDir];
    // Both settle before a failure is thrown: the other run is not left behind, still loading the machine.
    const [sa, sb] = await Promise.allSettled([run(first, command), run(second, command)]);
    if (sa.status === 'rejected') throw sa.reason;
    if (sb.status === 'rejected') throw sb.reason;
    const [ra, rb] = [sa.value, sb.value];
    const [oldRun, newRun] = newFirst ? [rb, ra] : [ra, rb];
    out.push({ oldRun, newRun, newFirst, ratio: newRun.ms / oldRun.ms });
  }
  return out;
}

/** The median of the rounds' ratios new / old (below 1: the new code is faster). */
export function medianRatio(rounds: readonly PairRound[]): number {
  return median(rounds.map((r) => r.ratio));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const dash = args.indexOf('--');
  if (dash !== 3 || args.length < 5 || !(Number.isInteger(Number(args[0])) && Number(args[0]) > 0)) {
    process.stderr.write(
      'usage: pairs.ts ROUNDS OLD_DIR NEW_DIR -- COMMAND… (ROUNDS: a whole number from 1)\n',
    );
    process.exit(2);
  }
  const rounds = Number(args[0]);
  const oldDir = resolve(args[1]!);
  const newDir = resolve(args[2]!);
  const result = await runPairs(rounds, oldDir, newDir, args.slice(4));
  for (const r of result) {
    const same =
      r.oldRun.digest === r.newRun.digest && r.oldRun.findings === r.newRun.findings
        ? ''
        : '  RESULTS DIFFER';
    const rss = (x: RunResult) => (x.maxRssMB !== undefined ? ` ${Math.round(x.maxRssMB)} MB` : '');
    console.log(
      `old ${Math.round(r.oldRun.ms)} ms${rss(r.oldRun)}  new ${Math.round(r.newRun.ms)} ms${rss(r.newRun)}  ` +
        `new/old ${r.ratio.toFixed(3)}${r.newFirst ? ' (new started first)' : ''}${same}`,
    );
  }
  console.log(`median new/old over ${result.length} rounds: ${medianRatio(result).toFixed(3)}`);
}
