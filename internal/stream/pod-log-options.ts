/**
 * The query of `pods/{name}/log` (PodLogOptions): read and checked the same way by the API
 * server, which refuses bad values before reaching a node, and by the node agent.
 */
import { invalid, type StatusCause } from '../apiserver/status.ts';

export interface PodLogOptions {
  /** Empty when the client named none. */
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  /** Only lines after this moment (from sinceSeconds or sinceTime). */
  since?: Date;
}

/** Parses and validates the log query; `now` turns sinceSeconds into a moment. */
export function parsePodLogOptions(query: URLSearchParams, now: Date = new Date()): PodLogOptions {
  const causes: StatusCause[] = [];
  const flag = (name: string): boolean => {
    const value = query.get(name);
    if (value === null || value === '' || value === 'false' || value === '0') return false;
    if (value === 'true' || value === '1') return true;
    causes.push({ reason: 'FieldValueInvalid', field: name, message: `Invalid value: "${value}": must be true or false` });
    return false;
  };
  const integer = (name: string, min: number): number | undefined => {
    const value = query.get(name);
    if (value === null || value === '') return undefined;
    const parsed = /^-?\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(parsed)) {
      causes.push({ reason: 'FieldValueInvalid', field: name, message: `Invalid value: "${value}": must be a whole number` });
      return undefined;
    }
    if (parsed < min) {
      const bound = min === 0 ? 'must be greater than or equal to 0' : 'must be greater than 0';
      causes.push({ reason: 'FieldValueInvalid', field: name, message: `Invalid value: ${parsed}: ${bound}` });
      return undefined;
    }
    return parsed;
  };
  const options: PodLogOptions = {
    container: query.get('container') ?? '',
    follow: flag('follow'),
    previous: flag('previous'),
    timestamps: flag('timestamps'),
  };
  const tailLines = integer('tailLines', 0);
  if (tailLines !== undefined) options.tailLines = tailLines;
  const limitBytes = integer('limitBytes', 1);
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  const sinceSeconds = integer('sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime !== null) {
    causes.push({ reason: 'FieldValueForbidden', field: '', message: 'at most one of sinceTime or sinceSeconds may be specified' });
  } else if (sinceSeconds !== undefined) {
    options.since = new Date(now.getTime() - sinceSeconds * 1000);
  } else if (sinceTime !== null) {
    const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(sinceTime) ? new Date(sinceTime) : new Date(Number.NaN);
    if (Number.isNaN(parsed.getTime())) {
      causes.push({ reason: 'FieldValueInvalid', field: 'sinceTime', message: `Invalid value: "${sinceTime}": must be an RFC 3339 time` });
    } else {
      options.since = parsed;
    }
  }
  if (causes.length > 0) throw invalid('PodLogOptions', '', '', causes);
  return options;
}
