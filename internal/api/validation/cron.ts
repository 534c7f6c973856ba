/**
 * CronJob schedule syntax: five fields (minute hour day-of-month month day-of-week)
 * or a descriptor such as @daily or `@every 1h`. Only checks syntax; it never computes
 * run times. Messages follow the parser Kubernetes uses.
 */

const descriptors = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const days = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Bounds {
  min: number;
  max: number;
  names?: readonly string[];
}

const fields: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: months },
  { min: 0, max: 6, names: days },
];

function number(text: string, bounds: Bounds): number {
  const named = bounds.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + bounds.min;
  if (!/^\d+$/.test(text)) throw new Error(`failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

function checkRange(expr: string, bounds: Bounds, allowQuestion: boolean): void {
  const [range = '', step, extra] = expr.split('/');
  if (extra !== undefined) throw new Error(`too many slashes: ${expr}`);
  let start: number;
  let end: number;
  if (range === '*' || (allowQuestion && range === '?')) {
    start = bounds.min;
    end = bounds.max;
  } else {
    const [low = '', high, more] = range.split('-');
    if (more !== undefined) throw new Error(`too many hyphens: ${expr}`);
    start = number(low, bounds);
    end = high === undefined ? start : number(high, bounds);
  }
  if (step !== undefined) {
    const by = number(step, { min: 0, max: 0 });
    if (by === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  }
  if (start < bounds.min) throw new Error(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new Error(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
}

function checkDuration(text: string): void {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) throw new Error(`failed to parse duration @every ${text}: time: invalid duration ${JSON.stringify(text)}`);
}

/** The parse error for `schedule`, or undefined when it is a valid schedule. */
export function cronScheduleError(schedule: string): string | undefined {
  const text = schedule.trim();
  try {
    if (text.startsWith('@')) {
      if (text.startsWith('@every ')) checkDuration(text.slice(7).trim());
      else if (!descriptors.includes(text)) throw new Error(`unrecognized descriptor: ${text}`);
      return undefined;
    }
    const parts = text.split(/\s+/).filter((p) => p !== '');
    if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
    parts.forEach((part, i) => {
      const bounds = fields[i] as Bounds;
      for (const expr of part.split(',')) checkRange(expr, bounds, i === 2 || i === 4);
    });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The problem with an IANA time zone name, or undefined when the runtime knows it. */
export function timeZoneError(zone: string): string | undefined {
  if (zone === '') return 'timeZone must be nil or non-empty string';
  if (zone.toLowerCase() === 'local') return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return `unknown time zone ${zone}`;
  }
}
