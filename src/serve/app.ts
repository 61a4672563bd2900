// The dashboard as a Hono app: pages on the store, JSON status, health and metrics, and audited actions behind a token.
import { Hono, type Context } from 'hono';
import type { BreakerOptions } from '../core/breaker.js';
import type { ContractSet } from '../core/contract.js';
import { UpwatchError } from '../core/errors.js';
import type { FeatureGate } from '../core/gate.js';
import type { FindingRecord } from '../core/finding-record.js';
import { isoDay } from '../core/clock.js';
import { mapSeq } from '../core/map-seq.js';
import { acceptFinding } from '../findings/accept.js';
import { acknowledgeFinding } from '../findings/acknowledge.js';
import { parseUntil } from '../findings/until.js';
import { checkGate } from '../gate/check-gate.js';
import { overrideFeature } from '../gate/override.js';
import { chartedFinding, collectReport, reportSourceOf } from '../report/collect.js';
import type { RenderContext } from '../report/html.js';
import type { ReportFinding } from '../report/model.js';
import { type AuditEntry } from '../store/audit-repo.js';
import { snapshotDiff } from '../docs/snapshot-diff.js';
import type { Store } from '../store/store.js';
import {
  authenticate,
  cookieValue,
  CSRF_COOKIE,
  csrfCookie,
  crossSiteRefusal,
  newCsrfToken,
  type Actor,
} from './auth.js';
import { prometheusText } from './metrics.js';
import {
  dashboardPage,
  errorPage,
  featurePage,
  findingPage,
  findingsPage,
  type FindingFilters,
  type PageSession,
} from './pages.js';
import { revokeOverride } from './revoke-override.js';
import { sourcePage, sourcesPage, type SourceDoc } from './source-pages.js';
import { statusReport } from './status-report.js';

/** Open findings drawn with charts on `/findings` at most (the rest are counted). */
export /** The audit trail of features: their own entries and their overrides'. */
async function auditOfFeatures(store: Store, features: readonly string[]): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (const name of features) {
    out.push(...(await store.audit.read({ targetKind: 'feature', target: name })));
    out.push(...(await store.audit.read({ targetKind: 'override', target: name })));
  }
  return out;
}

const MAX_LISTED_FINDINGS = 100;

/** Latest polls listed on a source's page. */
export const MAX_LISTED_POLLS = 50;

/** Latest changes of each watched doc shown as diffs on a source's page. */
export const MAX_DOC_CHANGES = 5;

/** What the dashboard serves from. */
export interface DashboardOptions {
  /** Opened read-write when `token` is set, read-only otherwise. */
  store: Store;
  contracts: ContractSet;
  /** Store path and contracts directory as shown on pages and in `/api/status`. */
  storePath: string;
  contractsDir: string;
  now: () => Date;
  /** The shared secret that allows writing; without it every POST is refused and no form is shown. */
  token?: string;
  /** Exact secret values (credentials of the sources, the SMTP password) scrubbed from anything shown. */
  secrets: readonly string[];
  breaker: BreakerOptions;
}

type Env = { Variables: { csrf: string; actor: Actor; form: Record<string, string> } };

const NOTICES: Record<string, string> = {
  acknowledged:
    'Acknowledged: reminders stop; the gate still blocks until the finding resolves or an override allows.',
  decided: 'Decision recorded: the finding is resolved as decided and no longer blocks.',
  overridden: 'Override recorded: it expires by itself.',
  revoked: 'Override revoked: the gate decides from findings again.',
};

const HEX64 = /^[0-9a-f]{64}$/;
const FINGERPRINT = /^[0-9a-f]{4,64}$/;

function safeBack(back: string | undefined, fallback: string): string {
  return back !== undefined && /^\/(?!\/)[\w\-./%]*$/.test(back) ? back : fallback;
}

function field(form: Record<string, string>, name: string): string {
  return form[name] ?? '';
}

function httpStatus(e: UpwatchError): 400 | 404 | 500 {
  return e.code === 'NOT_FOUND' ? 404 : e.code === 'USAGE' ? 400 : 500;
}

/**
 * The dashboard's routes: `/`, `/findings` (filters as query parameters), `/findings/:fingerprint`,
 * `/features/:name`, `/sources`, `/sources/:name` (polls, served API versions, doc snapshot diffs), `/api/status`, `/healthz`, `/metrics`, and the POST actions `/findings/:fp/ack`,
 * `/findings/:fp/decide`, `/features/:name/override`, `/features/:name/revoke`.
 *
 * @example
 * const app = dashboardApp({ store, contracts, storePath, contractsDir, now: () => new Date(), secrets: [],
 *   breaker: BREAKER_DEFAULTS, token: 's3cret' });
 * const res = await app.request('/healthz'); // 200 'ok'
 */
