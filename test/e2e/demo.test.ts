// End to end: the demo's whole pipeline over the default scenario detects every scripted event on time and nothing else.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GateState } from '../../src/core/gate.js';
import { runDemo, type DemoFinding, type DemoResult } from '../../src/demo/run-demo.js';
import type { CaughtMail } from '../../src/demo/smtp-catcher.js';
import { loadContractTexts } from '../../src/contracts/load.js';
import { simContractFiles } from '../../src/sim/contracts.js';
import { pollInstant, type ExpectedEvent } from '../../src/sim/scenario.js';
import { meta2024 } from '../../src/sim/scenarios/meta-2024.js';
import { openStore } from '../../src/store/store.js';
import { cli, exitOf, spawnTsx } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const scenario = meta2024;
const SOURCES = [scenario.contractSources.graph, scenario.contractSources.partner];
const RANK: Record<GateState, number> = { ok: 0, warn: 1, blocked: 2 };
const TOKENS = [scenario.graph.accessToken, scenario.partner.token];

interface Detection {
  day: number;
  f: DemoFinding;
}

let result: DemoResult;
let workDir: string;
const mails: { day: number; mail: CaughtMail }[] = [];
let detections: Detection[];
/** End-of-day gate state of every feature, per day. */
let statesByDay: Map<string, GateState>[];
const contracts = loadContractTexts(simContractFiles(scenario, 'http://127.0.0.1:1'), {
  env: () => 'x',
  now: pollInstant(scenario, 0),
}).contracts;

beforeAll(async () => {
  workDir = tempDir('upwatch-demo-e2e-');
  let day = 0;
  result = await runDemo({
    scenario,
    workDir,
    onDay: (d) => void (day = d.day + 1),
    onMail: (mail) => mails.push({ day, mail }),
  });
  detections = result.timeline.flatMap((d) => [...d.opened, ...d.escalated].map((f) => ({ day: d.day, f })));
  const current = new Map<string, GateState>(contracts.features.map((f) => [f.name, 'ok']));
  statesByDay = result.timeline.map((d) => {
    for (const c of d.features) current.set(c.feature, c.to);
    return new Map(current);
  });
}, 180_000);

function metricMatches(f: DemoFinding, e: ExpectedEvent): boolean {
  return f.metric === undefined || e.metric === undefined || f.metric === e.metric;
}

/** An expected event explains a finding: one of its rules, its source, a compatible metric, on or after its day. */
function explains(e: ExpectedEvent, d: Detection): boolean {
  return (
    (e.rules ?? [e.rule]).includes(d.f.rule) &&
    d.f.source === e.source &&
    metricMatches(d.f, e) &&
    d.day >= e.day
  );
}

function describeDetection(d: Detection): string {
  return `day ${d.day}: ${d.f.severity} ${d.f.rule} ${d.f.source}/${d.f.metric ?? '-'} ${d.f.title}`;
}

const expected = scenario.expectedEvents.map(
  (e) => [`${e.kind} ${e.metric ?? e.source} (day ${e.day})`, e] as const,
);

