// A tiny tmpfs mounted in a temp directory, to make a write fail with ENOSPC for real (Linux, root only).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyFs {
  dir: string;
  unmount(): void;
}

/**
 * Mount a `sizeKb` tmpfs on a fresh temp directory. Returns the reason instead when mounting is not permitted
 * (not root, no CAP_SYS_ADMIN, not Linux), so the caller can skip with it.
 */
export function mountTinyFs(sizeKb: number): TinyFs | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'a tmpfs needs Linux' };
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-tinyfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `cannot mount a tmpfs here (root with CAP_SYS_ADMIN needed): ${(e as Error).message}` };
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
