// `npm run cli-doc`: rewrites the generated command reference in docs/cli.md from the CLI's own help.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCommandReference, replaceCommandReference } from '../src/cli/reference-doc.js';

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'cli.md');
const before = readFileSync(path, 'utf8');
const after = replaceCommandReference(before, await renderCommandReference());
if (after !== before) writeFileSync(path, after);
console.log(`${after === before ? 'unchanged' : 'updated'} ${path}`);
