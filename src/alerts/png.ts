// The PNG adapter, the only @resvg/resvg-js importer: draws the alert charts' SVG as PNG with a font found on disk.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type * as Resvg from '@resvg/resvg-js';
import { UpwatchError, errorMessage } from '../core/errors.js';

type ResvgModule = typeof Resvg;

/** Draws an SVG document as PNG. */
export interface PngRenderer {
  /**
   * The PNG bytes of `svg`, drawn at `scale` times its size (2 by default, sharp on high-density screens). Rejects
   * with UpwatchError `CHART_UNRENDERABLE` when the SVG does not parse, no font is found (the labels would vanish
   * without a word) or the native renderer cannot load on this platform.
   */
  render(svg: string): Promise<Buffer>;
}

export interface PngRendererOptions {
  /**
   * Folders searched for a TrueType/OpenType font (recursively, a few levels down). Default: the usual system
   * folders of Linux (`/usr/share/fonts`, `/usr/local/share/fonts`, `~/.local/share/fonts`, `~/.fonts`), macOS and
   * Windows.
   */
  fontDirs?: readonly string[];
  /** Zoom factor of the drawing. Default 2. */
  scale?: number;
}

/** The usual font folders; Debian's fontconfig (a dependency of Chromium) brings DejaVu Sans into the first. */
export function defaultFontDirs(): string[] {
  const home = homedir();
  return [
    '/usr/share/fonts',
    '/usr/local/share/fonts',
    join(home, '.local/share/fonts'),
    join(home, '.fonts'),
    '/Library/Fonts',
    '/System/Library/Fonts',
    'C:\\Windows\\Fonts',
  ];
}

/** Plain sans-serif faces that carry the digits and Latin letters of the labels, best first. */
const PREFERRED = [
  'dejavusans.ttf',
  'liberationsans-regular.ttf',
  'notosans-regular.ttf',
  'arial.ttf',
  'helvetica.ttc',
  'freesans.ttf',
];
const FONT_EXT = new Set(['.ttf', '.otf', '.ttc']);
const MAX_DEPTH = 4;
const MAX_FILES = 5_000;

function fontFilesUnder(dir: string, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // a folder that does not exist or cannot be read holds no usable font
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (FONT_EXT.has(extname(name).toLowerCase())) out.push(path);
    else {
      try {
        if (statSync(path).isDirectory()) fontFilesUnder(path, depth + 1, out);
      } catch {
        // a dangling link: skip it
      }
    }
  }
}

/**
 * The font file the charts are drawn with: the first preferred sans-serif face found in `dirs`, else the first
 * regular-looking font, else any font; undefined when the folders hold none.
 *
 * @example
 * chooseFont(['/usr/share/fonts']) // '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' on Debian
 */
export function chooseFont(dirs: readonly string[]): string | undefined {
  const files: string[] = [];
  for (const dir of dirs) if (existsSync(dir)) fontFilesUnder(dir, 0, files);
  const byName = new Map(files.map((f) => [basename(f).toLowerCase(), f]));
  for (const name of PREFERRED) {
    const hit = byName.get(name);
    if (hit) return hit;
  }
  return (
    files.find((f) => /sans/i.test(basename(f)) && !/bold|italic|oblique|mono/i.test(basename(f))) ?? files[0]
  );
}

/**
 * A renderer over resvg (a prebuilt native binary). The binary is loaded on the first render, so a platform without
 * one fails that render (and the mail goes out without the picture) instead of stopping upwatch. The font is looked
 * up once: with `loadSystemFonts` resvg would scan every system font on each render, and with no font at all it
 * silently drops every label, so upwatch chooses one file and refuses to draw without it.
 *
 * @example
 * const png = await createPngRenderer().render(svgChart(history, { onset })!);
 */
export function createPngRenderer(options: PngRendererOptions = {}): PngRenderer {
  const scale = options.scale ?? 2;
  let font: string | null | undefined;
  let resvg: Promise<ResvgModule> | undefined;
  const fail = (message: string, hint: string, cause?: unknown): UpwatchError =>
    new UpwatchError('CHART_UNRENDERABLE', message, { hint, ...(cause !== undefined ? { cause } : {}) });
  return {
    async render(svg: string): Promise<Buffer> {
      if (font === undefined) font = chooseFont(options.fontDirs ?? defaultFontDirs()) ?? null;
      if (font === null) {
        throw fail(
          `no font found to draw chart labels (searched ${(options.fontDirs ?? defaultFontDirs()).join(', ')})`,
          'install a TrueType font, e.g. `apt-get install fonts-dejavu-core` on Debian',
        );
      }
      let mod: ResvgModule;
      try {
        mod = await (resvg ??= import('@resvg/resvg-js'));
      } catch (e) {
        throw fail(
          `the chart renderer (@resvg/resvg-js) cannot load on this platform: ${errorMessage(e)}`,
          'reinstall upwatch with npm on this machine so the prebuilt renderer for its platform is installed',
          e,
        );
      }
      try {
        const r = new mod.Resvg(svg, {
          fitTo: { mode: 'zoom', value: scale },
          background: '#ffffff',
          font: { loadSystemFonts: false, fontFiles: [font] },
          logLevel: 'off',
        });
        return r.render().asPng();
      } catch (e) {
        throw fail(
          `chart SVG could not be drawn: ${errorMessage(e)}`,
          'the chart is still on the dashboard',
          e,
        );
      }
    },
  };
}
