// All lifecycle signals of one HTTP response, read from its kept headers in one pass.
import type { DeprecationHeader } from './deprecation-header.js';
import { parseDeprecationHeader } from './deprecation-header.js';
import type { LinkValue } from './link-header.js';
import { LIFECYCLE_RELS, parseLinkHeader } from './link-header.js';
import type { SunsetHeader } from './sunset-header.js';
import { parseSunsetHeader } from './sunset-header.js';
import type { VendorNotice } from './vendor-headers.js';
import { VENDOR_HEADERS, parseVendorHeader } from './vendor-headers.js';
import type { WarningValue } from './warning-header.js';
import { parseWarningHeader } from './warning-header.js';

/** What one response says about its own lifecycle. Empty fields mean the header was absent. */
export interface LifecycleHeaders {
  deprecation?: DeprecationHeader;
  sunset?: SunsetHeader;
  /** Links whose rel is one of LIFECYCLE_RELS. */
  links: LinkValue[];
  /** `Warning` values with code 299. */
  warnings299: WarningValue[];
  vendor: VendorNotice[];
}

/**
 * Read the lifecycle headers of a response (header names in any case). Never throws; malformed values come back
 * with `ok: false` and their raw text.
 *
 * @example
 * readLifecycleHeaders({ deprecation: '@1688169599', sunset: 'Sun, 30 Jun 2024 23:59:59 UTC' }).sunset?.ok // true
 */
export function readLifecycleHeaders(headers: Readonly<Record<string, string>>): LifecycleHeaders {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = v;
  const out: LifecycleHeaders = { links: [], warnings299: [], vendor: [] };
  if (h.deprecation !== undefined) out.deprecation = parseDeprecationHeader(h.deprecation);
  if (h.sunset !== undefined) out.sunset = parseSunsetHeader(h.sunset);
  if (h.link !== undefined)
    out.links = parseLinkHeader(h.link).filter((l) =>
      l.rels.some((r) => (LIFECYCLE_RELS as readonly string[]).includes(r)),
    );
  if (h.warning !== undefined) out.warnings299 = parseWarningHeader(h.warning).filter((w) => w.code === 299);
  for (const name of VENDOR_HEADERS) {
    const v = h[name];
    if (v === undefined) continue;
    const notice = parseVendorHeader(name, v);
    if (notice) out.vendor.push(notice);
  }
  return out;
}

/** True when the response carries any lifecycle signal worth a finding. */
export function hasLifecycleSignal(s: LifecycleHeaders): boolean {
  return (
    s.deprecation !== undefined ||
    s.sunset !== undefined ||
    s.links.some((l) => l.rels.includes('deprecation') || l.rels.includes('sunset')) ||
    s.warnings299.length > 0 ||
    s.vendor.length > 0
  );
}
