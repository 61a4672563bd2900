// The ajv instance contracts validate with (the only ajv importer): all errors, formats, upwatch's annotations.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { CONTRACT_SCHEMA, CONTRACT_SCHEMA_ID, SCHEMA_ANNOTATIONS } from './schema.js';

const addFormats = addFormatsPlugin.default;

/**
 * A fresh ajv configured like contract validation: `allErrors`, `verbose` (errors carry their schema and data),
 * ajv-formats, and upwatch's annotation keywords.
 *
 * @example
 * const validate = createAjv().compile({ type: 'object' });
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  });
  addFormats(ajv, ['email', 'uri', 'date', 'date-time']);
  for (const keyword of SCHEMA_ANNOTATIONS) ajv.addKeyword({ keyword });
  return ajv;
}

let shared: Ajv | undefined;

function sharedAjv(): Ajv {
  if (!shared) {
    shared = createAjv();
    shared.addSchema(CONTRACT_SCHEMA);
  }
  return shared;
}

/** The validator of one definition of the contract schema (`Envelope`, `Source`, `Feature`…), compiled once. */
export function definitionValidator(name: string): ValidateFunction {
  const v = sharedAjv().getSchema(`${CONTRACT_SCHEMA_ID}#/definitions/${name}`);
  if (!v) throw new Error(`contract schema has no definition ${name}`);
  return v;
}

let lenient: Ajv | undefined;
const compiledOptions = new WeakMap<object, ValidateFunction | Error>();

/**
 * A validator for a detector's options schema (compiled once per schema object, without strict mode so a
 * detector's own annotations never break validation), or the reason it cannot be compiled.
 */
export function compileOptionsSchema(schema: Record<string, unknown>): ValidateFunction | Error {
  const cached = compiledOptions.get(schema);
  if (cached) return cached;
  lenient ??= (() => {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    addFormats(ajv);
    return ajv;
  })();
  let result: ValidateFunction | Error;
  try {
    result = lenient.compile(schema);
  } catch (e) {
    result = e instanceof Error ? e : new Error(String(e));
  }
  compiledOptions.set(schema, result);
  return result;
}
