// Five-field cron expressions: the check behind `schedule`, with a reason that names the field at fault.

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Value of names[0]. */
  namesFrom?: number;
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
    namesFrom: 1,
  },
  {
    name: 'day of week',
    min: 0,
    max: 7,
    names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
    namesFrom: 0,
  },
];

const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

function parseValue(text: string, f: CronField): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = f.names?.indexOf(text.toLowerCase()) ?? -1;
  return i >= 0 ? i + (f.namesFrom ?? 0) : undefined;
}

function checkField(text: string, f: CronField): string | undefined {
  if (text === '') return `the ${f.name} field is empty`;
  for (const item of text.split(',')) {
    const m = /^([^/]+)(?:\/(.+))?$/.exec(item);
    if (!m) return `the ${f.name} field has an invalid part "${item}"`;
    const [, range = '', step] = m;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) {
      return `the ${f.name} field has an invalid step "/${step}" (a positive whole number)`;
    }
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `the ${f.name} field has an invalid range "${range}"`;
    if (step !== undefined && bounds.length === 1) {
      return `the ${f.name} field uses a step on a single value "${item}" (write a range, e.g. "${range}-${f.max}/${step}")`;
    }
    const values: number[] = [];
    for (const b of bounds) {
      const v = parseValue(b, f);
      if (v === undefined || v < f.min || v > f.max) {
        return `${f.name} "${b}" is out of range (${f.min}-${f.max}${f.names ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : ''})`;
      }
      values.push(v);
    }
    if (values.length === 2 && values[0]! > values[1]!) {
      return `the ${f.name} range "${range}" runs backwards`;
    }
  }
  return undefined;
}

/**
 * Why a five-field cron expression is invalid, or undefined when it is valid. Fields: minute, hour, day of month,
 * month (1-12 or jan-dec), day of week (0-7 or sun-sat); each a list of `*`, `n`, `a-b`, with optional `/step`.
 *
 * @example
 * cronProblem('0 7 * * *')  // undefined
 * cronProblem('0 25 * * *') // 'hour "25" is out of range (0-23)'
 */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    const equivalent = MACROS[trimmed.toLowerCase()];
    return equivalent
      ? `"${trimmed}" shortcuts are not supported (write "${equivalent}")`
      : `"${trimmed}" is not a cron expression`;
  }
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5) {
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has ${trimmed === '' ? 0 : parts.length}`;
  }
  for (let i = 0; i < 5; i++) {
    const problem = checkField(parts[i]!, FIELDS[i]!);
    if (problem) return problem;
  }
  return undefined;
}
