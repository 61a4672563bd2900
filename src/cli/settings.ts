// CLI settings with one precedence everywhere: flag > environment (UPWATCH_*) > config file > default.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { isStoreUrl } from '../store/open.js';
import { UpwatchError } from '../core/errors.js';
import { parsePublicUrl } from '../core/public-url.js';
import type { CliIO } from './io.js';

/** Every setting: its environment variable, config-file key, and default. Add new ones here. */
export const SETTINGS = {
  db: { env: 'UPWATCH_DB', key: 'db', default: '.upwatch/upwatch.db', path: true },
  contracts: { env: 'UPWATCH_CONTRACTS', key: 'contracts', default: 'contracts', path: true },
  snapshots: { env: 'UPWATCH_SNAPSHOTS', key: 'snapshots', default: 'snapshots', path: true },
  statusFile: { env: 'UPWATCH_STATUS_FILE', key: 'statusFile', default: undefined, path: true },
  smtpUrl: { env: 'UPWATCH_SMTP_URL', key: 'smtpUrl', default: undefined, path: false },
  smtpFrom: { env: 'UPWATCH_SMTP_FROM', key: 'smtpFrom', default: undefined, path: false },
  // Where people open `upwatch serve` (an absolute http(s) URL): mails link each finding to its page there.
  publicUrl: { env: 'UPWATCH_PUBLIC_URL', key: 'publicUrl', default: undefined, path: false },
  logLevel: { env: 'UPWATCH_LOG_LEVEL', key: 'logLevel', default: 'info', path: false },
  // Circuit breaker per upstream host (numbers written as strings, like every setting): unreachable polls in a row
  // that open it, and its first and longest cool-down in seconds.
  breakerFailures: { env: 'UPWATCH_BREAKER_FAILURES', key: 'breakerFailures', default: '3', path: false },
  breakerCooldown: { env: 'UPWATCH_BREAKER_COOLDOWN', key: 'breakerCooldown', default: '300', path: false },
  breakerMaxCooldown: {
    env: 'UPWATCH_BREAKER_MAX_COOLDOWN',
    key: 'breakerMaxCooldown',
    default: '3600',
    path: false,
  },
  // Overall deadline of one poll of one source, seconds: what still waits then is recorded as not verified.
  pollDeadline: { env: 'UPWATCH_POLL_DEADLINE', key: 'pollDeadline', default: '300', path: false },
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingOrigin = 'flag' | 'env' | 'file' | 'default';

/** Config file names looked up in the working directory, first found wins. */
export const CONFIG_FILES = ['upwatch.config.json', '.upwatchrc.json'] as const;

export interface Settings {
  db: string;
  contracts: string;
  snapshots: string;
  statusFile?: string;
  smtpUrl?: string;
  smtpFrom?: string;
  /** Base URL of the dashboard as given; check it with parsePublicUrl before use. */
  publicUrl?: string;
  logLevel: string;
  /** Unreachable polls in a row that open a host's circuit breaker (a positive integer, as text). */
  breakerFailures: string;
  /** First cool-down of an open breaker, seconds (as text); doubles at each failed probe. */
  breakerCooldown: string;
  /** Longest cool-down, seconds (as text). */
  breakerMaxCooldown: string;
  /** Overall deadline of one poll of one source, seconds (as text). */
  pollDeadline: string;
  /** Where each value came from (for `doctor` and error hints). */
  origin: Partial<Record<SettingName, SettingOrigin>>;
  /** The config file read, if any. */
  configFile?: string;
  /** The whole config file, for settings other areas read (alert routes, gate defaults). */
  file: Record<string, unknown>;
}

function readConfigFile(cwd: string): { path?: string; data: Record<string, unknown> } {
  for (const name of CONFIG_FILES) {
    const path = join(cwd, name);
    if (!existsSync(path)) continue;
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new UpwatchError(
        'CONFIG_INVALID',
        `config file ${name} is not valid JSON: ${(e as Error).message}`,
        {
          cause: e,
          hint: `fix ${name} or remove it`,
        },
      );
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new UpwatchError('CONFIG_INVALID', `config file ${name} must hold a JSON object`, {
        hint: `fix ${name}`,
      });
    }
    return { path, data: data as Record<string, unknown> };
  }
  return { data: {} };
}

