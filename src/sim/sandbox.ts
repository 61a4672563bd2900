// The simulated upstreams as a sandbox: a scenario on the real calendar, a clock that catches up, /_sim/ controls.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isoDay, type Clock } from '../core/clock.js';
import { UpwatchError } from '../core/errors.js';
import { startGraphSimulator } from './graph-simulator.js';
import { anchorScenario } from './sandbox-anchor.js';
import { LaggingClock } from './sandbox-clock.js';
import { scenarioDay, type Scenario } from './scenario.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  scenario: Scenario;
  /** The real clock (the one a poller uses). */
  clock: Clock;
  /** The sandbox's first day on the real calendar (YYYY-MM-DD); see `anchorScenario`. */
  start?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Called after the clock moved (by `advance`, `POST /_sim/advance` or the caller's timer). */
  onAdvance?: (state: SandboxState, moved: number) => void;
}

/** Where the sandbox stands. */
export interface SandboxState {
  scenario: string;
  /** Story day (clock day of the scenario) of the sandbox's now. */
  day: number;
  /** Days the story tells (the scenario's length). */
  days: number;
  /** The sandbox's today (UTC date). */
  today: string;
  /** Whole days it runs behind the real clock; 0 = caught up, it cannot advance any more. */
  behindDays: number;
}

/** A running sandbox. */
export interface SandboxHandle {
  /** Base URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** The scenario moved onto the real calendar (what the server serves). */
  scenario: Scenario;
  state(): SandboxState;
  /** Move the clock forward up to `days` days (never past the real clock); returns the days moved. */
  advance(days: number): number;
  /** Stop listening. Idempotent. */
  close(): Promise<void>;
}

/** Most days one `POST /_sim/advance` may move. */
export const SANDBOX_MAX_ADVANCE = 366;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * Serve a scenario as a sandbox: the Graph API, docs pages and partner API of `startGraphSimulator`, with the
 * scenario moved onto the real calendar and a clock that starts behind the real one and catches up on request.
 * Besides the simulated upstreams the server answers `GET /_sim/state` and `POST /_sim/advance?days=N`.
 *
 * @example
 * const sandbox = await startSandbox({ scenario: meta2024, clock: systemClock, port: 4010 });
 * await fetch(`${sandbox.url}/_sim/advance?days=7`, { method: 'POST' }); // a week later upstream
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const anchor = anchorScenario(options.scenario, isoDay(options.clock.now()), options.start);
  const clock = new LaggingClock(options.clock, anchor.behindDays);
  const { scenario } = anchor;
  const state = (): SandboxState => {
    const now = clock.now();
    return {
      scenario: scenario.name,
      day: scenarioDay(scenario, now),
      days: scenario.days,
      today: isoDay(now),
      behindDays: clock.behindDays,
    };
  };
  const advance = (days: number): number => {
    const moved = clock.advanceDays(days);
    if (moved > 0) options.onAdvance?.(state(), moved);
    return moved;
  };

  const control = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    if (!url.pathname.startsWith('/_sim/')) return false;
    if (url.pathname === '/_sim/state' && (req.method === 'GET' || req.method === 'HEAD')) {
      json(res, 200, state());
      return true;
    }
    if (url.pathname !== '/_sim/advance') {
      json(res, 404, { error: `no route ${url.pathname}; try GET /_sim/state or POST /_sim/advance?days=N` });
      return true;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      json(res, 405, { error: 'use POST /_sim/advance?days=N' });
      return true;
    }
    const raw = url.searchParams.get('days') ?? '1';
    const days = Number(raw);
    if (!/^\d+$/.test(raw) || days < 1 || days > SANDBOX_MAX_ADVANCE) {
      json(res, 400, {
        error: `days must be a whole number from 1 to ${SANDBOX_MAX_ADVANCE} (got "${raw}")`,
      });
      return true;
    }
    if (clock.behindDays === 0) {
      json(res, 409, {
        error: 'the sandbox has caught up with the real calendar and cannot advance',
        hint: 'restart upwatch sim with an earlier --start',
        ...state(),
      });
      return true;
    }
    const moved = advance(days);
    json(res, 200, { advanced: moved, ...state() });
    return true;
  };

  const sim = await startGraphSimulator({
    clock,
    scenario,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    extraRoutes: control,
  });
  return { url: sim.url, scenario, state, advance, close: () => sim.close() };
}

/**
 * Is this the error of a port already in use (from `startSandbox`)?
 *
 * @example
 * await startSandbox({ scenario, clock, port: 4010 }).catch((e) => (isPortTaken(e) ? retryElsewhere() : rethrow(e)));
 */
export function isPortTaken(e: unknown): boolean {
  return (
    e instanceof UpwatchError &&
    e.code === 'HTTP_CONNECT' &&
    (e.cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE'
  );
}
