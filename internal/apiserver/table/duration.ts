/**
 * Human-readable durations exactly as Kubernetes prints them in tables
 * (apimachinery's HumanDuration and ShortHumanDuration rules).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's int(d.Seconds()): truncation toward zero. */
function wholeSeconds(ms: number): number {
  return Math.trunc(ms / SECOND);
}

/**
 * Two-unit precision for young ages ("3m2s", "5h10m", "2d3h", "3y20d"), one unit
 * once the second unit stops mattering. More than a second in the future is
 * "<invalid>"; up to a second of clock skew reads as "0s".
 */
export function humanDuration(ms: number): string {
  const seconds = wholeSeconds(ms);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** One unit only: "45s", "12m", "5h", "3d", "2y"; same skew rules as humanDuration. */
export function shortHumanDuration(ms: number): string {
  const seconds = wholeSeconds(ms);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Milliseconds since the epoch for an RFC 3339 timestamp, or undefined when absent or unparsable. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The age of a timestamp at `now` as a table cell: "<unknown>" when the timestamp is missing. */
export function ageSince(timestamp: unknown, now: number): string {
  const at = parseTime(timestamp);
  return at === undefined ? '<unknown>' : humanDuration(now - at);
}

/** A timestamp as the "Created At" cells print it: UTC RFC 3339 at second precision. */
export function createdAt(timestamp: unknown): string {
  const at = parseTime(timestamp);
  if (at === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(at / SECOND) * SECOND).toISOString().replace('.000Z', 'Z');
}
