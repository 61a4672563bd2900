import { DomUtils, parseDocument } from 'htmlparser2';
import type { Document, Element } from 'domhandler';
import { describe, expect, it } from 'vitest';
import type { MetricHistory, SeriesPoint } from '../core/detector.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { FeatureGate } from '../core/gate.js';
import { finding } from '../../test/helpers/gate-fixtures.js';
import type { ReportData, ReportFinding } from './model.js';
import { renderReport } from './render.js';

const NOW = '2026-03-20T09:00:00.000Z';

function rec(metric: string | undefined, extra: Partial<FindingRecord> = {}): FindingRecord {
  const base = finding(metric ?? 'x', metric === undefined ? { metric: undefined } : {});
  const { metric: _drop, ...rest } = base;
  return {
    ...rest,
    ...(metric === undefined ? {} : { metric }),
    id: 1,
    episode: 1,
    status: 'open',
    firstSeen: '2026-03-14T07:00:00.000Z',
    lastSeen: '2026-03-20T07:00:00.000Z',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    ...extra,
  };
}

function history(metric: string, days: number, entities = ['111'], start = '2026-02-01'): MetricHistory {
  const map = new Map<string, SeriesPoint[]>();
  for (const e of entities) {
    map.set(
      e,
      Array.from({ length: days }, (_, i) => {
        const day = new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
        const v = 1000 + ((i * 37) % 200);
        return {
          periodEnd: `${day}T08:00:00.000Z`,
          day,
          value: v,
          firstValue: v,
          jsonType: 'int' as const,
          firstSeen: day,
          lastSeen: day,
        };
      }),
    );
  }
  return { source: 'meta', metric, entities: map };
}

function gateOf(features: FeatureGate[]): ReportData['gate'] {
  const counts = { ok: 0, warn: 0, blocked: 0 };
  for (const f of features) counts[f.state] += 1;
  return { generatedAt: NOW, features, counts, allowed: counts.blocked === 0 };
}

function feature(name: string, state: FeatureGate['state'], extra: Partial<FeatureGate> = {}): FeatureGate {
  return {
    feature: name,
    owners: [`${name}@example.com`],
    state,
    findingsState: state,
    reasons: [],
    unverified: [],
    ...extra,
  };
}

function metricItem(f: FindingRecord): ReportFinding {
  return {
    finding: f,
    upstream: 'Meta',
    features: [{ name: 'reach_7d', state: 'blocked', effect: 'block' }],
    history: history(f.metric!, 48),
    chartRange: { from: '2026-02-14', to: '2026-03-20' },
  };
}

