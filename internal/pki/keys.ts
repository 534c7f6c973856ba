/** ECDSA P-256 keys: generation, PKCS#8 PEM encoding, and parsing with the file named on failure. */
import { createPrivateKey, KeyObject, type webcrypto } from 'node:crypto';
import { CertificateFileError } from './errors.ts';
import { crypto, keyAlgorithm } from './x509.ts';

/** A private key in the two forms this package needs: WebCrypto for signing, KeyObject for checks. */
export interface PrivateKey {
  readonly cryptoKey: webcrypto.CryptoKey;
  readonly keyObject: KeyObject;
  /** PKCS#8 PEM ("PRIVATE KEY"), as written to disk. */
  readonly pem: string;
}

/** A fresh key pair; the private key is extractable so that it can be written to disk. */
export async function generateKeyPair(): Promise<{ privateKey: PrivateKey; publicKey: webcrypto.CryptoKey }> {
  const pair = await crypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']);
  const keyObject = KeyObject.from(pair.privateKey);
  const pem = keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { privateKey: { cryptoKey: pair.privateKey, keyObject, pem }, publicKey: pair.publicKey };
}

/** Parses a PEM private key read from `file`; it must be an EC P-256 key. */
export async function parsePrivateKey(pem: string, file: string): Promise<PrivateKey> {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(pem);
  } catch (error) {
    throw new CertificateFileError(file, `not a PEM private key (${errorMessage(error)})`);
  }
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  if (keyObject.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new CertificateFileError(
      file,
      `the key must be ECDSA P-256, but it is ${keyObject.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''}`,
    );
  }
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const cryptoKey = await crypto.subtle.importKey('pkcs8', der, keyAlgorithm, false, ['sign']);
  return { cryptoKey, keyObject, pem };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
