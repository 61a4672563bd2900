// HTML building blocks of the report: escaping (with credential scrubbing) and the formats of times and numbers.
import { escapeHtml } from '../core/html.js';
import { scrubText } from '../alerts/scrub.js';
import type { Severity } from '../core/contract.js';
import type { GateState } from '../core/gate.js';

/** What every section renderer receives besides its data. */
export interface RenderContext {
  /** The report's instant, ms since the epoch (relative times are measured from it). */
  now: number;
  /** Exact secret values to scrub if they ever reached a stored text. */
  secrets: readonly string[];
  /** Where a finding's details live; default its anchor in the same page (the dashboard links to its own page). */
  findingHref?: (fingerprint: string) => string;
  /** Where a source's own page is (the dashboard's `/sources/NAME`); the static report has none. */
  sourceHref?: (source: string) => string;
}

/** Escape text for HTML element content and quoted attribute values. */
export const esc = escapeHtml;

/**
 * Text that came from the store or an upstream: credentials scrubbed, then escaped.
 *
 * @example
 * text(ctx, 'GET /x?access_token=EAAB1') // 'GET /x?access_token=[REDACTED]'
 */
export function text(ctx: RenderContext, s: string): string {
  return esc(scrubText(s, ctx.secrets));
}

/** Upstream text cut to `max` characters (an ellipsis marks the cut), scrubbed and escaped. */
export function clipped(ctx: RenderContext, s: string, max: number): string {
  const clean = scrubText(s, ctx.secrets);
  return esc(clean.length > max ? `${clean.slice(0, max - 1)}…` : clean);
}

/** `2024-05-11T09:00:00.000Z` → `2024-05-11 09:00 UTC`; an ISO day stays as it is. */
export function when(iso: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How long before (or after) the report's instant, e.g. `3 h ago`, `2 d ago`, `in 5 d`. */
export function ago(ctx: RenderContext, iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const ms = ctx.now - t;
  const a = Math.abs(ms);
  const span =
    a < 60_000
      ? 'just now'
      : a < 3_600_000
        ? `${Math.round(a / 60_000)} min`
        : a < 172_800_000
          ? `${Math.round(a / 3_600_000)} h`
          : `${Math.round(a / 86_400_000)} d`;
  if (span === 'just now') return span;
  return ms >= 0 ? `${span} ago` : `in ${span}`;
}

/** A time with its distance from the report's instant: `2024-05-11 09:00 UTC (3 h ago)`. */
export function timeAgo(ctx: RenderContext, iso: string): string {
  const rel = ago(ctx, iso);
  return `<time datetime="${esc(iso)}">${esc(when(iso))}</time>${rel ? ` <span class="dim">(${esc(rel)})</span>` : ''}`;
}

/** `1 feature`, `3 features`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** An evidence value for a table cell: arrays joined, floats to 4 significant digits. */
export function evidenceValue(v: string | number | boolean | null | readonly (string | number)[]): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? num(x) : String(x))).join(', ');
  if (typeof v === 'number') return num(v);
  return String(v);
}

function num(n: number): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  const a = Math.abs(n);
  return a !== 0 && (a < 1e-3 || a >= 1e9) ? n.toExponential(2) : String(Number(n.toPrecision(4)));
}

/** A coloured severity label. */
export function severityBadge(s: Severity): string {
  return `<span class="badge sev-${s}">${s.toUpperCase()}</span>`;
}

const STATE_LABEL: Record<GateState, string> = { blocked: 'BLOCKED', warn: 'WARN', ok: 'ok' };

/** A coloured gate-state label. */
export function stateBadge(s: GateState): string {
  return `<span class="badge state-${s}">${STATE_LABEL[s]}</span>`;
}

/** The link to a finding's details: `ctx.findingHref` when set, else its anchor in the same page. */
export function findingLink(ctx: RenderContext, fingerprint: string): string {
  return ctx.findingHref ? ctx.findingHref(fingerprint) : `#${findingAnchor(fingerprint)}`;
}

/** The id of a finding's anchor in the report. */
export function findingAnchor(fingerprint: string): string {
  return `f-${fingerprint.replace(/[^a-zA-Z0-9_-]/g, '')}`;
}
