// A child process for the migration-race test: for each round number read on stdin, open that round's store file.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { UpwatchError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/store.js';

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'write' && mode !== 'read') || !dir) throw new Error('usage: store-opener.ts write|read DIR');
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const round = line.trim();
  try {
    await openStore(join(dir, `round-${round}.db`), { readonly: mode === 'read' }).close();
    process.stdout.write(`${round} ok\n`);
  } catch (e) {
    const code = e instanceof UpwatchError ? e.code : 'UNEXPECTED';
    process.stdout.write(`${round} fail ${code} ${(e as Error).message}\n`);
  }
}
