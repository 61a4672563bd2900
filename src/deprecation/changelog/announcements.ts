// Announcements in a changed changelog or deprecation page: declared names near deprecation words, with date and replacement.
import { diffLines } from 'diff';
import { expandMetricNotation } from '../../knowledge/metric-notation.js';
import type { AnnouncedDate } from './announced-date.js';
import { findAnnouncedDates } from './announced-date.js';

/** One declared name the new text announces as deprecated. */
export interface Announcement {
  /** The declared name as the contract writes it. */
  name: string;
  /** 1-based line of the mention in the current text. */
  line: number;
  /** The mention line (trimmed, at most 300 characters). */
  excerpt: string;
  /** The deprecation words that matched. */
  trigger: string;
  effectiveDate?: string;
  datePhrase?: string;
  replacement?: string;
}

export interface ChangelogAnalysis {
  announcements: Announcement[];
  addedLines: number;
  removedLines: number;
  /** The first added lines, for an "unparsed change" finding. */
  addedExcerpt: string;
}

export interface AnalyzeOptions {
  /** Lines before a mention searched for deprecation words and a date (a heading above a list). Default 8. */
  window?: number;
}

const DEPRECATION_WORDS =
  /\b(deprecat\w*|remov(?:e|ed|al|ing)|no longer (?:be )?(?:available|supported|returned)|discontinu\w*|sunset\w*|retir(?:e|ed|ing)|will stop|stop(?:s|ped)? (?:returning|working|being)|end[- ]of[- ]life|replaced (?:by|with)|will be unavailable|invalid metric|shut(?:ting)? down)\b/i;
const NAME_TOKEN = /[A-Za-z_][A-Za-z0-9_]*(?:(?:\([A-Za-z0-9_,]*\)|\{[A-Za-z0-9_,\s]*\})[A-Za-z0-9_]*)*\*?/g;
const IDENT = '([A-Za-z][A-Za-z0-9_]*_[A-Za-z0-9_]+|`[A-Za-z][A-Za-z0-9_.]*`)';
const REPLACEMENT = [
  new RegExp(`\\bAlternatives?\\s*:\\s*${IDENT}`, 'i'),
  new RegExp(
    `\\b(?:use|using|replaced (?:by|with)|in favou?r of|migrate to|switch to|instead,? use)\\s+(?:the\\s+)?${IDENT}`,
    'i',
  ),
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const clean = (s: string) => s.replace(/`/g, '').trim();

/** The line without its replacement phrases, so "(Alternative: page_media_view)" does not name the replacement. */
function withoutReplacements(line: string): string {
  return line
    .replace(/\(?\bAlternatives?\s*:[^)]*\)?/gi, ' ')
    .replace(/(?:->|→|=>)\s*[^,;]*/g, ' ')
    .replace(
      /\b(?:use|using|replaced (?:by|with)|in favou?r of|migrate to|switch to|instead,? use)\s+(?:the\s+)?\S+/gi,
      ' ',
    );
}

/** Names mentioned in a line (Meta's `(_unique)` and `{a,b}` notation expanded), lower-case. */
function mentions(raw: string): Set<string> {
  const line = withoutReplacements(raw);
  const out = new Set<string>();
  NAME_TOKEN.lastIndex = 0;
  for (let m = NAME_TOKEN.exec(line); m; m = NAME_TOKEN.exec(line))
    for (const n of expandMetricNotation(m[0])) out.add(n);
  return out;
}

function replacementFor(name: string, lines: readonly string[], i: number): string | undefined {
  const here = lines[i] ?? '';
  const arrow = new RegExp(`${escapeRe(name)}\\*?\\s*(?:->|→|=>)\\s*${IDENT}`, 'i').exec(here);
  if (arrow) return clean(arrow[1]!);
  for (const line of [here, lines[i + 1] ?? '', lines[i + 2] ?? '']) {
    for (const re of REPLACEMENT) {
      const m = re.exec(line);
      if (m && clean(m[1]!).toLowerCase() !== name.toLowerCase()) return clean(m[1]!);
    }
  }
  return undefined;
}

function dateFor(lines: readonly string[], i: number, window: number): AnnouncedDate | undefined {
  const here = findAnnouncedDates(lines[i] ?? '')[0];
  if (here) return here;
  for (let j = i - 1; j >= Math.max(0, i - window); j--) {
    const found = findAnnouncedDates(lines[j] ?? '');
    if (found.length) return found[found.length - 1];
  }
  for (let j = i + 1; j <= Math.min(lines.length - 1, i + 2); j++) {
    const found = findAnnouncedDates(lines[j] ?? '')[0];
    if (found) return found;
  }
  return undefined;
}

/**
 * Compare two normalized snapshots of a changelog page and find the declared names that the added text announces
 * as deprecated, with the effective date and replacement when the text gives them.
 *
 * @example
 * analyzeChangelog('', 'On March 14, 2024 we will deprecate page_engaged_users.', ['page_engaged_users']).announcements[0]
 * // { name: 'page_engaged_users', effectiveDate: '2024-03-14', trigger: 'deprecate', ... }
 */
export function analyzeChangelog(
  previous: string,
  current: string,
  names: readonly string[],
  options: AnalyzeOptions = {},
): ChangelogAnalysis {
  const window = options.window ?? 8;
  const lines = current.split(/\r?\n/);
  const added = new Set<number>();
  let removedLines = 0;
  let at = 0;
  for (const part of diffLines(previous, current)) {
    const count = part.count ?? part.value.split('\n').length - (part.value.endsWith('\n') ? 1 : 0);
    if (part.removed) {
      removedLines += count;
      continue;
    }
    if (part.added) for (let k = 0; k < count; k++) added.add(at + k);
    at += count;
  }
  const wanted = new Map(names.map((n) => [n.toLowerCase(), n]));
  const announcements: Announcement[] = [];
  const seen = new Set<string>();
  for (const i of [...added].sort((a, b) => a - b)) {
    const line = lines[i] ?? '';
    const found = [...mentions(line)].filter((n) => wanted.has(n) && !seen.has(n));
    if (found.length === 0) continue;
    let trigger = DEPRECATION_WORDS.exec(line)?.[0];
    for (let j = i - 1; !trigger && j >= Math.max(0, i - window); j--)
      trigger = DEPRECATION_WORDS.exec(lines[j] ?? '')?.[0];
    if (!trigger) continue;
    const date = dateFor(lines, i, window);
    for (const n of found) {
      seen.add(n);
      const name = wanted.get(n)!;
      const a: Announcement = { name, line: i + 1, excerpt: line.trim().slice(0, 300), trigger };
      if (date?.date) a.effectiveDate = date.date;
      if (date) a.datePhrase = date.phrase;
      const replacement = replacementFor(n, lines, i);
      if (replacement) a.replacement = replacement;
      announcements.push(a);
    }
  }
  const addedExcerpt = [...added]
    .sort((a, b) => a - b)
    .map((i) => (lines[i] ?? '').trim())
    .filter(Boolean)
    .slice(0, 5)
    .join(' / ')
    .slice(0, 400);
  return { announcements, addedLines: added.size, removedLines, addedExcerpt };
}