/**
 * The circuit-breaker options from settings; a value that is not a positive number is CONFIG_INVALID.
 *
 * @example
 * breakerOptions(resolveSettings(io)) // { failures: 3, cooldownMs: 300000, maxCooldownMs: 3600000 }
 */
export function breakerOptions(settings: Settings): {
  failures: number;
  cooldownMs: number;
  maxCooldownMs: number;
} {
  const num = (name: 'breakerFailures' | 'breakerCooldown' | 'breakerMaxCooldown', integer: boolean) => {
    const raw = settings[name];
    const v = Number(raw);
    if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new UpwatchError(
        'CONFIG_INVALID',
        `${name} must be a positive ${integer ? 'integer' : 'number'} (got "${raw}")`,
        {
          hint: `fix ${SETTINGS[name].env} or "${SETTINGS[name].key}" in the config file`,
        },
      );
    }
    return v;
  };
  const cooldownMs = num('breakerCooldown', false) * 1000;
  return {
    failures: num('breakerFailures', true),
    cooldownMs,
    maxCooldownMs: Math.max(cooldownMs, num('breakerMaxCooldown', false) * 1000),
  };
}

/**
 * The poll deadline from settings, in ms; a value that is not a positive number of seconds is CONFIG_INVALID.
 *
 * @example
 * pollDeadlineMs(resolveSettings(io)) // 300000
 */
export function pollDeadlineMs(settings: Settings): number {
  const raw = settings.pollDeadline;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) {
    throw new UpwatchError(
      'CONFIG_INVALID',
      `pollDeadline must be a positive number of seconds (got "${raw}")`,
      {
        hint: `fix ${SETTINGS.pollDeadline.env} or "${SETTINGS.pollDeadline.key}" in the config file`,
      },
    );
  }
  return v * 1000;
}

/**
 * The dashboard's public base URL from settings, checked (absolute http(s), no credentials, no query), or undefined
 * when unset; a bad value is CONFIG_INVALID naming where it came from.
 *
 * @example
 * publicUrlOf(resolveSettings(io)) // 'https://upwatch.example.com' from UPWATCH_PUBLIC_URL=https://upwatch.example.com/
 */
export function publicUrlOf(settings: Settings): string | undefined {
  if (settings.publicUrl === undefined) return undefined;
  const where =
    settings.origin.publicUrl === 'file'
      ? `"${SETTINGS.publicUrl.key}" in ${settings.configFile ?? 'the config file'}`
      : SETTINGS.publicUrl.env;
  return parsePublicUrl(settings.publicUrl, where);
}

/**
 * Resolve settings: flag > env > config file > default. Paths come back absolute (relative to the working dir).
 *
 * @example
 * const s = resolveSettings(io, { db: opts.db }); // opts.db undefined → UPWATCH_DB → upwatch.config.json → default
 */
export function resolveSettings(
  io: CliIO,
  flags: Partial<Record<SettingName, string | undefined>> = {},
): Settings {
  const file = readConfigFile(io.cwd);
  const origin: Settings['origin'] = {};
  const out: Record<string, string | undefined> = {};
  for (const [name, def] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const fromFile = file.data[def.key];
    if (fromFile !== undefined && typeof fromFile !== 'string') {
      throw new UpwatchError('CONFIG_INVALID', `config key "${def.key}" must be a string`, {
        hint: `fix ${file.path}`,
      });
    }
    const candidates: [SettingOrigin, string | undefined][] = [
      ['flag', flags[name]],
      ['env', io.env[def.env] || undefined],
      ['file', fromFile],
      ['default', def.default],
    ];
    const hit = candidates.find(([, v]) => v !== undefined);
    if (!hit) continue;
    origin[name] = hit[0];
    const v = hit[1]!;
    out[name] = def.path && v !== ':memory:' && !isStoreUrl(v) && !isAbsolute(v) ? resolve(io.cwd, v) : v;
  }
  return {
    ...(out as Omit<Settings, 'origin' | 'file' | 'configFile'>),
    origin,
    ...(file.path ? { configFile: file.path } : {}),
    file: file.data,
  };
}
