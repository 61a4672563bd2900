// Terminal output shared by the commands that poll: log lines and poll progress on stderr.
import type { LogFields, Logger, LogLevel } from '../core/logger.js';
import type { FetchProgress } from '../providers/provider.js';
import type { CliIO } from './io.js';

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
/** A logger writing `level msg key=value…` lines to stderr at or above `level`. */
export function cliLogger(io: CliIO, level: string): Logger {
  const min = Math.max(0, LEVELS.indexOf(level as LogLevel));
  const line = (l: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LEVELS.indexOf(l) < min) return;
    const kv = Object.entries(fields ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    io.stderr(`${io.clock.now().toISOString()} ${l} ${msg}${kv ? ` ${kv}` : ''}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** Progress lines for long polls: drawn in place on a terminal, one line per 10 s otherwise. */
export function progressPrinter(io: CliIO): (p: FetchProgress) => void {
  let lastLine = 0;
  return (p) => {
    const text = `poll ${p.source}: ${p.done}/${p.total} requests`;
    if (io.isTTY) {
      io.stderr(`\r${text}${p.done === p.total ? '\n' : ''}`);
      return;
    }
    const now = performance.now();
    if (p.total >= 20 && (now - lastLine >= 10_000 || p.done === p.total)) {
      lastLine = now;
      io.stderr(`${text}\n`);
    }
  };
}
