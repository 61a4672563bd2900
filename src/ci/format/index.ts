// The output formats of `upwatch ci`, by name.
import type { CiResult } from '../result.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const CI_FORMATS = ['text', 'json', 'junit', 'sarif', 'github', 'markdown'] as const;
export type CiFormat = (typeof CI_FORMATS)[number];

/**
 * Render a result in the named format.
 *
 * @example
 * writeFileSync('upwatch.sarif', formatResult(result, 'sarif'));
 */
export function formatResult(r: CiResult, format: CiFormat): string {
  switch (format) {
    case 'text':
      return formatText(r);
    case 'json':
      return formatJson(r);
    case 'junit':
      return formatJunit(r);
    case 'sarif':
      return formatSarif(r);
    case 'github':
      return formatGithub(r);
    case 'markdown':
      return formatMarkdown(r);
  }
}
