// Normalizing watched docs so that diffs show content changes only: sorted pretty JSON for OpenAPI, readable text for HTML.
import { createHash } from 'node:crypto';
import { Parser } from 'htmlparser2';
import { parseUpstreamYaml } from './parse-yaml.js';
import type { DocContract } from '../core/contract.js';
import { UpwatchError } from '../core/errors.js';

/** A normalized doc: its text, the snapshot file extension, and the sha256 of the text. */
export interface NormalizedDoc {
  text: string;
  ext: 'json' | 'txt';
  hash: string;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/**
 * Parse an OpenAPI document (JSON or YAML) and print it with sorted keys, 2-space indent.
 *
 * @example
 * normalizeOpenApi('openapi: 3.0.0\ninfo: {title: x}') // '{\n  "info": {\n    "title": "x"\n  },\n  "openapi": "3.0.0"\n}\n'
 */
export function normalizeOpenApi(body: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    try {
      doc = parseUpstreamYaml(body);
    } catch (e) {
      throw new UpwatchError(
        'SPEC_INVALID',
        `OpenAPI document is neither JSON nor YAML: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  if (typeof doc !== 'object' || doc === null) {
    throw new UpwatchError('SPEC_INVALID', 'OpenAPI document is not an object');
  }
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe']);
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'table',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'nav',
  'aside',
  'pre',
  'blockquote',
  'dt',
  'dd',
  'dl',
  'hr',
  'title',
  'figure',
]);

/**
 * Readable text of an HTML page: no scripts or styles, one line per block, list items as `- `, blank lines collapsed.
 *
 * @example
 * htmlToText('<h1>Changelog</h1><script>x()</script><p>On <b>June 15</b>, page_fans is removed.</p>')
 * // 'Changelog\nOn June 15, page_fans is removed.\n'
 */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIP.has(name)) skipDepth++;
        else if (skipDepth === 0 && BLOCK.has(name)) parts.push(name === 'li' ? '\n- ' : '\n');
      },
      ontext(text) {
        if (skipDepth === 0) parts.push(text.replace(/\s+/g, ' '));
      },
      onclosetag(name) {
        if (SKIP.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        else if (skipDepth === 0 && BLOCK.has(name)) parts.push('\n');
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  const lines = parts
    .join('')
    .split('\n')
    .map((l) => l.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((l) => l !== '' && l !== '-');
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function looksLikeHtml(body: string, contentType: string | undefined): boolean {
  if (contentType?.includes('html')) return true;
  return /^\s*(<!doctype html|<html[\s>])/i.test(body);
}

/**
 * Normalize a fetched doc by its kind and content type, and hash the result.
 *
 * @example
 * normalizeDoc(doc, body, 'text/html').ext // 'txt'
 */
export function normalizeDoc(
  doc: Pick<DocContract, 'kind'>,
  body: string,
  contentType?: string,
): NormalizedDoc {
  let text: string;
  let ext: NormalizedDoc['ext'];
  if (doc.kind === 'openapi') {
    text = normalizeOpenApi(body);
    ext = 'json';
  } else {
    text = looksLikeHtml(body, contentType)
      ? htmlToText(body)
      : `${body
          .replace(/\r\n?/g, '\n')
          .replace(/[ \t]+$/gm, '')
          .trimEnd()}\n`;
    ext = 'txt';
  }
  return { text, ext, hash: createHash('sha256').update(text).digest('hex') };
}
