// The warehouse stories through the real CLI: each day's push written as the CSV a warehouse job would export and
// fed to `upwatch ingest` (a file on disk, the CLI's parser, settings and store), mail over a loopback SMTP server,
// then `upwatch advise` and `upwatch gate`. The CLI must conclude what the demo's runner concludes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { pushRows, runPushDemo } from '../../src/demo/run-push-demo.js';
import type { DemoResult } from '../../src/demo/run-demo.js';
import { pushDate, pushInstant, type PushScenario } from '../../src/sim/push-scenario.js';
import { PUSH_SCENARIOS } from '../../src/sim/scenarios/index.js';
import { cli } from '../helpers/cli.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { tempDir } from '../helpers/temp-dir.js';

/** One push as the CSV a warehouse job writes: a `segment` column, and `category` for a categorical metric. */
function csv(scenario: PushScenario, day: number): string {
  const rows = pushRows(scenario, day);
  const categories = rows.some((r) => r.category !== undefined);
  const head = `date,source,metric,segment,value${categories ? ',category' : ''}`;
  const lines = rows.map(
    (r) =>
      `${r.date},${r.source},${r.metric},${r.entity},${r.value}${categories ? `,${r.category ?? ''}` : ''}`,
  );
  return `${[head, ...lines].join('\n')}\n`;
}

interface Opened {
  rule: string;
  metric?: string;
  fingerprint: string;
}

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.close();
});

describe.each(PUSH_SCENARIOS.map((s) => [s.name, s] as const))(
  '%s through upwatch ingest',
  (_n, scenario) => {
    const root = tempDir(`upwatch-story-cli-${scenario.name}-`);
    const clock = new ManualClock(pushInstant(scenario, 0));
    const opened: { day: number; f: Opened }[] = [];
    let demo: DemoResult;
    let mailed = 0;

    beforeAll(async () => {
      demo = await runPushDemo({ scenario });
      mkdirSync(join(root, 'contracts'));
      mkdirSync(join(root, 'exports'));
      writeFileSync(join(root, 'contracts', `${scenario.name}.yaml`), scenario.contracts);
      const before = sink.received.length;
      for (let day = 0; day < scenario.days; day++) {
        clock.set(pushInstant(scenario, day));
        const file = join('exports', `${pushDate(scenario, day)}.csv`);
        writeFileSync(join(root, file), csv(scenario, day));
        const r = await cli(['ingest', '--source', scenario.source, file, '--json'], {
          cwd: root,
          env: { UPWATCH_SMTP_URL: sink.url() },
          clock,
        });
        expect(r.code, `day ${day}: ${r.stderr}`).toBe(0);
        const result = JSON.parse(r.stdout) as { processed: { opened: Opened[] } };
        for (const f of result.processed.opened) opened.push({ day, f });
      }
      mailed = sink.received.length - before;
    }, 120_000);

    it('opens the same findings on the same days as the demo', () => {
      const fromDemo = demo.timeline.flatMap((d) =>
        d.opened.map((f) => `${d.day} ${f.rule} ${f.metric ?? ''}`),
      );
      expect(opened.map(({ day, f }) => `${day} ${f.rule} ${f.metric ?? ''}`)).toEqual(fromDemo);
      expect(
        opened.some(({ f }) => f.rule === scenario.naming.rule && f.metric === scenario.naming.metric),
      ).toBe(true);
    });

    it('mails what it opened as it goes, as the demo does', () => {
      const fromDemo = demo.timeline.reduce((n, d) => n + d.emails.length, 0);
      expect(mailed).toBe(fromDemo);
    });

    it('advises as the demo does, with the advisor exit code', async () => {
      const command = demo.story!.advice.command.split(' ').slice(1);
      const r = await cli(command, { cwd: root, clock });
      expect(r.stdout).toBe(demo.story!.advice.text);
      expect(r.code).toBe(scenario.advice.verdict === 'retrain' ? 0 : 1);
    });

    it('gates the model as the story calls for', async () => {
      const r = await cli(['gate', '--model', scenario.advice.model, '--json'], { cwd: root, clock });
      const gate = JSON.parse(r.stdout) as { features: { feature: string; state: string }[] };
      for (const g of scenario.gate)
        expect(gate.features.find((f) => f.feature === g.feature)?.state).toBe(
          g.state === 'blocked' ? 'blocked' : g.state,
        );
      expect(r.code).toBe(scenario.gate.some((g) => g.state === 'blocked') ? 1 : 0);
    });
  },
);
