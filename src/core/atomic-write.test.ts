import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { mountTinyFs, type TinyFs } from '../../test/helpers/tiny-fs.js';
import { writeFileAtomic } from './atomic-write.js';

const dir = tempDir('upwatch-atomic-');

describe('writeFileAtomic', () => {
  it('creates the folder, writes the file, replaces an older one, and leaves no temporary file', () => {
    const path = join(dir, 'a', 'b', 'status.json');
    writeFileAtomic(path, '{"v":1}\n');
    writeFileAtomic(path, Buffer.from('{"v":2}\n'));
    expect(readFileSync(path, 'utf8')).toBe('{"v":2}\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['status.json']);
  });

  it('throws the error of a target it cannot replace (a folder), and removes its temporary file', () => {
    const path = join(dir, 'taken');
    writeFileAtomic(join(path, 'inside'), 'x');
    expect(() => writeFileAtomic(path, 'y')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  const fs = mountTinyFs(16);
  afterAll(() => {
    if ('dir' in fs) fs.unmount();
  });
  it.skipIf('skip' in fs)(
    `on a full disk: ENOSPC, the previous file whole, no temporary file${'skip' in fs ? ` (skipped: ${fs.skip})` : ''}`,
    () => {
      const tiny = (fs as TinyFs).dir;
      const path = join(tiny, 'status.json');
      writeFileSync(path, 'old\n');
      expect(() => writeFileAtomic(path, 'n'.repeat(64 * 1024))).toThrow(/ENOSPC/);
      expect(readFileSync(path, 'utf8')).toBe('old\n');
      expect(readdirSync(tiny)).toEqual(['status.json']);
      expect(() => writeFileAtomic(join(tiny, 'new.json'), 'n'.repeat(64 * 1024))).toThrow(/ENOSPC/);
      expect(existsSync(join(tiny, 'new.json'))).toBe(false);
    },
  );
});
