// Vendor deprecation headers: Shopify's deprecated-reason, Stripe-Notice, Zapier-style X-API-Deprecation-Date/-Info.
import { parseHttpDate, parseIsoDate } from './http-date.js';

/** A vendor notice read from a response header. */
export interface VendorNotice {
  vendor: 'shopify' | 'stripe' | 'generic';
  header: string;
  raw: string;
  /** Deprecated fields named by the header (Shopify lists `Type.field` since 2025-04). */
  fields: string[];
  /** Date the deprecation takes effect, when the header carries one (ISO date-time). */
  date?: string;
  /** A URL the header points to (older Shopify values, `X-API-Deprecation-Info`). */
  url?: string;
  /** The outdated API version Stripe names, e.g. `2024-01-01.ember`. */
  version?: string;
}

/** Header names read as vendor notices (lower-case). */
export const VENDOR_HEADERS = [
  'x-shopify-api-deprecated-reason',
  'stripe-notice',
  'x-api-deprecation-date',
  'x-api-deprecation-info',
] as const;

function firstUrl(text: string): string | undefined {
  return /https?:\/\/[^\s"'<>,]+/.exec(text)?.[0];
}

/**
 * Read one vendor header, or undefined when `name` is not a vendor deprecation header.
 *
 * @example
 * parseVendorHeader('x-shopify-api-deprecated-reason', 'Shop.products, Shop.productVariants')
 * // { vendor: 'shopify', fields: ['Shop.products', 'Shop.productVariants'], ... }
 */
export function parseVendorHeader(name: string, raw: string): VendorNotice | undefined {
  const header = name.toLowerCase();
  const text = raw.trim();
  switch (header) {
    case 'x-shopify-api-deprecated-reason': {
      const url = firstUrl(text);
      const fields = url
        ? []
        : text
            .split(',')
            .map((f) => f.trim())
            .filter((f) => /^[A-Za-z_][\w.]*$/.test(f));
      return { vendor: 'shopify', header, raw, fields, ...(url ? { url } : {}) };
    }
    case 'stripe-notice': {
      const version = /\b(\d{4}-\d{2}-\d{2}(?:\.[a-z]+)?)\b/.exec(text)?.[1];
      const url = firstUrl(text);
      return {
        vendor: 'stripe',
        header,
        raw,
        fields: [],
        ...(version ? { version } : {}),
        ...(url ? { url } : {}),
      };
    }
    case 'x-api-deprecation-date': {
      const d = parseIsoDate(text) ?? parseHttpDate(text)?.date;
      return { vendor: 'generic', header, raw, fields: [], ...(d ? { date: d.toISOString() } : {}) };
    }
    case 'x-api-deprecation-info': {
      const url = firstUrl(text);
      return { vendor: 'generic', header, raw, fields: [], ...(url ? { url } : {}) };
    }
    default:
      return undefined;
  }
}
