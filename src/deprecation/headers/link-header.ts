// The `Link` header (RFC 8288) read through `http-link-header`: targets with their relation types, multi-rel kept whole.
import LinkHeader from 'http-link-header';

/** One link: target URI, relation types (lower-case), and the other parameters. */
export interface LinkValue {
  uri: string;
  rels: string[];
  params: Record<string, string>;
}

/** Relation types that carry lifecycle meaning. */
export const LIFECYCLE_RELS = [
  'deprecation',
  'sunset',
  'successor-version',
  'alternate',
  'latest-version',
] as const;

/** A parameter as the library returns it: a string, repeated values as an array, `title*` decoded to an object. */
type RawParam = string | string[] | { value: string } | undefined;

function paramText(v: RawParam): string {
  if (Array.isArray(v)) return v[0] ?? '';
  if (typeof v === 'object') return v.value;
  return v ?? '';
}

/** Links with the same target and parameters, one after another: the library splits a multi-rel link this way. */
function sameLink(a: LinkValue, b: LinkValue): boolean {
  const ka = Object.keys(a.params);
  return (
    a.uri === b.uri &&
    ka.length === Object.keys(b.params).length &&
    ka.every((k) => a.params[k] === b.params[k])
  );
}

/**
 * Parse a `Link` header into its links. A header the library cannot read gives no links; never throws.
 *
 * @example
 * parseLinkHeader('<https://api.example.com/v2>; rel="successor-version latest-version"')
 * // [{ uri: 'https://api.example.com/v2', rels: ['successor-version', 'latest-version'], params: {} }]
 */
export function parseLinkHeader(raw: string): LinkValue[] {
  let refs: LinkHeader.Reference[];
  try {
    refs = LinkHeader.parse(raw).refs;
  } catch {
    return [];
  }
  const out: LinkValue[] = [];
  for (const ref of refs) {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(ref as Record<string, RawParam>))
      if (k !== 'uri' && k !== 'rel') params[k] = paramText(v);
    const rel = ref.rel ? [ref.rel.toLowerCase()].filter(Boolean) : [];
    const link: LinkValue = { uri: ref.uri.trim(), rels: rel, params };
    const prev = out.at(-1);
    if (prev && rel.length > 0 && prev.rels.length > 0 && sameLink(prev, link)) prev.rels.push(...rel);
    else out.push(link);
  }
  return out;
}
