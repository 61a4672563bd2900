import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContractTexts } from './load.js';

const VALID = readFileSync(join(import.meta.dirname, '../../contracts/partner-ads.yaml'), 'utf8');

describe('a user mistake never throws', () => {
  it('arbitrary text loads into diagnostics', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = loadContractTexts([{ path: 'x.yaml', text }]);
        for (const d of r.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid contract with a span deleted or replaced loads into diagnostics, each located in the file', () => {
    const lines = VALID.split('\n').length;
    fc.assert(
      fc.property(
        fc.nat(VALID.length),
        fc.nat(40),
        fc.constantFrom(
          '',
          ' ',
          '\t',
          ':',
          '- ',
          '[',
          '{',
          '"',
          '*a',
          '&a ',
          '${X}',
          '\n',
          '0',
          'null',
          '---\n',
        ),
        (at, length, insert) => {
          const text = VALID.slice(0, at) + insert + VALID.slice(at + length);
          const r = loadContractTexts([{ path: 'x.yaml', text }], { env: () => undefined });
          for (const d of r.diagnostics) {
            expect(d.file).toBe('x.yaml');
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.line).toBeLessThanOrEqual(lines + 2);
            expect(d.message).not.toContain('\n');
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
