// `npm run new:detector -- <id>`: scaffold src/detectors/<id>.ts and its table-driven test from a template and
// register it in src/detectors/registry.ts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** camelCase export name of a kebab-case detector id. */
export function exportName(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The detector source written for `id`. */
export function detectorTemplate(id: string): string {
  const name = exportName(id);
  const Options = `${name[0]!.toUpperCase()}${name.slice(1)}Options`;
  return `// ${id}: TODO one line saying what this detector flags.
import type { Detector } from '../core/detector.js';
import { metricInput } from './common.js';
import { dayString } from './stats/days.js';

export interface ${Options} {
  /** TODO: document every option; defaults live in \`defaults\` below. */
  threshold: number;
}

export const ${name}: Detector<${Options}> = {
  id: '${id}',
  title: 'TODO short title',
  description: 'TODO one paragraph for docs/detectors.md: what it flags, when, and at which severity.',
  class: 'drift',
  stage: 'drift',
  scope: 'metric',
  defaults: { threshold: 3 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { threshold: { type: 'number', exclusiveMinimum: 0 } },
  },
  detect(input) {
    const m = metricInput(input);
    if (!m) return [];
    const { frame, metric } = m;
    const T = frame.length - 1;
    const flagged = frame.entities.filter((s) => Math.abs(s.values[T]!) > input.options.threshold * 1e9).map((s) => s.entity);
    if (flagged.length === 0) return [];
    return [
      {
        rule: '${id}',
        class: 'drift',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: flagged,
        onset: dayString(frame.endDay),
        evidence: { threshold: input.options.threshold },
        explanation: \`\${metric.name}: TODO explain what changed, where, since when, with the numbers.\`,
      },
    ];
  },
};
`;
}

/** The test written for `id`. */
export function testTemplate(id: string): string {
  const name = exportName(id);
  return `import { describe, expect, it } from 'vitest';
import { ${name} } from './${id}.js';
import { countSeries, historyOf } from '../../test/helpers/detector-series.js';
import { seeded } from '../core/random.js';
import { runOn } from '../../test/helpers/detector-input.js';

describe('${id}', () => {
  it.each([
    { name: 'a huge value today', values: [...countSeries(seeded(1), { days: 30, level: 100 }), 1e13], fires: true },
    { name: 'a clean seasonal series', values: countSeries(seeded(2), { days: 30, level: 100 }), fires: false },
  ])('$name → fires: $fires', ({ values, fires }) => {
    expect(runOn(${name}, historyOf({ p1: values })).length > 0).toBe(fires);
  });
});
`;
}

/** Insert the import and the list entry into the registry source (idempotent). */
export function registerIn(registry: string, id: string): string {
  const name = exportName(id);
  if (registry.includes(`from './${id}.js'`)) return registry;
  const importLine = `import { ${name} } from './${id}.js';\n`;
  const lastImport = registry.lastIndexOf('\nimport ');
  const afterImports = registry.indexOf('\n', lastImport + 1) + 1;
  let out = registry.slice(0, afterImports) + importLine + registry.slice(afterImports);
  const listEnd = out.indexOf('\n];', out.indexOf('const DETECTORS'));
  out = `${out.slice(0, listEnd)}\n  ${name},${out.slice(listEnd)}`;
  return out;
}

function main(): void {
  const id = process.argv[2];
  if (!id || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) {
    console.error('usage: npm run new:detector -- <id>   (kebab-case, e.g. seasonal-break)');
    process.exitCode = 2;
    return;
  }
  const root = join(import.meta.dirname, '..', 'src', 'detectors');
  const file = join(root, `${id}.ts`);
  if (existsSync(file)) {
    console.error(`error: ${file} already exists`);
    process.exitCode = 2;
    return;
  }
  writeFileSync(file, detectorTemplate(id));
  writeFileSync(join(root, `${id}.test.ts`), testTemplate(id));
  const registryPath = join(root, 'registry.ts');
  writeFileSync(registryPath, registerIn(readFileSync(registryPath, 'utf8'), id));
  console.log(`created src/detectors/${id}.ts and ${id}.test.ts; registered in src/detectors/registry.ts`);
  console.log(`next: fill in the TODOs, then npx vitest run src/detectors/${id}.test.ts`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) main();
