// Effective dates in announcement prose: "On March 14, 2024", "by June 15, 2026", "2026-06-15", "when v26.0 is released".
import { graphVersionInfo } from '../../knowledge/lookup.js';

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const MONTH =
  '(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?';
const PATTERNS: {
  re: RegExp;
  read: (m: RegExpExecArray) => { y: number; mo: number; d: number } | undefined;
}[] = [
  {
    re: new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'gi'),
    read: (m) => ({ y: Number(m[3]), mo: MONTHS[m[1]!.slice(0, 3).toLowerCase()]!, d: Number(m[2]) }),
  },
  {
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+(\\d{4})\\b`, 'gi'),
    read: (m) => ({ y: Number(m[3]), mo: MONTHS[m[2]!.slice(0, 3).toLowerCase()]!, d: Number(m[1]) }),
  },
  {
    re: /\b(\d{4})-(\d{2})-(\d{2})\b/g,
    read: (m) => ({ y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) }),
  },
];
const VERSION_RELEASE =
  /\b(?:when|once|after|with(?: the release of)?|starting with|as of)\s+(?:(?:Graph|Marketing)\s+API\s+)?(v\d+(?:\.\d+)?)(?:\s+(?:is|gets|has been)\s+released)?/gi;

/** A date found in prose, with the words it came from. */
export interface AnnouncedDate {
  /** ISO day, or undefined when the phrase names a version whose release day is unknown. */
  date?: string;
  phrase: string;
  /** Offset of the phrase in the text. */
  index: number;
}

function iso(y: number, mo: number, d: number): string | undefined {
  const t = Date.UTC(y, mo - 1, d);
  const dt = new Date(t);
  if (dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return undefined;
  return dt.toISOString().slice(0, 10);
}

/**
 * Every effective-date phrase in a text, in order of appearance. Version phrases ("when v26.0 is released")
 * resolve through the Graph version table.
 *
 * @example
 * findAnnouncedDates('By June 15, 2026, these metrics will be removed')[0] // { date: '2026-06-15', phrase: 'June 15, 2026', index: 3 }
 * findAnnouncedDates('when v26.0 is released')[0]?.date // '2026-07-29'
 */
export function findAnnouncedDates(text: string): AnnouncedDate[] {
  const out: AnnouncedDate[] = [];
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      const parts = p.read(m);
      const date = parts && iso(parts.y, parts.mo, parts.d);
      if (date && !out.some((o) => m.index >= o.index && m.index < o.index + o.phrase.length))
        out.push({ date, phrase: m[0], index: m.index });
    }
  }
  VERSION_RELEASE.lastIndex = 0;
  for (let m = VERSION_RELEASE.exec(text); m; m = VERSION_RELEASE.exec(text)) {
    const released = graphVersionInfo(m[1]!)?.released;
    out.push({ ...(released ? { date: released } : {}), phrase: m[0], index: m.index });
  }
  return out.sort((a, b) => a.index - b.index);
}
