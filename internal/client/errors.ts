/** What a failed API call throws: the server's Kubernetes Status, kept whole. */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A Kubernetes Status object as it arrives from a server. */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/**
 * A non-2xx answer (or an ERROR watch event). `code` is the HTTP status, `reason`
 * the Status reason (e.g. NotFound, AlreadyExists, Conflict, Expired).
 */
export class ApiStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  readonly status: KubeStatus;

  constructor(status: KubeStatus, httpCode?: number) {
    const code = status.code ?? httpCode ?? 500;
    super(status.message ?? `the server answered ${code}`);
    this.name = 'ApiStatusError';
    this.code = code;
    this.reason = status.reason ?? 'Unknown';
    this.details = status.details;
    this.status = status;
  }
}

/** True for the answer to a watch or list from a compacted resourceVersion. */
export function isExpired(error: unknown): boolean {
  return error instanceof ApiStatusError && (error.code === 410 || error.reason === 'Expired' || error.reason === 'Gone');
}

/** Builds the error for a body that was not a Status: a proxy's page, an empty 502 and such. */
export function statusFromBody(httpCode: number, statusText: string, body: string): ApiStatusError {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && (parsed as KubeStatus).kind === 'Status') {
      return new ApiStatusError(parsed as KubeStatus, httpCode);
    }
  } catch {
    // not JSON: fall through to a Status built from the HTTP line
  }
  const text = body.trim().slice(0, 512);
  const message = text === '' ? `the server answered ${httpCode} ${statusText}` : `the server answered ${httpCode} ${statusText}: ${text}`;
  return new ApiStatusError({ kind: 'Status', status: 'Failure', code: httpCode, reason: reasonOf(httpCode), message }, httpCode);
}

function reasonOf(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Expired',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}
