// End to end: each warehouse story of the demo (pushed metrics through the ingest path, a real SQLite store, the real
// mail relay over loopback SMTP, the advisor) finds the finding that names its problem in time, nothing else, and
// ends with the advice the story calls for.
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPushDemo } from '../../src/demo/run-push-demo.js';
import type { DemoResult } from '../../src/demo/run-demo.js';
import type { CaughtMail } from '../../src/demo/smtp-catcher.js';
import { loadContractTexts } from '../../src/contracts/load.js';
import { pushDate, pushInstant, type PushScenario } from '../../src/sim/push-scenario.js';
import { PUSH_SCENARIOS } from '../../src/sim/scenarios/index.js';
import { cli, exitOf, spawnTsx } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe.each(PUSH_SCENARIOS.map((s) => [s.name, s] as const))(
  'warehouse story %s',
  (_name, scenario: PushScenario) => {
    let result: DemoResult;
    const mails: { day: number; mail: CaughtMail }[] = [];
    const contracts = loadContractTexts([{ path: `${scenario.name}.yaml`, text: scenario.contracts }], {
      env: () => undefined,
      now: pushInstant(scenario, 0),
    });
    const model = contracts.contracts.models?.find((m) => m.name === scenario.advice.model);

    beforeAll(async () => {
      let day = 0;
      result = await runPushDemo({
        scenario,
        workDir: tempDir(`upwatch-story-${scenario.name}-`),
        onDay: (d) => void (day = d.day + 1),
        onMail: (mail) => mails.push({ day: day, mail }),
      });
    }, 120_000);

    it('has contracts that load without a diagnostic, with a model the advice asks about', () => {
      expect(contracts.diagnostics).toEqual([]);
      expect(model).toBeDefined();
    });

    it('stores one push a day through the ingest path, the first one with the backfill', () => {
      expect(result.feed).toBe('push');
      expect(result.timeline).toHaveLength(scenario.days);
      expect(result.timeline.every((d) => d.polls.length === 1 && d.polls[0]!.pushed === true)).toBe(true);
      expect(result.timeline[0]!.polls[0]!.values).toBeGreaterThan(result.timeline[1]!.polls[0]!.values * 30);
    });

    it('opens the finding that names the problem within its delay, with its class, severity and entities', () => {
      const n = scenario.naming;
      const f = result.story?.naming;
      expect(f, `${n.rule} on ${n.metric} was never opened`).toBeDefined();
      expect(f).toMatchObject({ rule: n.rule, class: n.class, severity: n.severity, metric: n.metric });
      expect(f!.day).toBeGreaterThanOrEqual(n.day);
      expect(f!.day).toBeLessThanOrEqual(n.day + n.maxDelayDays);
      for (const e of n.entities ?? []) expect(f!.entities).toContain(e);
      // Its onset is the first data day of the change or later, never before it (the change is on data day n.day − 1).
      expect(f!.onset >= pushDate(scenario, n.day - 1)).toBe(true);
    });

    it('opens nothing before the change and nothing the story does not explain', () => {
      const allowed = new Set([scenario.naming.rule, ...scenario.alsoExpected]);
      for (const d of result.timeline)
        for (const f of [...d.opened, ...d.escalated]) {
          expect(allowed, `day ${d.day}: ${f.rule} ${f.metric ?? ''}: ${f.explanation}`).toContain(f.rule);
          expect(d.day).toBeGreaterThanOrEqual(scenario.naming.day);
        }
    });

    it('mails the naming finding to the model owners over SMTP the day it opens', () => {
      const f = result.story!.naming!;
      // onMail runs during a day's relay, before onDay: `day` is then the day being run.
      const alerts = mails.filter((m) => m.day === f.day && m.mail.subject.includes(f.metric!));
      expect(alerts.length, mails.map((m) => `${m.day} ${m.mail.subject}`).join('\n')).toBeGreaterThan(0);
      for (const owner of model!.owners) expect(alerts.some((m) => m.mail.to.includes(owner))).toBe(true);
    });

    it('ends with the gate the story calls for', () => {
      for (const g of scenario.gate)
        expect(result.finalStates.find((s) => s.feature === g.feature)?.state ?? 'ok').toBe(g.state);
    });

    it('ends with the advice the story calls for, naming the finding', () => {
      const a = result.story!.advice;
      expect(a.verdict).toBe(scenario.advice.verdict);
      expect(a.command).toMatch(
        new RegExp(
          `^upwatch advise --model ${scenario.advice.model} --window \\d{4}-\\d\\d-\\d\\d\\.\\.\\d{4}-\\d\\d-\\d\\d$`,
        ),
      );
      expect(a.text.split('\n')[0]).toBe(
        `model ${scenario.advice.model}, ${a.command.split('--window ')[1]}: ${scenario.advice.verdict}`,
      );
      expect(a.text).toContain(`[${result.story!.naming!.fingerprint.slice(0, 8)}]`);
    });

    it('links the finding to the declared event when the story has one, and only then', async () => {
      const links = result.story!.eventLinks;
      const event = scenario.naming.event;
      if (event === undefined) {
        expect(links).toEqual([]);
        expect(result.story!.naming!.event).toBeUndefined();
        return;
      }
      // The timeline says so the day it opens, and so does the alert mail.
      expect(result.story!.naming!.event).toBe(event);
      const f = result.story!.naming!;
      const alerts = await Promise.all(
        mails.filter((m) => m.day === f.day).map((m) => simpleParser(m.mail.raw)),
      );
      expect(alerts.length).toBeGreaterThan(0);
      for (const a of alerts) expect(a.text).toContain(`began during declared event ${event}`);
      expect(links).toContainEqual(
        expect.objectContaining({
          finding: result.story!.naming!.fingerprint,
          rule: scenario.naming.rule,
          event,
        }),
      );
      expect(result.story!.advice.text).toContain(`explained by event ${event}`);
    });
  },
);