describe('upwatch demo: meta-2024, 180 simulated days through the real pipeline', () => {
  it('ran every simulated day and stored every poll (days × sources)', async () => {
    expect(result.timeline).toHaveLength(scenario.days);
    const store = openStore(join(workDir, 'upwatch.db'), { readonly: true });
    try {
      for (const source of SOURCES)
        expect(await store.recentPolls(source, 10_000)).toHaveLength(scenario.days);
    } finally {
      await store.close();
    }
    const polls = result.summary.polls;
    expect(polls.ok + polls.partial + polls.failed).toBe(scenario.days * SOURCES.length);
  });

  it.each(expected)('detects %s with its rule within the documented delay', (_name, e) => {
    const hits = detections.filter(
      (d) =>
        d.f.rule === e.rule &&
        d.f.source === e.source &&
        metricMatches(d.f, e) &&
        d.day >= e.day &&
        d.day <= e.day + e.maxDelayDays,
    );
    expect(
      hits.map(describeDetection),
      `no ${e.rule} between day ${e.day} and ${e.day + e.maxDelayDays}`,
    ).not.toEqual([]);
    expect(hits.some((h) => h.f.severity === e.severity)).toBe(true);
    if (e.entities)
      expect(hits.some((h) => [...h.f.entities].sort().join() === [...e.entities!].sort().join())).toBe(true);
  });

  it('raises nothing else at warn or block (info is allowed)', () => {
    const unexplained = detections.filter(
      (d) => d.f.severity !== 'info' && !scenario.expectedEvents.some((e) => explains(e, d)),
    );
    expect(unexplained.map(describeDetection)).toEqual([]);
  });

  it.each(expected.filter(([, e]) => e.features))(
    '%s moves its features to the expected gate state',
    (_name, e) => {
      for (const want of e.features!) {
        const reached = statesByDay
          .slice(e.day, e.day + e.maxDelayDays + 1)
          .some((s) => RANK[s.get(want.name) ?? 'ok'] >= RANK[want.state]);
        expect(reached, `${want.name} did not reach ${want.state} by day ${e.day + e.maxDelayDays}`).toBe(
          true,
        );
      }
    },
  );

  /** The day of the latest scripted decision up to `day` that lets `feature` go (-1 when none). */
  const decidedDay = (feature: string, day: number): number =>
    Math.max(
      -1,
      ...(scenario.decisions ?? [])
        .filter((d) => d.day <= day && d.features.includes(feature))
        .map((d) => d.day),
    );

  /** The most severe state the scripted events up to `day`, after the last decision on it, allow for a feature (0 = ok). */
  const allowed = (feature: string, day: number): number =>
    Math.max(
      0,
      ...scenario.expectedEvents
        .filter((e) => e.day <= day && e.day > decidedDay(feature, day))
        .flatMap((e) => e.features ?? [])
        .filter((x) => x.name === feature)
        .map((x) => RANK[x.state]),
    );

  it('never warns or blocks a feature beyond what the scripted events allow', () => {
    const excess: string[] = [];
    statesByDay.forEach((states, day) => {
      for (const [feature, state] of states)
        if (RANK[state] > allowed(feature, day)) excess.push(`day ${day}: ${feature} ${state}`);
    });
    expect(excess).toEqual([]);
  });

  it('ends with every feature in the state the scripted events call for', () => {
    const final = Object.fromEntries(result.finalStates.map((f) => [f.feature, f.state]));
    const want = Object.fromEntries(
      contracts.features.map((f) => [
        f.name,
        (['ok', 'warn', 'blocked'] as const)[allowed(f.name, scenario.days)],
      ]),
    );
    expect(final).toEqual(want);
  });

  it.each((scenario.decisions ?? []).map((d) => [`${d.source}/${d.metric} (day ${d.day})`, d] as const))(
    'records the decision on %s and opens the gate on its features the same day, for good',
    (_name, d) => {
      const day = result.timeline[d.day]!;
      expect(day.decisions.map((x) => [x.source, x.metric, x.kind])).toEqual([[d.source, d.metric, d.as]]);
      for (const feature of d.features) {
        expect(statesByDay[d.day - 1]!.get(feature)).toBe('blocked');
        for (let i = d.day; i < scenario.days; i++)
          expect(statesByDay[i]!.get(feature), `day ${i}`).toBe('ok');
      }
      const reopened = detections.filter(
        (x) => x.day >= d.day && x.f.metric === d.metric && x.f.source === d.source,
      );
      expect(reopened.map(describeDetection)).toEqual([]);
    },
  );

  it('asks the advisor before each weekly retrain: yes while clean, not yet right after the ×100, fixes until decided', () => {
    const r = scenario.retrain!;
    const checks = result.timeline.filter((d) => d.retrain).map((d) => ({ day: d.day, ...d.retrain! }));
    expect(checks.map((c) => c.day)).toEqual(
      Array.from(
        { length: Math.floor((scenario.days - 1 - r.firstDay) / r.everyDays) + 1 },
        (_, i) => r.firstDay + i * r.everyDays,
      ),
    );
    const removal = scenario.expectedEvents.find((e) => e.kind === 'metric-removed')!.day;
    const rescale = scenario.expectedEvents.find((e) => e.kind === 'unit-change')!;
    const decision = scenario.decisions!.find((d) => d.metric === rescale.metric)!;
    for (const c of checks) {
      const rate = c.spans.filter((s) => s.metric === rescale.metric);
      if (c.day < removal) expect(c.verdict, `day ${c.day}`).toBe('retrain');
      else expect(c.verdict, `day ${c.day}: a window with an undecided break`).not.toBe('retrain');
      if (c.day >= rescale.day && c.day < rescale.day + 7) {
        expect(c.verdict, `day ${c.day}`).toBe('do not retrain yet');
        expect(rate.map((s) => s.kind)).toContain('new-regime');
      }
      if (c.day >= rescale.day + 7 && c.day < decision.day)
        expect(rate, `day ${c.day}`).toContainEqual(
          expect.objectContaining({ kind: 'scale-change', action: 'rescale', factor: 100 }),
        );
      if (c.day >= decision.day)
        expect(
          rate.filter((s) => s.weight !== 'decided'),
          `day ${c.day}`,
        ).toEqual([]);
    }
  });

  it('treats transient faults as quiet and a day the partner API is down as "could not verify"', () => {
    for (const q of scenario.quietEvents.filter(
      (x) => x.kind === 'transient-fault' || x.kind === 'throttled',
    )) {
      const day = result.timeline[q.day]!;
      const poll = day.polls.find((p) => p.source === q.source)!;
      if (/all day/.test(q.note)) {
        expect(poll.outcome).toBe('failed');
        expect([...day.opened, ...day.resolved].filter((f) => f.source === q.source)).toEqual([]);
      } else {
        expect(poll.retries, `day ${q.day} ${q.note}`).toBeGreaterThan(0);
        expect(poll.outcome).not.toBe('failed');
      }
    }
  });

  it.each(expected.filter(([, e]) => e.features))('mails the owners when %s is detected', (_name, e) => {
    const first = detections.find((d) => d.f.rule === e.rule && explains(e, d))!;
    const source = contracts.sources.find((s) => s.name === e.source)!;
    const owners = new Set([
      ...source.owners,
      ...e.features!.flatMap((x) => contracts.features.find((f) => f.name === x.name)!.owners),
    ]);
    const alerts = result.timeline[first.day]!.emails.filter((m) => m.kind === 'alert');
    for (const owner of owners) {
      const theirs = alerts.filter((m) => m.to.includes(owner));
      expect(theirs.length, `no alert to ${owner} on day ${first.day}`).toBeGreaterThan(0);
      expect(theirs.some((m) => m.subject.includes(e.metric ?? 'deprecated'))).toBe(true);
    }
  });

  it('groups mail: at most one message of a kind per recipient and source each day, never the same one twice', () => {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    for (const d of result.timeline) {
      for (const m of d.emails) {
        for (const to of m.to) {
          const key = `${d.day}|${to}|${m.kind}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          const same = `${key}|${m.subject}`;
          expect(seen.has(same), `duplicate mail ${same}`).toBe(false);
          seen.add(same);
        }
      }
    }
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(SOURCES.length);
    expect(result.summary.emails.alert).toBeGreaterThan(0);
  });

  it('never mails a token', async () => {
    expect(mails.length).toBe(result.timeline.reduce((n, d) => n + d.emails.length, 0));
    for (const { mail } of mails) for (const t of TOKENS) expect(mail.raw).not.toContain(t);
    const parsed = await Promise.all(mails.slice(0, 200).map(({ mail }) => simpleParser(mail.raw)));
    for (const p of parsed) {
      const text = `${p.subject ?? ''}\n${p.text ?? ''}\n${typeof p.html === 'string' ? p.html : ''}`;
      for (const t of TOKENS) expect(text).not.toContain(t);
    }
  });
});

describe('upwatch demo (CLI)', () => {
  const cwd = tempDir('upwatch-demo-cli-');
  it('runs 5 days as a child process, prints the timeline and the summary, exits 0', async () => {
    const child = spawnTsx('src/cli/main.ts', ['demo', '--days', '5']);
    let out = '';
    child.stdout?.on('data', (b: Buffer) => void (out += b.toString()));
    const { code } = await exitOf(child);
    expect(code).toBe(0);
    expect(out).toContain('upwatch demo — scenario meta-2024: 5 simulated days from 2023-11-14');
    expect(out).toMatch(/^Day {3}0 {2}2023-11-14 Tue$/m);
    expect(out).toContain('polls      10 stored (10 ok, 0 partial, 0 failed');
    expect(out).toContain('temporary store and snapshots removed');
  });

  it('prints the timeline as JSON with --format json', async () => {
    const r = await cli(['demo', '--days', '2', '--format', 'json'], { cwd });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as DemoResult;
    expect(json.timeline.map((d) => d.date)).toEqual(['2023-11-14', '2023-11-15']);
    expect(json.summary.polls.ok).toBe(4);
  });

  it('keeps the store and snapshots with --keep and says where', async () => {
    const r = await cli(['demo', '--days', '1', '--keep'], { cwd });
    expect(r.code).toBe(0);
    const store = /kept {7}store (\S+)/.exec(r.stdout)?.[1];
    expect(store).toBeDefined();
    const s = openStore(store!, { readonly: true });
    expect(await s.recentPolls(SOURCES[0]!, 10)).toHaveLength(1);
    await s.close();
    rmSync(dirname(store!), { recursive: true, force: true });
  });

  it.each([
    [
      ['demo', '--scenario', 'nope'],
      /unknown scenario "nope"[\s\S]*meta-2024 \(180 days\), quiet \(120 days\)/,
    ],
    [['demo', '--days', '0'], /--days must be a whole number/],
    [['demo', '--format', 'xml'], /--format must be text or json/],
  ])('%j → exit 2 with a hint', async (args, message) => {
    const r = await cli(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
