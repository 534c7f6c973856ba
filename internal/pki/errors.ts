/**
 * The errors this package returns. A certificate or key file that exists but cannot be
 * used is never replaced behind the operator's back: replacing the cluster CA would lock
 * out every node that trusts it, so start-up stops with the file named instead.
 */

export type PkiErrorCode = 'CertificateFile' | 'InvalidArgument';

export class PkiError extends Error {
  readonly code: PkiErrorCode;
  constructor(code: PkiErrorCode, message: string) {
    super(message);
    this.name = 'PkiError';
    this.code = code;
  }
}

/** A certificate or key file is unreadable, unparsable, or does not belong with its pair. */
export class CertificateFileError extends PkiError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('CertificateFile', `Cannot use ${file}: ${problem}`);
    this.name = 'CertificateFileError';
    this.file = file;
  }
}

export class InvalidArgumentError extends PkiError {
  constructor(message: string) {
    super('InvalidArgument', message);
    this.name = 'InvalidArgumentError';
  }
}
