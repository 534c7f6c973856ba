/** Refusing an upgrade request with a plain HTTP answer carrying a Kubernetes Status. */
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { ApiError, toStatus } from '../apiserver/status.ts';

/** Writes `error` as an HTTP response with a Status body on the raw `socket`, then closes it. */
export function rejectUpgrade(socket: Duplex, error: unknown): void {
  const status = toStatus(error);
  const body = JSON.stringify(status);
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** A 400 for an upgrade that names no protocol this endpoint speaks. */
export function unsupportedUpgrade(what: string, offered: readonly string[]): ApiError {
  return new ApiError(400, 'BadRequest', `Cannot upgrade ${what} as none of the offered protocols is supported: [${offered.join(', ')}]`);
}
