/**
 * Query parameters of list, watch and deletecollection requests, checked before any
 * work starts: a bad value is a 400 naming the parameter, never a stream that fails later.
 */
import { parseResourceVersion } from './rest.ts';
import { badRequest } from './status.ts';

export type ResourceVersionMatch = '' | 'Exact' | 'NotOlderThan';

export interface ListQuery {
  watch: boolean;
  limit: number;
  continueToken: string | undefined;
  resourceVersion: string | undefined;
  resourceVersionMatch: ResourceVersionMatch;
  timeoutSeconds: number;
  allowBookmarks: boolean;
}

/** Lists may ask for any number of items; beyond this the whole collection is one page anyway. */
const maxLimit = 1_000_000_000;
/** A watch ends after at most a day, then clients re-watch (they do every few minutes anyway). */
const maxTimeoutSeconds = 86_400;

/** Reads and checks the list/watch parameters. */
export function parseListQuery(query: (name: string) => string | undefined): ListQuery {
  const watchText = query('watch');
  const watch = watchText !== undefined && watchText !== '' && watchText !== '0' && watchText !== 'false';
  const limit = Math.min(wholeNumber(query('limit'), 'limit') ?? 0, maxLimit);
  const timeoutSeconds = Math.min(wholeNumber(query('timeoutSeconds'), 'timeoutSeconds') ?? 0, maxTimeoutSeconds);
  const resourceVersion = query('resourceVersion');
  if (resourceVersion !== undefined && resourceVersion !== '') parseResourceVersion(resourceVersion);
  const continueToken = query('continue') || undefined;
  const match = query('resourceVersionMatch') ?? '';
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  const hasVersion = resourceVersion !== undefined && resourceVersion !== '';
  if (match !== '' && !hasVersion) throw badRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided`);
  if (match === 'Exact' && resourceVersion === '0') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
  if (continueToken !== undefined) {
    if (hasVersion && resourceVersion !== '0') throw badRequest('resourceVersion: Forbidden: specifying resource version is not allowed when using continue');
    if (match !== '') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided');
    if (watch) throw badRequest('continue: Forbidden: continue is not allowed with watch');
  }
  if (watch && match !== '') throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch');
  const bookmarks = query('allowWatchBookmarks');
  if (bookmarks !== undefined && bookmarks !== '' && bookmarks !== 'true' && bookmarks !== 'false') {
    throw badRequest(`allowWatchBookmarks must be true or false, not ${JSON.stringify(bookmarks)}`);
  }
  return {
    watch,
    limit,
    continueToken,
    resourceVersion: hasVersion ? resourceVersion : undefined,
    resourceVersionMatch: match,
    timeoutSeconds,
    allowBookmarks: bookmarks === 'true',
  };
}

function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`${name} must be a whole number no larger than ${Number.MAX_SAFE_INTEGER}, not ${JSON.stringify(value)}`);
  }
  return Number(value);
}
