// Writing a whole file atomically: a temporary file in the same folder, synced, then renamed over the target.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Write `data` to `path` so that readers see the previous file or the new one, never a part of either: the bytes go
 * to `.<name>.<pid>.<random>.tmp` beside the target (same file system, so the rename is atomic), are synced to disk,
 * and the temporary file is renamed over the target. On any failure (a full disk, a read-only folder) the temporary
 * file is removed, the target is left as it was, and the original error is thrown. Creates the folder if needed.
 *
 * @example
 * writeFileAtomic('reports/upwatch-report.html', html);
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