/** A report with one of everything. */
function fullData(extra: Partial<ReportData> = {}): ReportData {
  const blocking = rec('page_media_view', {
    fingerprint: 'aaaa000011112222',
    evidence: { factor: 1000, pValue: 1.234e-9, pages: ['111', '222'] },
  });
  const sourceWide = rec(undefined, {
    fingerprint: 'bbbb000011112222',
    rule: 'http-deprecation-header-added',
    class: 'deprecation',
    severity: 'warn',
    title: 'endpoint deprecated',
    explanation: 'the upstream sent a Deprecation header.',
    status: 'acknowledged',
    ack: {
      by: 'ana',
      reason: 'migration ticket DATA-12',
      at: '2026-03-15T10:00:00.000Z',
      until: '2026-04-01T00:00:00.000Z',
    },
  });
  return {
    generatedAt: NOW,
    store: '/srv/upwatch/.upwatch/upwatch.db',
    contracts: '/srv/upwatch/contracts',
    contractErrors: 0,
    days: 30,
    gate: gateOf([
      feature('reach_7d', 'blocked', {
        reasons: [
          {
            fingerprint: blocking.fingerprint,
            rule: blocking.rule,
            severity: 'block',
            source: 'meta',
            metric: 'page_media_view',
            explanation: blocking.explanation,
            status: 'open',
            effect: 'block',
          },
        ],
      }),
      feature('growth_28d', 'ok', {
        findingsState: 'blocked',
        override: {
          action: 'allow',
          by: 'bo',
          reason: 'replacement metric wired',
          at: '2026-03-16T00:00:00.000Z',
          until: '2026-03-30T00:00:00.000Z',
        },
      }),
      feature('views_14d', 'warn', {
        unverified: [
          {
            source: 'partner',
            metrics: ['sessions'],
            freshnessHours: 36,
            lastVerifiedAt: '2026-03-17T09:00:00.000Z',
          },
        ],
      }),
    ]),
    open: [metricItem(blocking), { finding: sourceWide, features: [] }],
    resolved: [
      rec('page_follows', {
        fingerprint: 'cccc000011112222',
        status: 'resolved',
        rule: 'frozen-run',
        class: 'frozen',
        resolvedAt: '2026-03-18T07:00:00.000Z',
        title: 'page_follows frozen',
      }),
    ],
    resolvedOmitted: 0,
    sources: [
      {
        name: 'meta',
        declared: true,
        provider: 'meta-graph',
        pinnedVersion: 'v24.0',
        servedVersion: 'v25.0',
        freshnessHours: 36,
        status: {
          source: 'meta',
          lastPollAt: '2026-03-20T07:00:00.000Z',
          lastOutcome: 'partial',
          lastVerifiedAt: '2026-03-20T07:00:00.000Z',
          polls: 40,
          failedPolls: 1,
          consecutiveFailures: 0,
          observations: 960,
          metrics: 4,
          entities: 2,
        },
      },
      {
        name: 'partner',
        declared: true,
        provider: 'http-json',
        freshnessHours: 36,
        status: {
          source: 'partner',
          lastPollAt: '2026-03-20T07:00:00.000Z',
          lastOutcome: 'failed',
          lastErrorCode: 'HTTP_STATUS',
          lastErrorMessage: 'HTTP 500 from partner',
          lastVerifiedAt: '2026-03-17T09:00:00.000Z',
          polls: 10,
          failedPolls: 3,
          consecutiveFailures: 3,
          observations: 30,
          metrics: 1,
          entities: 1,
        },
      },
    ],
    pauses: [
      {
        principal: 'meta-graph:ab12cd',
        nextAllowedAt: '2026-03-20T10:00:00.000Z',
        reason: 'usage 95%',
        updatedAt: NOW,
      },
    ],
    ...extra,
  };
}

function dom(html: string): Document {
  return parseDocument(html);
}

function byId(doc: Document, id: string): Element | null {
  return DomUtils.findOne((e) => e.attribs['id'] === id, doc.children, true);
}

function all(doc: Document, test: (e: Element) => boolean): Element[] {
  return DomUtils.findAll(test, doc.children);
}

function textOf(e: Element | Document | null): string {
  return e ? DomUtils.textContent(e).replace(/\s+/g, ' ') : '';
}

