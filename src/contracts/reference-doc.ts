// The generated parts of the contract docs: the schema file's text and the field tables of docs/contracts.md.
import { CONTRACT_SCHEMA, REFERENCE_DEFINITIONS } from './schema.js';

type Node = Record<string, unknown>;

const DEFS = CONTRACT_SCHEMA.definitions as unknown as Record<string, Node>;

/** Markers around the generated field reference in docs/contracts.md. */
export const REFERENCE_START = '<!-- generated:fields:start (npm run schema) -->';
export const REFERENCE_END = '<!-- generated:fields:end -->';

/**
 * The exact text of schema/contract.schema.json.
 *
 * @example
 * writeFileSync('schema/contract.schema.json', renderSchemaFile());
 */
export function renderSchemaFile(): string {
  return `${JSON.stringify(CONTRACT_SCHEMA, null, 2)}\n`;
}

function plain(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function anchor(name: string): string {
  return `[${name}](#${name.toLowerCase()})`;
}

function refName(node: Node): string | undefined {
  const ref = node['$ref'];
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
}

function typeOf(node: Node): string {
  const name = refName(node);
  if (name) {
    const target = DEFS[name] ?? {};
    // Small shared definitions are shown inline; the big ones are linked.
    return (REFERENCE_DEFINITIONS as readonly string[]).includes(name) ? anchor(name) : typeOf(target);
  }
  if (Array.isArray(node['enum']))
    return (node['enum'] as unknown[]).map((v) => `\`${String(v)}\``).join(' | ');
  if (node['const'] !== undefined) return `\`${plain(node['const'])}\``;
  const type = node['type'];
  if (type === 'array') return `list of ${typeOf((node['items'] ?? {}) as Node)}`;
  if (type === 'object' && node['additionalProperties'] && typeof node['additionalProperties'] === 'object') {
    return `map of name → ${typeOf(node['additionalProperties'] as Node)}`;
  }
  if (type === 'object') return 'mapping';
  if (type === 'string' && node['format'] === 'email') return 'email';
  if (type === 'string' && node['format'] === 'uri') return 'URL';
  if (type === 'string' && node['x-secret'] === true) return 'string, may use `${VAR}`';
  return typeof type === 'string' ? type : 'any';
}

function describe(node: Node): string {
  const target = refName(node) ? (DEFS[refName(node)!] ?? {}) : {};
  const text = plain(node['description'] ?? target['description']);
  const must = node['x-must'] ?? target['x-must'];
  const items = (node['items'] ?? {}) as Node;
  const itemMust = items['x-must'];
  const rule =
    typeof must === 'string'
      ? ` Must ${must}.`
      : typeof itemMust === 'string'
        ? ` Each must ${itemMust}.`
        : '';
  const range =
    node['minimum'] !== undefined && node['maximum'] !== undefined
      ? ` ${plain(node['minimum'])} to ${plain(node['maximum'])}.`
      : node['exclusiveMinimum'] !== undefined
        ? ` Greater than ${plain(node['exclusiveMinimum'])}.`
        : '';
  return `${text}${rule}${range}`.trim();
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function fmtDefault(v: unknown): string {
  return v === undefined ? '' : `\`${JSON.stringify(v)}\``;
}

/**
 * Markdown field tables for every documented definition of the schema (Source, connections, selectors, docs,
 * metrics, check overrides, Feature), in REFERENCE_DEFINITIONS order.
 *
 * @example
 * renderFieldReference().startsWith('### Source') // true
 */
export function renderFieldReference(): string {
  const parts: string[] = [];
  for (const name of REFERENCE_DEFINITIONS) {
    const def = DEFS[name]!;
    const required = new Set((def['required'] as string[] | undefined) ?? []);
    const props = (def['properties'] ?? {}) as Record<string, Node>;
    parts.push(`### ${name}`, '', plain(def['description']), '');
    parts.push('| field | type | required | default | description |', '|---|---|---|---|---|');
    for (const [field, node] of Object.entries(props)) {
      parts.push(
        `| \`${field}\` | ${cell(typeOf(node))} | ${required.has(field) ? 'yes' : ''} | ${cell(fmtDefault(node['default']))} | ${cell(describe(node))} |`,
      );
    }
    const deps = def['dependencies'];
    if (deps && typeof deps === 'object') {
      parts.push(
        '',
        `Fields that go together: ${Object.keys(deps)
          .map((k) => `\`${k}\``)
          .join(' and ')}.`,
      );
    }
    parts.push('');
  }
  return parts.join('\n').trimEnd() + '\n';
}

/** Replace the generated block of a Markdown document (between the markers) with `block`. */
export function replaceGeneratedBlock(doc: string, block: string): string {
  const start = doc.indexOf(REFERENCE_START);
  const end = doc.indexOf(REFERENCE_END);
  if (start < 0 || end < start) return doc;
  return `${doc.slice(0, start + REFERENCE_START.length)}\n\n${block}\n${doc.slice(end)}`;
}
