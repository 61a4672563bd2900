// The version the binary reports: read once from the package's own package.json, so it cannot drift from a release.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UpwatchError } from '../core/errors.js';

/**
 * The `version` field of upwatch's package.json. The file sits two folders up from this module both in a
 * checkout (`src/cli/`) and in the installed package (`dist/cli/`).
 *
 * @example
 * packageVersion() // '0.1.0'
 */
export function packageVersion(): string {
  const path = fileURLToPath(new URL('../../package.json', import.meta.url));
  let version: unknown;
  try {
    version = (JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version;
  } catch (e) {
    throw new UpwatchError('INTERNAL', `cannot read upwatch's package.json at ${path}`, {
      cause: e,
      hint: 'the installation is incomplete: reinstall upwatch',
    });
  }
  if (typeof version !== 'string' || version === '') {
    throw new UpwatchError('INTERNAL', `upwatch's package.json at ${path} has no version`, {
      hint: 'the installation is incomplete: reinstall upwatch',
    });
  }
  return version;
}
