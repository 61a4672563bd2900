import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENTED_EXAMPLES, renderDetectorDocs } from '../../scripts/detector-docs-render.js';
import { allDetectors } from '../../src/detectors/registry.js';

describe('docs/detectors.md', () => {
  it('is generated from the registry and up to date (run `npx tsx scripts/detector-docs.ts`)', () => {
    const onDisk = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'detectors.md'), 'utf8');
    expect(onDisk).toBe(renderDetectorDocs(allDetectors()));
  });

  it('has a real example finding for every statistical detector', () => {
    const text = renderDetectorDocs(allDetectors());
    for (const id of DOCUMENTED_EXAMPLES) {
      const section = text.slice(text.indexOf(`## ${id}\n`));
      expect(section.slice(0, section.indexOf('\n## ', 5) >>> 0 || undefined)).toMatch(
        new RegExp(`"rule": "${id}"`),
      );
    }
  });
});
