// Regenerate docs/detectors.md from the detector registry: `npx tsx scripts/detector-docs.ts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDetectorDocs } from './detector-docs-render.js';
import { allDetectors } from '../src/detectors/registry.js';

const target = join(import.meta.dirname, '..', 'docs', 'detectors.md');
writeFileSync(target, renderDetectorDocs(allDetectors()));
console.log(`wrote ${target}`);
