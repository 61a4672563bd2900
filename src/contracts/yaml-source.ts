// YAML text → plain values plus a locator that maps any JSON path back to file:line:col (the only yaml importer).
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node,
  type Pair,
} from 'yaml';
import type { Diagnostic, SourceLocation } from '../core/diagnostic.js';

/** Aliases a document may expand before it is refused as an entity-expansion ("billion laughs") attack. */
export const MAX_ALIAS_COUNT = 100;

/** A path into a document: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** Where to point for a path: at the value, or at the key that names it (unknown keys, missing fields). */
export type LocateAt = 'key' | 'value';

/** One parsed YAML document of a contract file. */
export interface YamlDocument {
  file: string;
  /** Position of the document in its file (0-based). */
  index: number;
  /** The document as plain data (aliases expanded, bounded by MAX_ALIAS_COUNT). */
  value: unknown;
  /** Where `path` was written; falls back to the deepest part of the path that exists. */
  locate(path: JsonPath, at?: LocateAt): SourceLocation;
}

export interface ParsedYamlFile {
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
  /** `kind` and `name` of documents with syntax errors, when readable (to avoid cascading errors). */
  broken: { kind: unknown; name: unknown }[];
}

const YAML_HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'YAML indents with spaces only: replace the tab with spaces',
  DUPLICATE_KEY: 'each key may appear once per mapping: remove or rename one of them',
  BAD_INDENT: 'check the indentation of this line against the lines above it',
  MISSING_CHAR: 'a quote or bracket is not closed',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check for a missing ":" or an unclosed quote above',
  BLOCK_AS_IMPLICIT_KEY: 'check for a missing ":" or wrong indentation above this line',
  UNEXPECTED_TOKEN: 'check the syntax around this position (quotes, colons, dashes)',
  BAD_ALIAS: 'an alias (*name) must refer to an anchor (&name) defined above it',
};

function syntaxHint(code: string, message: string): string {
  if (/end with an? [\]}]/.test(message)) {
    return 'a "[" or "{" opened above is not closed (or this line is not indented enough)';
  }
  if (/flow (sequence|collection|map)/i.test(message)) {
    return 'inside [ ] or { }, quote items that contain [ ] { } , : or #, e.g. ["views[].count"]';
  }
  return YAML_HINTS[code] ?? 'fix the YAML syntax at this position';
}

/** kind and name of a document that has syntax errors, read without expanding aliases. */
function partialName(doc: Document.Parsed): { kind: unknown; name: unknown } | undefined {
  if (!isMap(doc.contents)) return undefined;
  const kind = doc.contents.get('kind');
  const name = doc.contents.get('name');
  return { kind: isScalar(kind) ? kind.value : kind, name: isScalar(name) ? name.value : name };
}

/** First line of a yaml error message without its " at line X, column Y" suffix and code frame. */
function shortYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/**
 * Parse every YAML document of a file, keeping source positions. Syntax errors, YAML warnings and alias bombs
 * become diagnostics; nothing throws for bad input.
 *
 * @example
 * const { documents, diagnostics } = parseYamlFile('contracts/meta.yaml', text);
 * documents[0]?.locate(['metrics', 2, 'kind']) // { file: 'contracts/meta.yaml', line: 14, col: 11 }
 */
export function parseYamlFile(file: string, text: string): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const pos = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const documents: YamlDocument[] = [];
  const broken: { kind: unknown; name: unknown }[] = [];
  let index = 0;
  for (const doc of docs) {
    const i = index++;
    // Only the first syntax error of a document: the ones after it are usually its echoes.
    const first = doc.errors[0];
    if (first) {
      const code =
        first.code === 'TAB_AS_INDENT'
          ? 'yaml-tab'
          : first.code === 'DUPLICATE_KEY'
            ? 'duplicate-key'
            : 'yaml-syntax';
      diagnostics.push({
        ...pos(first.pos[0]),
        severity: 'error',
        code,
        message: `YAML: ${lowerFirst(shortYamlMessage(first.message))}`,
        hint: syntaxHint(first.code, first.message),
      });
      const name = partialName(doc);
      if (name) broken.push(name);
      continue;
    }
    for (const w of doc.warnings) {
      diagnostics.push({
        ...pos(w.pos[0]),
        severity: 'warning',
        code: 'yaml-warning',
        message: `YAML: ${lowerFirst(shortYamlMessage(w.message))}`,
      });
    }
    // An empty document (a leading or trailing `---`, or only comments) holds nothing: skip it.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const excessive = e instanceof ReferenceError && /alias/i.test(e.message);
      diagnostics.push({
        ...pos(doc.contents.range[0]),
        severity: 'error',
        code: excessive ? 'yaml-alias-limit' : 'yaml-syntax',
        message: excessive
          ? `YAML: aliases expand beyond ${MAX_ALIAS_COUNT} nodes; refusing the document (possible "billion laughs" bomb)`
          : `YAML: cannot read the document (${e instanceof Error ? e.message : String(e)})`,
        hint: excessive ? 'write the values out instead of nesting aliases (*name) of aliases' : undefined,
      });
      continue;
    }
    documents.push({ file, index: i, value, locate: (path, at = 'value') => pos(offsetOf(doc, path, at)) });
  }
  return { documents, diagnostics, broken };
}

/** Byte offset of a path in a document (deepest existing ancestor when the path does not exist). */
function offsetOf(doc: Document.Parsed, path: JsonPath, at: LocateAt): number {
  let node: Node | null | undefined = doc.contents;
  let pair: Pair | undefined;
  let offset = doc.contents?.range[0] ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const found: Pair | undefined = node.items.find(
        (p: Pair) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!found) break;
      pair = found;
      offset = isScalar(found.key) && found.key.range ? found.key.range[0] : offset;
      node = isPair(found) ? (found.value as Node | null) : null;
      if (node?.range) offset = node.range[0];
      else break;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item?.range) break;
      pair = undefined;
      node = item;
      offset = item.range[0];
    } else {
      break;
    }
  }
  if (at === 'key' && pair && isScalar(pair.key) && pair.key.range && path.length > 0) {
    const last = path[path.length - 1];
    if (String(pair.key.value) === String(last)) return pair.key.range[0];
  }
  return offset;
}
