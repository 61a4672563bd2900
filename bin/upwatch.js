#!/usr/bin/env node
// The installed `upwatch` binary: runs the compiled CLI, or in a checkout without a build the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');
const source = join(root, 'src', 'cli', 'main.ts');

/** Register tsx's loader when it is installed; false when it is not (an installed package has no tsx). */
async function registerTsx() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return true;
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND') return false;
    throw e;
  }
}

let entry;
if (existsSync(compiled)) {
  entry = compiled;
} else if (existsSync(source) && (await registerTsx())) {
  entry = source;
} else {
  // Exit code 2: could not run (DESIGN.md). Only here, before the CLI exists, does the launcher print itself.
  process.stderr.write(
    `error: upwatch is not built: ${compiled} is missing [INTERNAL]\n` +
      `  hint: run \`npm run build\` in ${root}` +
      (existsSync(source) ? ' (or `npm install` to get tsx and run the TypeScript source)' : '') +
      ', or reinstall upwatch\n',
  );
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
await main();
