/** Runtime failures with a code the kubelet can branch on. */

export type RuntimeErrorCode =
  | 'NotFound'
  | 'ImageNotFound'
  | 'PullFailed'
  | 'Conflict'
  | 'InvalidArgument'
  | 'Unavailable'
  | 'Aborted'
  | 'Internal';

/** An error from a container runtime; `cause` keeps the engine's own error. */
export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

/** True when `error` is a RuntimeError with the given code. */
export function isRuntimeError(error: unknown, code?: RuntimeErrorCode): error is RuntimeError {
  return error instanceof RuntimeError && (code === undefined || error.code === code);
}

interface EngineError {
  statusCode?: number;
  code?: string;
  name?: string;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
}

/** Translates a Docker Engine API failure into a RuntimeError saying what `action` was. */
export function fromEngine(error: unknown, action: string): RuntimeError {
  if (error instanceof RuntimeError) return error;
  const e = (error ?? {}) as EngineError;
  const detail = e.json?.message ?? e.message ?? String(error);
  // dockerode prefixes the daemon's message with the HTTP status; the code below carries that.
  const message = `Cannot ${action}: ${detail.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim()}`;
  if (e.name === 'AbortError' || e.code === 'ABORT_ERR') return new RuntimeError('Aborted', message, { cause: error });
  switch (e.statusCode) {
    case 404:
      return new RuntimeError(/no such image/i.test(detail) ? 'ImageNotFound' : 'NotFound', message, { cause: error });
    case 409:
      return new RuntimeError('Conflict', message, { cause: error });
    case 400:
      return new RuntimeError('InvalidArgument', message, { cause: error });
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ECONNRESET') {
    return new RuntimeError('Unavailable', message, { cause: error });
  }
  return new RuntimeError('Internal', message, { cause: error });
}