describe('renderReport', () => {
  it('renders every section: header verdict, features, open findings with evidence and chart, resolved, sources', () => {
    const html = renderReport(fullData());
    const doc = dom(html);
    expect(textOf(DomUtils.findOne((e) => e.name === 'title', doc.children))).toBe(
      'upwatch report — 1 blocked, 1 warn, 1 ok — 2026-03-20 09:00 UTC',
    );
    const verdict = all(doc, (e) => e.attribs['data-verdict'] !== undefined)[0]!;
    expect(verdict.attribs['data-verdict']).toBe('blocked');
    expect(textOf(verdict)).toContain('1 of 3 features blocked · 1 warn · 1 ok');
    expect(textOf(byId(doc, 'features'))).toContain('upwatch');
    expect(textOf(doc)).toContain('/srv/upwatch/.upwatch/upwatch.db');
    expect(textOf(doc)).toContain('exits 1');

    const states = Object.fromEntries(
      all(doc, (e) => e.attribs['data-feature'] !== undefined).map((e) => [
        e.attribs['data-feature'],
        e.attribs['data-state'],
      ]),
    );
    expect(states).toEqual({ reach_7d: 'blocked', views_14d: 'warn', growth_28d: 'ok' });
    const growth = all(doc, (e) => e.attribs['data-feature'] === 'growth_28d')[0]!;
    expect(textOf(growth)).toContain('allowed by hand');
    expect(textOf(growth)).toContain('bo');
    expect(textOf(growth)).toContain('replacement metric wired');
    expect(textOf(growth)).toContain('2026-03-30 00:00 UTC');
    const reach = all(doc, (e) => e.attribs['data-feature'] === 'reach_7d')[0]!;
    expect(
      DomUtils.findOne((e) => e.attribs['href'] === '#f-aaaa000011112222', reach.children),
    ).not.toBeNull();
    expect(textOf(all(doc, (e) => e.attribs['data-feature'] === 'views_14d')[0]!)).toContain(
      'STALE source partner',
    );

    const findings = byId(doc, 'findings')!;
    const metric = byId(doc, 'f-aaaa000011112222')!;
    expect(textOf(metric)).toContain('page_media_view rejected by Meta (#100)');
    expect(textOf(metric)).toContain('Not acknowledged');
    expect(textOf(DomUtils.findOne((e) => e.name === 'table', metric.children))).toContain('pValue1.23e-9');
    expect(DomUtils.findOne((e) => e.name === 'svg', metric.children)).not.toBeNull();
    expect(textOf(findings)).toContain('Source-wide');
    const acked = byId(doc, 'f-bbbb000011112222')!;
    expect(acked.attribs['data-status']).toBe('acknowledged');
    expect(textOf(acked)).toContain('Acknowledged by ana');
    expect(textOf(acked)).toContain('migration ticket DATA-12');

    expect(textOf(byId(doc, 'resolved'))).toContain('page_follows frozen');
    const sources = textOf(byId(doc, 'sources'));
    expect(sources).toContain('pinned v24.0, served v25.0 DIFFERS');
    expect(sources).toContain('FAILED could not verify');
    expect(sources).toContain('HTTP 500 from partner');
    expect(sources).toContain('meta-graph:ab12cd');
    expect(sources).toContain('usage 95%');
  });

  it('shows a decision beside the features it touches, and how a resolved change ended', () => {
    const base = fullData();
    const decided = rec('page_media_view', {
      fingerprint: 'dddd000011112222',
      status: 'resolved',
      rule: 'panel-scale',
      class: 'scale',
      lifecycle: 'change',
      resolution: 'decided',
      resolvedAt: '2026-03-19T07:00:00.000Z',
      title: 'page_media_view changed scale',
    });
    const html = renderReport({
      ...base,
      gate: gateOf([
        feature('views_7d', 'ok', {
          decisions: [
            {
              id: 1,
              fingerprint: decided.fingerprint,
              episode: 1,
              source: 'meta',
              metric: 'page_media_view',
              rule: 'panel-scale',
              kind: 'rescaled-history',
              factor: 0.001,
              onset: '2026-03-14',
              reason: 'history ÷1000 in the <feature> store',
              by: 'ana',
              at: '2026-03-19T07:00:00.000Z',
            },
          ],
        }),
      ]),
      resolved: [decided],
    });
    expect(html).toMatch(
      /<div class="decision" data-decision="rescaled-history"><b>Decision:<\/b> <code>rescaled-history<\/code> ×0\.001 for <code>meta\/page_media_view<\/code>/,
    );
    expect(html).toContain('history ÷1000 in the &#60;feature&#62; store');
    expect(html).toMatch(/page_media_view changed scale.*\(decided: see the decision on its features\)/);
  });

  it('is self-contained: no script, no external reference, a policy that forbids loading anything', () => {
    const html = renderReport(fullData());
    const doc = dom(html);
    expect(all(doc, (e) => ['script', 'link', 'img', 'iframe', 'object'].includes(e.name))).toEqual([]);
    for (const e of all(doc, (x) => x.attribs['href'] !== undefined)) expect(e.attribs['href']).toMatch(/^#/);
    expect(all(doc, (e) => e.attribs['src'] !== undefined)).toEqual([]);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('escapes every stored text: a hostile metric name, explanation, evidence, feature, ack, override and source error', () => {
    const evil = '<script>alert(1)</script>';
    const img = '<img src=x onerror="alert(2)">';
    const f = rec(evil, {
      fingerprint: 'dddd000011112222',
      title: `title ${img}`,
      explanation: `explained ${evil} and ${img}`,
      evidence: { [evil]: img, list: [evil, 1] },
      entities: [evil],
      replacement: evil,
      status: 'acknowledged',
      ack: { by: evil, reason: img, at: NOW },
    });
    const data = fullData({
      source: evil,
      context: evil,
      store: `/tmp/${evil}`,
      open: [
        {
          ...metricItem(f),
          history: history(evil, 40),
          regimes: [{ source: 'meta', metric: evil, startDay: '2026-03-01', reason: img, recordedAt: NOW }],
        },
      ],
      gate: gateOf([
        feature(evil, 'blocked', {
          model: evil,
          owners: [img],
          reasons: [
            {
              fingerprint: f.fingerprint,
              rule: evil,
              severity: 'block',
              source: evil,
              metric: evil,
              explanation: img,
              status: 'open',
              effect: 'block',
            },
          ],
          override: { action: 'block', by: evil, reason: img, at: NOW, until: NOW },
        }),
      ]),
      resolved: [rec(evil, { status: 'resolved', resolvedAt: NOW, rule: evil, title: img })],
    });
    data.sources[1]!.status.lastErrorMessage = evil;
    data.pauses[0]!.reason = img;
    const html = renderReport(data);
    const doc = dom(html);
    expect(all(doc, (e) => e.name === 'script' || e.name === 'img')).toEqual([]);
    expect(all(doc, (e) => Object.keys(e.attribs).some((a) => a.startsWith('on')))).toEqual([]);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    // The text is still there for a reader, shown literally.
    expect(textOf(byId(doc, 'f-dddd000011112222'))).toContain(`explained ${evil}`);
    expect(textOf(doc)).toContain('blocked by hand');
  });

  it('never shows credentials that reached a stored text', () => {
    const f = rec('page_media_view', {
      fingerprint: 'eeee000011112222',
      explanation: 'GET https://graph.example/v24.0/1/insights?access_token=EAABsecret123&metric=x failed',
      evidence: { header: 'Authorization: Bearer abcdefghijklmnop', raw: 'token LEAKED-VALUE-42 seen' },
    });
    const data = fullData({ open: [metricItem(f)] });
    data.sources[1]!.status.lastErrorMessage = 'https://user:hunter2@partner.example/v2 answered 500';
    const html = renderReport(data, { secrets: ['LEAKED-VALUE-42'] });
    for (const secret of ['EAABsecret123', 'abcdefghijklmnop', 'LEAKED-VALUE-42', 'hunter2'])
      expect(html).not.toContain(secret);
    expect(html).toContain('access_token=[REDACTED]');
  });

  it('draws no chart for a source-wide finding, and says why when a metric has too little history', () => {
    const wide = rec(undefined, { fingerprint: 'ffff000011112222', rule: 'http-sunset-passed' });
    const sparse = rec('page_follows', { fingerprint: '1111000011112222' });
    const html = renderReport(
      fullData({
        open: [
          { finding: wide, features: [] },
          { ...metricItem(sparse), history: history('page_follows', 1) },
        ],
      }),
    );
    const doc = dom(html);
    const wideEl = byId(doc, 'f-ffff000011112222')!;
    expect(DomUtils.findOne((e) => e.name === 'svg' || e.name === 'figure', wideEl.children)).toBeNull();
    expect(textOf(wideEl)).not.toContain('No chart');
    const sparseEl = byId(doc, 'f-1111000011112222')!;
    expect(DomUtils.findOne((e) => e.name === 'svg', sparseEl.children)).toBeNull();
    expect(textOf(sparseEl)).toContain('No chart: fewer than two values of page_follows');
  });

  it('groups open findings by source and metric, newest first', () => {
    const older = rec('m1', { fingerprint: '2222000000000001', firstSeen: '2026-03-01T00:00:00.000Z' });
    const newer = rec('m1', { fingerprint: '2222000000000002', firstSeen: '2026-03-10T00:00:00.000Z' });
    const other = rec('m2', { fingerprint: '2222000000000003', firstSeen: '2026-03-05T00:00:00.000Z' });
    const elsewhere = rec('m1', { fingerprint: '2222000000000004', source: 'aaa-first' });
    const doc = dom(
      renderReport(
        fullData({ open: [older, other, newer, elsewhere].map((f) => ({ finding: f, features: [] })) }),
      ),
    );
    const order = all(doc, (e) => e.attribs['data-fingerprint'] !== undefined && e.name === 'article').map(
      (e) => e.attribs['data-fingerprint'],
    );
    expect(order).toEqual(['2222000000000004', '2222000000000002', '2222000000000001', '2222000000000003']);
  });

  it('gives an empty store a friendly "nothing to report" page', () => {
    const data = fullData({ open: [], resolved: [], gate: gateOf([]), pauses: [] });
    for (const s of data.sources) {
      s.status = {
        source: s.name,
        polls: 0,
        failedPolls: 0,
        consecutiveFailures: 0,
        observations: 0,
        metrics: 0,
        entities: 0,
      };
      delete s.servedVersion;
    }
    const doc = dom(renderReport(data));
    expect(textOf(byId(doc, 'nothing'))).toContain('Nothing to report yet.');
    expect(textOf(byId(doc, 'nothing'))).toContain('upwatch poll');
    expect(byId(doc, 'findings')).toBeNull();
    expect(textOf(byId(doc, 'features'))).toContain('No features declared');
    expect(textOf(byId(doc, 'sources'))).toContain('never polled');
  });

  it('stays small for a large store: long entity lists and evidence are cut, the resolved list is capped', () => {
    const entities = Array.from({ length: 5000 }, (_, i) => `1041${String(i).padStart(11, '0')}`);
    const open = Array.from({ length: 40 }, (_, i) =>
      metricItem(
        rec(`metric_${i}`, {
          fingerprint: `3333${String(i).padStart(12, '0')}`,
          entities,
          evidence: Object.fromEntries(Array.from({ length: 60 }, (_, k) => [`k${k}`, 'v'.repeat(5000)])),
          explanation: 'x'.repeat(2000),
        }),
      ),
    ).map((item) => ({
      ...item,
      history: history(item.finding.metric!, 180, entities.slice(0, 12), '2025-09-20'),
      chartRange: { from: '2025-09-20', to: '2026-03-20' },
    }));
    const resolved = Array.from({ length: 200 }, (_, i) =>
      rec(`r_${i}`, {
        fingerprint: `4444${String(i).padStart(12, '0')}`,
        status: 'resolved',
        resolvedAt: NOW,
      }),
    );
    const html = renderReport(fullData({ open, resolved, resolvedOmitted: 1234 }));
    expect(Buffer.byteLength(html)).toBeLessThan(500_000);
    expect(Buffer.byteLength(renderReport(fullData()))).toBeLessThan(30_000);
    expect(html).toContain('… 4988 more');
    expect(html).toContain('… 44 more');
    expect(html).toContain('and 1234 more');
    expect(html).not.toContain('v'.repeat(300));
  });
});
