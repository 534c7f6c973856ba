/**
 * The errors the datastore returns. Each has a stable `code`; the API server maps
 * them to Kubernetes Status objects in one place (Compacted becomes 410 Expired).
 */

export type DatastoreErrorCode =
  | 'Compacted'
  | 'FutureRevision'
  | 'KeyExists'
  | 'LeaseNotFound'
  | 'WatcherTooSlow'
  | 'DataFile'
  | 'Closed'
  | 'InvalidArgument'
  | 'Unavailable'
  | 'Timeout';

export class DatastoreError extends Error {
  readonly code: DatastoreErrorCode;
  constructor(code: DatastoreErrorCode, message: string) {
    super(message);
    this.name = 'DatastoreError';
    this.code = code;
  }
}

/** The requested revision is older than the compaction point: that history is gone. */
export class CompactedError extends DatastoreError {
  readonly compactRevision: number;
  readonly requestedRevision: number;
  constructor(requestedRevision: number, compactRevision: number) {
    super(
      'Compacted',
      `Cannot read revision ${requestedRevision} as it has been compacted: the oldest revision kept is ${compactRevision}`,
    );
    this.name = 'CompactedError';
    this.compactRevision = compactRevision;
    this.requestedRevision = requestedRevision;
  }
}

/** The requested revision has not been written yet. */
export class FutureRevisionError extends DatastoreError {
  readonly currentRevision: number;
  constructor(requestedRevision: number, currentRevision: number) {
    super(
      'FutureRevision',
      `Cannot read revision ${requestedRevision} as it is in the future: the current revision is ${currentRevision}`,
    );
    this.name = 'FutureRevisionError';
    this.currentRevision = currentRevision;
  }
}

export class KeyExistsError extends DatastoreError {
  readonly key: string;
  constructor(key: string) {
    super('KeyExists', `Cannot create key ${JSON.stringify(key)} as it already exists`);
    this.name = 'KeyExistsError';
    this.key = key;
  }
}

export class LeaseNotFoundError extends DatastoreError {
  readonly lease: number;
  constructor(lease: number) {
    super('LeaseNotFound', `Cannot use lease ${lease} as it does not exist (expired or revoked)`);
    this.name = 'LeaseNotFoundError';
    this.lease = lease;
  }
}

/** A watcher fell too far behind and was cut off so that it cannot hold up the others. */
export class WatcherTooSlowError extends DatastoreError {
  constructor(pendingEvents: number, pendingBytes: number) {
    super(
      'WatcherTooSlow',
      `Watch cut off as its reader fell behind by ${pendingEvents} events (${pendingBytes} bytes); watch again from the last revision received`,
    );
    this.name = 'WatcherTooSlowError';
  }
}

/** The database file is corrupt, foreign, from a newer version, or in use by another process. */
export class DataFileError extends DatastoreError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('DataFile', `Cannot open datastore file ${file}: ${problem}`);
    this.name = 'DataFileError';
    this.file = file;
  }
}

export class ClosedError extends DatastoreError {
  constructor() {
    super('Closed', 'Cannot use the datastore as it has been closed');
    this.name = 'ClosedError';
  }
}

export class InvalidArgumentError extends DatastoreError {
  constructor(message: string) {
    super('InvalidArgument', message);
    this.name = 'InvalidArgumentError';
  }
}

/** No leader could take the request in time (an election is going on, or no quorum). */
export class UnavailableError extends DatastoreError {
  constructor(reason: string) {
    super('Unavailable', `Cannot reach a datastore leader: ${reason}`);
    this.name = 'UnavailableError';
  }
}

/**
 * A write was handed to the cluster but not seen committed in time: it may or may not
 * have taken effect, so the caller must read before retrying anything not idempotent.
 */
export class WriteTimeoutError extends DatastoreError {
  constructor(waitedMs: number) {
    super('Timeout', `The datastore did not confirm the write within ${waitedMs} ms; it may still take effect`);
    this.name = 'WriteTimeoutError';
  }
}