// eslint-disable-next-line max-lines-per-function -- the route table: one short handler per page or action, read together as the dashboard's map
export function dashboardApp(o: DashboardOptions): Hono<Env> {
  const app = new Hono<Env>();
  const ctxAt = (now: Date): RenderContext => ({
    now: now.getTime(),
    secrets: o.secrets,
    findingHref: (fp) => `/findings/${encodeURIComponent(fp)}`,
    sourceHref: (name) => `/sources/${encodeURIComponent(name)}`,
  });
  const session = (c: Context<Env>): PageSession => ({
    writable: o.token !== undefined,
    csrf: c.get('csrf'),
  });

  app.use('*', async (c, next) => {
    const cookie = cookieValue(c.req.header('cookie'), CSRF_COOKIE);
    if (cookie !== undefined && HEX64.test(cookie)) c.set('csrf', cookie);
    else {
      const fresh = newCsrfToken();
      c.set('csrf', fresh);
      c.header('Set-Cookie', csrfCookie(fresh));
    }
    await next();
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
  });

  app.onError((e, c) => {
    const now = o.now();
    if (e instanceof UpwatchError) {
      return c.html(errorPage(ctxAt(now), e.message, e.hint, session(c)), httpStatus(e));
    }
    return c.html(
      errorPage(ctxAt(now), 'the dashboard could not answer this request', undefined, session(c)),
      500,
    );
  });

  app.get('/healthz', (c) => c.text('ok'));

  app.get('/api/status', async (c) =>
    c.json(
      await statusReport({
        store: o.store,
        db: o.storePath,
        contracts: o.contracts,
        now: o.now(),
        secrets: o.secrets,
        breaker: o.breaker,
      }),
    ),
  );

  app.get('/metrics', async (c) => {
    const status = await statusReport({
      store: o.store,
      db: o.storePath,
      contracts: o.contracts,
      now: o.now(),
      secrets: o.secrets,
      breaker: o.breaker,
    });
    const body = prometheusText({
      status,
      polls: await o.store.stats.pollCounts(),
      requests: await o.store.stats.requestCounts(),
    });
    return c.body(body, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.get('/', async (c) => {
    const now = o.now();
    const data = await collectReport({
      store: o.store,
      contracts: o.contracts,
      storePath: o.storePath,
      contractsDir: o.contractsDir,
      now,
      charts: false,
    });
    return c.html(dashboardPage(ctxAt(now), data, session(c)));
  });

  app.get('/findings', async (c) => {
    const now = o.now();
    const filters: FindingFilters = {};
    for (const k of ['source', 'owner', 'severity', 'state'] as const) {
      const v = c.req.query(k);
      if (v) filters[k] = v;
    }
    const all = await o.store.findings.active();
    const matching = all.filter((f) => matches(f, filters, o.contracts));
    const listed = matching.slice(0, MAX_LISTED_FINDINGS);
    // The gate only for the features the listed findings touch: a page of 100 findings on a store of 10,000.
    const touched = [...new Set(listed.flatMap((f) => affectedFeatures(o.contracts, f)))];
    const gates =
      touched.length > 0
        ? (await checkGate({ store: o.store, contracts: o.contracts, features: touched, now })).features
        : [];
    const items = await mapSeq(listed, (f) =>
      chartedFinding(o.store, o.contracts, f, movedBy(gates, f.fingerprint), isoDay(now)),
    );
    const owners = new Set<string>();
    for (const s of o.contracts.sources) for (const w of s.owners) owners.add(w);
    for (const f of o.contracts.features) for (const w of f.owners) owners.add(w);
    const sources = new Set([...o.contracts.sources.map((s) => s.name), ...all.map((f) => f.source)]);
    return c.html(
      findingsPage(
        ctxAt(now),
        items,
        filters,
        { sources: [...sources].sort(), owners: [...owners].sort() },
        matching.length - items.length,
        session(c),
      ),
    );
  });

  app.get('/findings/:fp', async (c) => {
    const now = o.now();
    const f = await findingOf(o.store, c.req.param('fp'));
    const affected = affectedFeatures(o.contracts, f);
    const gates =
      affected.length > 0
        ? (await checkGate({ store: o.store, contracts: o.contracts, features: affected, now })).features
        : [];
    // A resolved finding moves no feature any more: name the features it concerned, with their state now.
    const features: ReportFinding['features'] =
      f.status === 'resolved'
        ? gates.map((g) => ({
            name: g.feature,
            state: g.state,
            effect: f.severity === 'block' ? 'block' : 'warn',
          }))
        : movedBy(gates, f.fingerprint);
    const item: ReportFinding = await chartedFinding(o.store, o.contracts, f, features, isoDay(now));
    const audit: AuditEntry[] = [
      ...(await o.store.audit.read({ targetKind: 'finding', target: f.fingerprint })),
      ...(await auditOfFeatures(o.store, affected)),
    ].sort((a, b) => a.id - b.id);
    const done = c.req.query('done');
    return c.html(
      findingPage(
        ctxAt(now),
        {
          item,
          affected: gates,
          decisions: (
            await o.store.decisions.for({
              source: f.source,
              ...(f.metric ? { metric: f.metric } : {}),
            })
          ).filter((d) => d.fingerprint === f.fingerprint),
          overrides: (await mapSeq(affected, (name) => o.store.overrides.of(name))).flat(),
          audit,
          ...(done !== undefined && NOTICES[done] ? { notice: NOTICES[done] } : {}),
        },
        session(c),
      ),
    );
  });

  app.get('/sources', async (c) => {
    const now = o.now();
    const statuses = await o.store.stats.sourceStatuses(o.contracts.sources.map((s) => s.name));
    const sources = await mapSeq(statuses, (st) => reportSourceOf(o.store, o.contracts, st));
    const pauses = (await o.store.pauses.list()).filter((p) => Date.parse(p.nextAllowedAt) > now.getTime());
    return c.html(sourcesPage(ctxAt(now), sources, pauses, session(c)));
  });

  app.get('/sources/:name', async (c) => {
    const now = o.now();
    const name = c.req.param('name');
    const statuses = await o.store.stats.sourceStatuses(o.contracts.sources.map((s) => s.name));
    const status = statuses.find((s) => s.source === name);
    if (!status) {
      throw new UpwatchError('NOT_FOUND', `no source named ${name}`, {
        hint: `sources: ${statuses.map((s) => s.source).join(', ') || 'none'}`,
      });
    }
    const snaps = o.store.docs;
    const docs = await mapSeq(await snaps.docsOf(name), async (d): Promise<SourceDoc> => {
      // The latest changes, newest first: each snapshot against the one before it.
      const history = await snaps.history(name, d.doc, MAX_DOC_CHANGES + 1);
      const changes = history.slice(0, -1).map((to, i) => {
        const from = history[i + 1]!;
        return { from, to, diff: snapshotDiff(from.normalized, to.normalized) };
      });
      return { doc: d.doc, versions: d.versions, latest: d.latest, changes };
    });
    return c.html(
      sourcePage(
        ctxAt(now),
        {
          source: await reportSourceOf(o.store, o.contracts, status),
          // Newest first by when they finished (an import of older history records older polls later).
          polls: (await o.store.recentPolls(name, MAX_LISTED_POLLS)).sort(
            (a, b) => b.finishedAt.localeCompare(a.finishedAt) || b.id - a.id,
          ),
          versions: await o.store.stats.servedVersions(name),
          docs,
        },
        session(c),
      ),
    );
  });

  app.get('/features/:name', async (c) => {
    const now = o.now();
    const name = featureOf(o.contracts, c.req.param('name'));
    const gate = await checkGate({ store: o.store, contracts: o.contracts, features: [name], now });
    const audit = (await auditOfFeatures(o.store, [name])).sort((a, b) => a.id - b.id);
    const done = c.req.query('done');
    return c.html(
      featurePage(
        ctxAt(now),
        gate,
        await o.store.overrides.of(name),
        audit,
        session(c),
        done !== undefined ? NOTICES[done] : undefined,
      ),
    );
  });

  // Every POST: writing must be enabled, the token must come with the request, and a browser's form must be ours.
  app.post('*', async (c, next) => {
    const now = o.now();
    if (o.token === undefined) {
      return c.html(
        errorPage(
          ctxAt(now),
          'this dashboard is read-only',
          'start upwatch serve with UPWATCH_SERVE_TOKEN set',
          session(c),
        ),
        403,
      );
    }
    const actor = authenticate(c.req.header('authorization'), o.token);
    if (!actor) {
      c.header('WWW-Authenticate', 'Basic realm="upwatch", charset="UTF-8"');
      return c.html(
        errorPage(
          ctxAt(now),
          'acting needs the dashboard token',
          'sign in with your name as user and the token as password, or send Authorization: Bearer TOKEN',
          session(c),
        ),
        401,
      );
    }
    const body = await c.req.parseBody();
    const form: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v;
    if (actor.scheme === 'basic') {
      const refusal = crossSiteRefusal({
        cookie: cookieValue(c.req.header('cookie'), CSRF_COOKIE),
        field: form['csrf'],
        origin: c.req.header('origin'),
        host: c.req.header('host'),
        fetchSite: c.req.header('sec-fetch-site'),
      });
      if (refusal) return c.html(errorPage(ctxAt(now), `refused: ${refusal}`, undefined, session(c)), 403);
    }
    c.set('actor', actor);
    c.set('form', form);
    await next();
  });

  const redirect = (c: Context<Env>, fallback: string, done: string) =>
    c.redirect(`${safeBack(c.get('form')['back'], fallback)}?done=${done}`, 303);

  app.post('/findings/:fp/ack', async (c) => {
    const now = o.now();
    const form = c.get('form');
    const until = field(form, 'until').trim();
    const f = await acknowledgeFinding(o.store, {
      finding: c.req.param('fp'),
      reason: field(form, 'reason'),
      by: c.get('actor').name,
      ...(until ? { until: parseUntil(until, now) } : {}),
      now,
    });
    return redirect(c, `/findings/${f.fingerprint}`, 'acknowledged');
  });

  app.post('/findings/:fp/decide', async (c) => {
    const form = c.get('form');
    const factor = field(form, 'factor').trim();
    if (factor !== '' && !(Number(factor) > 0)) {
      throw new UpwatchError('USAGE', `the factor must be a positive number (got "${factor}")`, {
        hint: 'e.g. 0.001 for values divided by 1000; leave it empty for the finding’s own factor',
      });
    }
    const { finding } = await acceptFinding(o.store, {
      finding: c.req.param('fp'),
      as: field(form, 'as'),
      reason: field(form, 'reason'),
      by: c.get('actor').name,
      ...(factor !== '' ? { factor: Number(factor) } : {}),
      now: o.now(),
    });
    return redirect(c, `/findings/${finding.fingerprint}`, 'decided');
  });

  app.post('/features/:name/override', async (c) => {
    const now = o.now();
    const form = c.get('form');
    const name = featureOf(o.contracts, c.req.param('name'));
    const action = field(form, 'action');
    if (action !== 'allow' && action !== 'block') {
      throw new UpwatchError('USAGE', 'an override either allows or blocks', {
        hint: 'choose allow or block',
      });
    }
    await overrideFeature(o.store, o.contracts, {
      feature: name,
      action,
      reason: field(form, 'reason'),
      by: c.get('actor').name,
      until: parseUntil(field(form, 'until').trim(), now),
      now,
    });
    return redirect(c, `/features/${encodeURIComponent(name)}`, 'overridden');
  });

  app.post('/features/:name/revoke', async (c) => {
    const name = featureOf(o.contracts, c.req.param('name'));
    await revokeOverride(o.store, o.contracts, {
      feature: name,
      reason: field(c.get('form'), 'reason'),
      by: c.get('actor').name,
      now: o.now(),
    });
    return redirect(c, `/features/${encodeURIComponent(name)}`, 'revoked');
  });

  return app;
}

async function findingOf(store: Store, fp: string): Promise<FindingRecord> {
  const f = FINGERPRINT.test(fp)
    ? (await store.findings.byPrefix(fp)).find((x) => x.fingerprint === fp)
    : undefined;
  if (!f)
    throw new UpwatchError('NOT_FOUND', `no finding ${fp}`, {
      hint: 'open findings are listed on /findings',
    });
  return f;
}

function featureOf(contracts: ContractSet, name: string): string {
  if (!contracts.features.some((f) => f.name === name)) {
    throw new UpwatchError('NOT_FOUND', `unknown feature ${name}`, {
      hint: 'features are declared in the contracts',
    });
  }
  return name;
}

/** Declared features that use the finding's metric, or any metric of its source for a source-wide finding. */
function affectedFeatures(contracts: ContractSet, f: FindingRecord): string[] {
  return contracts.features
    .filter((x) =>
      x.uses.some((u) => u.source === f.source && (f.metric === undefined || u.metric === f.metric)),
    )
    .map((x) => x.name);
}

function movedBy(features: readonly FeatureGate[], fingerprint: string): ReportFinding['features'] {
  return features.flatMap((g) =>
    g.reasons
      .filter((r) => r.fingerprint === fingerprint)
      .map((r) => ({ name: g.feature, state: g.state, effect: r.effect })),
  );
}

function owners(contracts: ContractSet, f: FindingRecord): string[] {
  const source = contracts.sources.find((s) => s.name === f.source)?.owners ?? [];
  const features = contracts.features
    .filter((x) =>
      x.uses.some((u) => u.source === f.source && (f.metric === undefined || u.metric === f.metric)),
    )
    .flatMap((x) => x.owners);
  return [...source, ...features];
}

function matches(f: FindingRecord, filters: FindingFilters, contracts: ContractSet): boolean {
  if (filters.source !== undefined && f.source !== filters.source) return false;
  if (filters.severity !== undefined && f.severity !== filters.severity) return false;
  if (filters.state !== undefined && f.status !== filters.state) return false;
  if (filters.owner !== undefined && !owners(contracts, f).includes(filters.owner)) return false;
  return true;
}
