// Alert settings from the config file's `alerts` object and UPWATCH_ALERT_TO, validated, for the CLI to pass on.
import { UpwatchError } from '../core/errors.js';
import { isTimeZone } from '../core/zoned-time.js';
import { parseRecipients, type ProcessDefaults } from './settings.js';

const NUMBER_KEYS = [
  'resolveAfterGoodPolls',
  'quietReopenDays',
  'reminderIntervalHours',
  'maxFindingsPerMail',
  'maxChartsPerMail',
  'chartDaysBefore',
  'chartDaysAfter',
  'maxImmediatePerHour',
  'digestHour',
] as const;

/**
 * Build processFindings defaults from the config file (`{"alerts": {"recipients": [...], "reminderIntervalHours": 168,
 * "countdownDays": [30, 7, 0], "resolveAfterGoodPolls": 2, "quietReopenDays": 7, "maxFindingsPerMail": 25,
 * "messageIdHost": "…", "digestHour": 8, "digestTimezone": "UTC", "recipientTimezones": {"ana@example.com": "Europe/Paris"},
 * "maxImmediatePerHour": 10}}`) and
 * `UPWATCH_ALERT_TO` (comma-separated, added to the file's recipients). Throws UpwatchError `CONFIG_INVALID`.
 *
 * @example
 * const alerts = alertDefaultsFrom(settings.file, io.env); // CycleDeps.alerts
 */
export function alertDefaultsFrom(
  file: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): ProcessDefaults {
  const raw = file['alerts'] ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UpwatchError('CONFIG_INVALID', 'config key "alerts" must be an object', {
      hint: 'e.g. "alerts": { "recipients": ["oncall@example.com"] }',
    });
  }
  const a = raw as Record<string, unknown>;
  const out: ProcessDefaults = {};
  const bad = (key: string, what: string): never => {
    throw new UpwatchError('CONFIG_INVALID', `config key "alerts.${key}" must be ${what}`, {
      hint: 'fix the config file (see docs/alerts.md)',
    });
  };
  for (const key of NUMBER_KEYS) {
    const v = a[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(key, 'a non-negative number');
    out[key] = v as number;
  }
  if (out.resolveAfterGoodPolls !== undefined && out.resolveAfterGoodPolls < 1)
    bad('resolveAfterGoodPolls', 'at least 1');
  if (out.digestHour !== undefined && (!Number.isInteger(out.digestHour) || out.digestHour > 23))
    bad('digestHour', 'a whole hour from 0 to 23');
  if (a['digestTimezone'] !== undefined) {
    if (typeof a['digestTimezone'] !== 'string' || !isTimeZone(a['digestTimezone']))
      bad('digestTimezone', 'an IANA time zone such as UTC or Europe/Paris');
    out.digestTimezone = a['digestTimezone'] as string;
  }
  if (a['recipientTimezones'] !== undefined) {
    const v = a['recipientTimezones'];
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      bad('recipientTimezones', 'an object mapping addresses to IANA time zones');
    const zones: Record<string, string> = {};
    for (const [addr, tz] of Object.entries(v as Record<string, unknown>)) {
      if (typeof tz !== 'string' || !isTimeZone(tz))
        bad(`recipientTimezones.${addr}`, 'an IANA time zone such as UTC or Europe/Paris');
      zones[addr.trim().toLowerCase()] = tz as string;
    }
    out.recipientTimezones = zones;
  }
  if (a['countdownDays'] !== undefined) {
    const v = a['countdownDays'];
    if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0))
      bad('countdownDays', 'a list of whole days ≥ 0');
    out.countdownDays = [...new Set(v as number[])].sort((x, y) => y - x);
  }
  if (a['messageIdHost'] !== undefined) {
    if (typeof a['messageIdHost'] !== 'string' || !/^[A-Za-z0-9.-]+$/.test(a['messageIdHost']))
      bad('messageIdHost', 'a host name');
    out.messageIdHost = a['messageIdHost'] as string;
  }
  if (a['notifyOn'] !== undefined) {
    const v = a['notifyOn'];
    if (!Array.isArray(v) || !v.every((x) => x === 'block' || x === 'warn' || x === 'info'))
      bad('notifyOn', 'a list of block, warn, info');
    out.notifyOn = [...new Set(v as ('block' | 'warn' | 'info')[])];
  }
  let recipients: string[] = [];
  if (a['recipients'] !== undefined) {
    if (!Array.isArray(a['recipients']) || !a['recipients'].every((r) => typeof r === 'string'))
      bad('recipients', 'a list of email addresses');
    recipients = parseRecipients((a['recipients'] as string[]).join(','));
  }
  recipients = [...new Set([...recipients, ...parseRecipients(env['UPWATCH_ALERT_TO'])])];
  if (recipients.length) out.recipients = recipients;
  return out;
}
