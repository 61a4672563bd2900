// Alert settings: default recipients, reminder digest, countdown days, storm caps, Message-ID host.
import type { Severity } from '../core/contract.js';

/** How upwatch decides what to mail. Every field has a default (ALERT_DEFAULTS). */
export interface AlertSettings {
  /** Catch-all recipients added to every notification (owners come from the contracts). */
  recipients: string[];
  /**
   * How often the reminder digest goes out while findings stay open and unacknowledged, hours, rounded to whole days
   * (24 = daily, 168 = weekly). 0 = no reminders. Default 168: a weekly digest. A finding is reminded once it has been
   * open (or last mailed) for an interval.
   */
  reminderIntervalHours: number;
  /** Local hour (0–23) at which a recipient's reminder digest falls due. Default 8. */
  digestHour: number;
  /** IANA time zone of the digest hour, unless `recipientTimezones` names one for the recipient. Default `UTC`. */
  digestTimezone: string;
  /** Per-recipient IANA time zones for the digest hour (lower-case addresses). Default none. */
  recipientTimezones: Record<string, string>;
  /**
   * Immediate notices (alerts, resolved notices, countdowns) sent to one recipient per clock hour (UTC); the rest of
   * that hour's notices collapse into one digest sent when the hour ends. 0 = no cap. Default 10.
   */
  maxImmediatePerHour: number;
  /** Days before a finding's effective date at which a countdown goes out. Default [30, 7, 0]. */
  countdownDays: number[];
  /** Findings listed in one mail; the rest are summarised as "and N more". Default 25. */
  maxFindingsPerMail: number;
  /** Findings per mail that get a chart. Default 5. */
  maxChartsPerMail: number;
  /** Right-hand side of Message-IDs (`<upwatch-…@host>`). Default `upwatch.local`. */
  messageIdHost: string;
  /**
   * Severities that are mailed (alerts and reminders). Default `[block, warn]`: `info` findings stay visible in the
   * gate and status but send no mail. Countdowns go out for any finding with an announced effective date.
   */
  notifyOn: Severity[];
  /** Days of history drawn before and after the onset. Default 21 and 7. */
  chartDaysBefore: number;
  chartDaysAfter: number;
  /**
   * Base URL of the dashboard (`UPWATCH_PUBLIC_URL`, checked by parsePublicUrl): when set, every finding in a mail
   * links to its page there. Default none.
   */
  publicUrl?: string;
}

/**
 * Lifecycle and alert settings as the CLI or a library caller passes them; every field is optional (defaults: 2 good
 * polls, ALERT_DEFAULTS). Defined here, beside AlertSettings, so alert configuration never reaches up into the
 * pipeline that consumes it.
 */
export interface ProcessDefaults extends Partial<AlertSettings> {
  /** Consecutive good polls without the condition before a finding resolves. Default 2. */
  resolveAfterGoodPolls?: number;
  /** Days after resolving during which a condition back at no higher severity reopens without mail. Default 7. */
  quietReopenDays?: number;
  /** Exact secret values to scrub from mail text, in case one ever reached a finding. */
  secrets?: readonly string[];
}

export const ALERT_DEFAULTS: AlertSettings = {
  recipients: [],
  reminderIntervalHours: 168,
  digestHour: 8,
  digestTimezone: 'UTC',
  recipientTimezones: {},
  maxImmediatePerHour: 10,
  countdownDays: [30, 7, 0],
  maxFindingsPerMail: 25,
  maxChartsPerMail: 5,
  messageIdHost: 'upwatch.local',
  notifyOn: ['block', 'warn'],
  chartDaysBefore: 21,
  chartDaysAfter: 7,
  // Listed (unset) so that processFindings copies a caller's value over the defaults.
  publicUrl: undefined,
};

/** Relay settings: lease, backoff and the give-up period. */
export interface RelaySettings {
  /** Sender address. */
  from: string;
  /** Rows claimed per round. Default 20. */
  batchSize: number;
  /** Lease on a claimed row, ms. Default 120 000. */
  leaseMs: number;
  /** Full-jitter backoff base and cap, ms. Defaults 30 s and 1 h. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A row older than this that fails again is dead. Default 24 h. */
  giveUpMs: number;
  /** Interval between rounds when started as a loop, ms. Default 5 000. */
  intervalMs: number;
}

export const RELAY_DEFAULTS: Omit<RelaySettings, 'from'> = {
  batchSize: 20,
  leaseMs: 120_000,
  backoffBaseMs: 30_000,
  backoffCapMs: 3_600_000,
  giveUpMs: 24 * 3_600_000,
  intervalMs: 5_000,
};

/** Split a comma- or space-separated address list (e.g. `UPWATCH_ALERT_TO`). */
export function parseRecipients(text: string | undefined): string[] {
  if (!text) return [];
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((a) => a.trim().toLowerCase())
        .filter((a) => a.includes('@')),
    ),
  ];
}
