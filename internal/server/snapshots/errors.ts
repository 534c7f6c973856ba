/** The errors snapshot save, list and restore return; the message is one line that says how to fix it. */

export type SnapshotErrorCode = 'InvalidName' | 'Exists' | 'NotFound' | 'NotADatastore' | 'InUse' | 'Unreachable';

export class SnapshotError extends Error {
  readonly code: SnapshotErrorCode;
  constructor(code: SnapshotErrorCode, message: string) {
    super(message);
    this.name = 'SnapshotError';
    this.code = code;
  }
}
