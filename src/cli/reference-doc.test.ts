import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCommandReference, replaceCommandReference } from './reference-doc.js';

describe('docs/cli.md', () => {
  it('holds the help of every command as the binary prints it (run `npm run cli-doc` when this fails)', async () => {
    const path = join(import.meta.dirname, '..', '..', 'docs', 'cli.md');
    const doc = readFileSync(path, 'utf8');
    const body = await renderCommandReference();
    expect(body).toContain('## upwatch gate');
    expect(replaceCommandReference(doc, body)).toBe(doc);
  });
});
