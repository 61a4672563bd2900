// End to end: docs/tutorial.md as written — every `sh` block in order, against `upwatch sim` spawned on a free port.
//
// The sandbox child reads the real clock (it is the point of `upwatch sim`: a poller on the real clock), so the
// in-process commands read it too. What they conclude does not depend on the date or the hour: the sandbox moves
// its story by whole weeks onto the real calendar (same values, same weekdays, any day of the year), and the
// tutorial advances a day or two past the first day the freeze can block, so that the hour of the Pacific day
// boundary does not matter either (sandbox-anchor.ts and its test cover the dates).
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { SANDBOX_URL } from '../../src/init/templates.js';
import { cli, exitOf, REPO, spawnTsx, waitForOutput } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runGit } from './ci-fixture.js';

/** One command of the tutorial: its line, a here-document body if it has one, the exit code the page states. */
interface Step {
  line: string;
  heredoc?: string;
  exit: number;
}

/** The commands of every fenced `sh` block, in order; `# exit N` at the end of a line is the expected exit code. */
function tutorialSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const block of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const lines = block[1]!.split('\n').filter((l) => l.trim() !== '');
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      const m = /^(.*?)\s+# exit (\d)$/.exec(raw);
      const line = (m ? m[1]! : raw).trim();
      const step: Step = { line, exit: m ? Number(m[2]) : 0 };
      const tag = /<<'(\w+)'$/.exec(line)?.[1];
      if (tag !== undefined) {
        const end = lines.indexOf(tag, i + 1);
        if (end < 0) throw new Error(`here-document ${tag} not closed after: ${line}`);
        step.heredoc = `${lines.slice(i + 1, end).join('\n')}\n`;
        i = end;
      }
      steps.push(step);
    }
  }
  return steps;
}

/** Split a command line into words (double and single quotes, no expansion). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const TUTORIAL = readFileSync(join(REPO, 'docs', 'tutorial.md'), 'utf8');
const STEPS = tutorialSteps(TUTORIAL);

/** The forms of command the tutorial may use; a new form must be taught to this test first. */
const FORMS = {
  project: /^mkdir \S+ && cd \S+$/, // the temp directory stands for the project folder
  npm: /^npm (init|install)\b/, // upwatch is this checkout
  sim: /^npx upwatch sim$/,
  upwatch: /^npx upwatch (?!sim$)\S/,
  export: /^export (\w+)=(\S+)$/,
  curl: /^curl -s -X POST '([^']+)'$/,
  git: /^git \S/,
  append: /^cat >> (\S+) <<'EOF'$/,
} as const;

function formOf(step: Step): keyof typeof FORMS | undefined {
  return (Object.keys(FORMS) as (keyof typeof FORMS)[]).find((k) => FORMS[k].test(step.line));
}

describe('docs/tutorial.md', () => {
  it('uses only commands this test knows how to run', () => {
    expect(STEPS.length).toBeGreaterThan(10);
    expect(STEPS.filter((s) => formOf(s) === undefined).map((s) => s.line)).toEqual([]);
    expect(STEPS.filter((s) => formOf(s) === 'sim')).toHaveLength(1);
  });

  let sim: ChildProcess | undefined;
  afterAll(() => void sim?.kill('SIGKILL'));

  it('runs as written: init, sim, poll, a freeze upstream, gate, report, ci', async () => {
    const dir = tempDir('upwatch-tutorial-');
    const env: Record<string, string> = {};
    let url: string | undefined;
    const outputs: { line: string; out: string }[] = [];
    const live = (u: string) => (url === undefined ? u : u.replaceAll(SANDBOX_URL, url));

    for (const step of STEPS) {
      const form = formOf(step)!;
      const where = `tutorial step "${step.line}"`;
      let code = 0;
      let out = '';
      switch (form) {
        case 'project':
        case 'npm':
          break;
        case 'sim': {
          sim = spawnTsx('src/cli/main.ts', [...words(step.line).slice(2), '--port', '0']);
          const seen = await waitForOutput(sim, /baseUrl\s+(http:\/\/\S+)/);
          url = /baseUrl\s+(http:\/\/\S+)/.exec(seen)![1]!;
          // The scaffold points at the default port; this sandbox listens on a free one.
          for (const f of readdirSync(join(dir, 'contracts'))) {
            const path = join(dir, 'contracts', f);
            writeFileSync(path, live(readFileSync(path, 'utf8')));
          }
          out = seen;
          break;
        }
        case 'upwatch': {
          const r = await cli(words(step.line).slice(2), { cwd: dir, env, clock: systemClock });
          code = r.code;
          out = r.stdout + r.stderr;
          break;
        }
        case 'export': {
          const [, name, value] = FORMS.export.exec(step.line)!;
          env[name!] = value!;
          break;
        }
        case 'curl': {
          const r = await fetch(live(FORMS.curl.exec(step.line)![1]!), { method: 'POST' });
          out = await r.text();
          code = r.ok ? 0 : 22; // curl -f would exit 22
          break;
        }
        case 'git':
          out = runGit(dir, words(step.line).slice(1));
          break;
        case 'append':
          appendFileSync(join(dir, FORMS.append.exec(step.line)![1]!), step.heredoc!);
          break;
      }
      outputs.push({ line: step.line, out });
      expect(code, `${where} exited ${code}:\n${out}`).toBe(step.exit);
    }

    const after = (prefix: string) => outputs.filter((o) => o.line.startsWith(prefix)).map((o) => o.out);
    const gates = after('npx upwatch gate');
    expect(gates[0]).toMatch(/video_watch_rate_14d {2}ok/);
    expect(gates.at(-1)).toMatch(/video_watch_rate_14d {2}BLOCKED\n {2}block {2}frozen-run/);
    expect(gates.at(-1)).toMatch(/engagement_per_view_7d {2}ok/);
    expect(after('npx upwatch poll').map((o) => /poll #(\d+)/.exec(o)?.[1])).toEqual(['1', '2', '3']);
    expect(existsSync(join(dir, 'upwatch-report.html'))).toBe(true);
    expect(after('npx upwatch ci').at(-1)).toMatch(/video_completion_7d uses .*\[upwatch\/metric-frozen\]/);
    // The scaffold's .gitignore kept the store out of the commit; the doc snapshots went in.
    const tracked = runGit(dir, ['ls-files']);
    expect(tracked).not.toMatch(/^\.upwatch\//m);
    expect(tracked).toMatch(/^snapshots\/status\.json$/m);

    sim!.kill('SIGTERM');
    const stopped = await exitOf(sim!);
    expect(stopped).toEqual({ code: 0, signal: null });
  }, 240_000);
});
