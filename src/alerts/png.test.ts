import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUpwatchError } from '../core/errors.js';
import { chooseFont, createPngRenderer } from './png.js';
import { tempDir } from '../../test/helpers/temp-dir.js';

const blank = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"></svg>';
const label =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30" style="font-family:sans-serif;font-size:10px"><text x="4" y="20" fill="#555">2026-03-14 12.5k</text></svg>';

describe('createPngRenderer', () => {
  // Draws with a system font: Debian's chromium package (installed by .ci/run) brings DejaVu Sans via fontconfig.
  it('draws labels: a chart with text differs from the same chart without (resvg drops text it has no font for)', async () => {
    const r = createPngRenderer();
    const withText = await r.render(label);
    const without = await r.render(blank);
    expect(withText.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(withText.readUInt32BE(16)).toBe(240); // width, drawn at 2×
    expect(withText.equals(without)).toBe(false);
  });

  it('refuses to draw when no font is found, naming where it looked and how to fix it', async () => {
    const empty = tempDir('upwatch-nofonts-');
    const err: unknown = await createPngRenderer({ fontDirs: [empty] })
      .render(label)
      .catch((e: unknown) => e);
    expect(isUpwatchError(err, 'CHART_UNRENDERABLE')).toBe(true);
    expect((err as Error).message).toContain(`no font found to draw chart labels (searched ${empty})`);
    expect((err as { hint?: string }).hint).toContain('fonts-dejavu-core');
  });

  it('rejects an SVG that does not parse with CHART_UNRENDERABLE', async () => {
    const err: unknown = await createPngRenderer()
      .render('<svg xmlns="http://www.w3.org/2000/svg"><polyline')
      .catch((e: unknown) => e);
    expect(isUpwatchError(err, 'CHART_UNRENDERABLE')).toBe(true);
    expect((err as Error).message).toMatch(/^chart SVG could not be drawn: /);
  });
});

describe('chooseFont', () => {
  it('prefers a plain sans-serif face, then a regular-looking one, then any font', () => {
    const dir = tempDir('upwatch-fonts-');
    const put = (path: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), '');
    };
    put('a/Zed-Bold.ttf');
    expect(chooseFont([dir])).toBe(join(dir, 'a/Zed-Bold.ttf'));
    put('b/OpenSans-Italic.ttf');
    put('b/OpenSans-Regular.ttf');
    expect(chooseFont([dir])).toBe(join(dir, 'b/OpenSans-Regular.ttf'));
    put('truetype/dejavu/DejaVuSans.ttf');
    expect(chooseFont([join(dir, 'missing'), dir])).toBe(join(dir, 'truetype/dejavu/DejaVuSans.ttf'));
    expect(chooseFont([join(dir, 'missing')])).toBeUndefined();
  });
});
