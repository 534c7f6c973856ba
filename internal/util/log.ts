/** A leveled logger writing one line per message: time, level, message, then key=value pairs. */

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields`. */
  with(fields: Record<string, unknown>): Logger;
}

/** Logs messages at `level` or more severe to `write` (default stderr). */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const make = (base: Record<string, unknown>): Logger => {
    const emit = (at: LogLevel, message: string, fields: Record<string, unknown> = {}): void => {
      if (rank[at] > rank[level]) return;
      let line = `${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${message}`;
      for (const [key, value] of Object.entries({ ...base, ...fields })) line += ` ${key}=${formatValue(value)}`;
      write(`${line}\n`);
    };
    return {
      error: (m, f) => emit('error', m, f),
      warn: (m, f) => emit('warn', m, f),
      info: (m, f) => emit('info', m, f),
      debug: (m, f) => emit('debug', m, f),
      with: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return typeof value === 'string' && /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text ?? String(value));
}
