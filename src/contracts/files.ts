// Finding and reading contract files: recursive *.yaml/*.yml discovery, a size cap, and strict UTF-8 decoding.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { UpwatchError } from '../core/errors.js';

/**
 * Largest contract file upwatch reads: 1 MiB. A contract is hand-written YAML; a bigger file is almost certainly
 * generated or the wrong file, and refusing it keeps parsing fast and memory bounded. Split big sets into files.
 */
export const MAX_CONTRACT_FILE_BYTES = 1024 * 1024;

const CONTRACT_FILE = /\.ya?ml$/i;

/**
 * Every `*.yaml`/`*.yml` file under `dir`, recursively, sorted; hidden entries and `node_modules` are skipped,
 * symbolic links to directories are not followed. Throws CONTRACTS_NOT_FOUND when `dir` is not a directory.
 *
 * @example
 * await findContractFiles('/repo/contracts') // ['/repo/contracts/meta.yaml', '/repo/contracts/partner/api.yml']
 */
export async function findContractFiles(dir: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UpwatchError('CONTRACTS_NOT_FOUND', `contracts directory not found: ${dir}`, {
      hint: 'pass --contracts DIR, or create contracts/ with a Source contract (see docs/contracts.md)',
    });
  }
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if ((e.isFile() || e.isSymbolicLink()) && CONTRACT_FILE.test(e.name)) out.push(full);
    }
  };
  await walk(dir);
  return out;
}

/** Result of reading one file: its text, or the diagnostic that explains why it cannot be used. */
export type ReadResult = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The diagnostic for a file over MAX_CONTRACT_FILE_BYTES. */
export function tooLargeDiagnostic(file: string, bytes: number): Diagnostic {
  return {
    file,
    line: 1,
    col: 1,
    severity: 'error',
    code: 'file-too-large',
    message: `file is ${sizeText(bytes)}, over the ${sizeText(MAX_CONTRACT_FILE_BYTES)} limit for a contract file; not read`,
    hint: 'split the contracts into several files (one per source is usual), or move generated data out of contracts/',
  };
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Decode a contract file's bytes as strict UTF-8 (a BOM is dropped), or explain where it is not UTF-8.
 *
 * @example
 * decodeContract('contracts/a.yaml', bytes) // { ok: true, text: 'apiVersion: upwatch/v1…' }
 */
export function decodeContract(file: string, bytes: Uint8Array): ReadResult {
  if (bytes.length > MAX_CONTRACT_FILE_BYTES)
    return { ok: false, diagnostic: tooLargeDiagnostic(file, bytes.length) };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    return {
      ok: false,
      diagnostic: {
        file,
        line,
        col: at - lineStart + 1,
        severity: 'error',
        code: 'not-utf8',
        message: `file is not UTF-8 (${utf16 ? 'it looks like UTF-16' : `invalid byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}`})`,
        hint: 'save the file as UTF-8 (most editors: "Save with encoding" → UTF-8)',
      },
    };
  }
}

/** Read one contract file: size cap first (by stat, so a huge file is never read), then strict UTF-8. */
export async function readContractFile(path: string, display: string): Promise<ReadResult> {
  try {
    const info = await stat(path);
    if (info.size > MAX_CONTRACT_FILE_BYTES)
      return { ok: false, diagnostic: tooLargeDiagnostic(display, info.size) };
    return decodeContract(display, await readFile(path));
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String(e.code) : 'read failed';
    return {
      ok: false,
      diagnostic: {
        file: display,
        line: 1,
        col: 1,
        severity: 'error',
        code: 'file-unreadable',
        message: `cannot read the file (${reason})`,
        hint: 'check that the file exists and is readable by this user',
      },
    };
  }
}
