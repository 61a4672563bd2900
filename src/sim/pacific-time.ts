// Meta's day boundaries: Page Insights days end at midnight America/Los_Angeles (07:00 UTC in PDT, 08:00 in PST).

const PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function pacificParts(t: Date): { day: string; hour: number; minute: number } {
  const p = Object.fromEntries(PARTS.formatToParts(t).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute) };
}

/** Pacific midnights already computed (Intl is slow and the simulator asks for the same days all the time). */
const MIDNIGHTS = new Map<string, number>();

/** The Pacific calendar day (`YYYY-MM-DD`) an instant falls in. */
export function pacificDay(t: Date): string {
  return pacificParts(t).day;
}

/**
 * The UTC instant of midnight America/Los_Angeles that starts `day` (DST computed by Intl, not hard-coded).
 *
 * @example
 * pacificMidnight('2024-03-11').toISOString() // '2024-03-11T07:00:00.000Z' (PDT)
 * pacificMidnight('2024-03-10').toISOString() // '2024-03-10T08:00:00.000Z' (PST; the switch is at 02:00)
 */
export function pacificMidnight(day: string): Date {
  const known = MIDNIGHTS.get(day);
  if (known !== undefined) return new Date(known);
  // Midnight is either 07:00Z (PDT) or 08:00Z (PST); the candidate whose Pacific wall time reads 00:00 is it.
  for (const hour of [8, 7]) {
    const candidate = new Date(`${day}T0${hour}:00:00Z`);
    const p = pacificParts(candidate);
    if (p.day === day && p.hour === 0 && p.minute === 0) {
      MIDNIGHTS.set(day, candidate.getTime());
      return candidate;
    }
  }
  throw new Error(`no Pacific midnight found for ${day}`);
}

/** Meta's `end_time` text for an instant: `YYYY-MM-DDTHH:MM:SS+0000`. */
export function graphTime(t: Date): string {
  return `${t.toISOString().slice(0, 19)}+0000`;
}

/** `end_time` of the daily value that covers Pacific day `day`: the next day's Pacific midnight. */
export function endTimeOfDay(day: string): string {
  return graphTime(pacificMidnight(shiftDay(day, 1)));
}

/** Add whole days to an ISO day (calendar arithmetic, no time zone). */
export function shiftDay(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
