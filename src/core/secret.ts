// Secrets resolved from `${VAR}` references: a value that prints as [REDACTED] everywhere but where it is used.
import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/**
 * A secret value. `String(secret)`, `JSON.stringify(secret)` and `util.inspect(secret)` all give `[REDACTED]`;
 * only `reveal()` gives the value, and only the HTTP and SMTP adapters call it.
 *
 * @example
 * const token = new Secret(process.env.META_PAGE_TOKEN ?? '');
 * `${token}` // '[REDACTED]'
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value. Call it at the last moment, in an adapter, and never log the result. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** A value from a contract that may contain `${VAR}` references, resolved only where it is used. */
export interface TemplateValue {
  /** The text as written in the contract, e.g. `Bearer ${PARTNER_TOKEN}`. */
  readonly template: string;
  /** The variable names it references, in order. */
  readonly refs: readonly string[];
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Parse `${VAR}` references out of a contract string (`$${` escapes a literal `${`). */
export function parseTemplate(template: string): TemplateValue {
  const refs: string[] = [];
  for (const m of template.replaceAll('$${', '\u0000').matchAll(REF)) refs.push(m[1]!);
  return { template, refs };
}

/** Looks up a variable; returns undefined when it is unset. Only the CLI builds one from `process.env`. */
export type SecretLookup = (name: string) => string | undefined;

/**
 * Expand a template into a Secret, or report the unset variables (never their values).
 *
 * @example
 * resolveTemplate(parseTemplate('Bearer ${T}'), (n) => ({ T: 'abc' })[n]) // { ok: true, secret: Secret }
 */
export function resolveTemplate(
  value: TemplateValue,
  lookup: SecretLookup,
): { ok: true; secret: Secret } | { ok: false; missing: string[] } {
  const missing = value.refs.filter((name) => lookup(name) === undefined);
  if (missing.length > 0) return { ok: false, missing };
  const text = value.template
    .replaceAll('$${', '\u0000')
    .replace(REF, (_m, name: string) => lookup(name) ?? '')
    .replaceAll('\u0000', '${');
  return { ok: true, secret: new Secret(text) };
}