describe('upwatch demo --scenario for a warehouse story (CLI)', () => {
  it('runs trust as a child process: the timeline, the naming finding, the advice and the summary; exit 0', async () => {
    const child = spawnTsx('src/cli/main.ts', ['demo', '--scenario', 'trust']);
    let out = '';
    child.stdout?.on('data', (b: Buffer) => void (out += b.toString()));
    const { code } = await exitOf(child);
    expect(code).toBe(0);
    expect(out).toContain('upwatch demo — scenario trust: 18 simulated days from 2026-07-06');
    expect(out).toContain('Each day a warehouse job pushes the day before (the path of upwatch ingest)');
    expect(out).toMatch(
      /^The finding that names the problem\n {2}day \d+ {2}WARN rate-shift {2}loan-desk\/override_rate/m,
    );
    expect(out).toMatch(
      /^Advice: upwatch advise --model credit-limit --window \S+\n {2}model credit-limit, \S+: do not retrain yet$/m,
    );
    expect(out).toContain('trust signal of credit-limit');
    expect(out).toContain(
      'people trust model credit-limit less (override_rate); find out why before anyone retrains',
    );
    expect(out).toContain('pushes     18 stored through the ingest path');
  });

  it('prints a story as JSON with --format json', async () => {
    const r = await cli(['demo', '--scenario', 'ctr-proxy', '--format', 'json'], {
      cwd: tempDir('upwatch-story-json-'),
    });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as DemoResult;
    expect(json.feed).toBe('push');
    expect(json.story?.advice.verdict).toBe('retrain after fixes');
    expect(json.story?.eventLinks.map((l) => l.event)).toEqual(['ui-redesign-2026-08']);
  });

  it('lists every scenario when the name is unknown', async () => {
    const r = await cli(['demo', '--scenario', 'nope'], { cwd: tempDir('upwatch-story-bad-') });
    expect(r.code).toBe(2);
    for (const name of [
      'meta-2024',
      'quiet',
      'underwriting (18 days)',
      'search-taxonomy',
      'trust',
      'ctr-proxy',
    ])
      expect(r.stderr).toContain(name);
  });
});
