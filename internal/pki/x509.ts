/**
 * The one place that loads @peculiar/x509. The library resolves its algorithm
 * handlers through tsyringe, which needs the Reflect metadata API installed before
 * the library is evaluated; importing it here first keeps that ordering in one file.
 * Every other module in this package imports `x509` and `crypto` from here.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

export { x509 };

/** Node's WebCrypto, passed explicitly to every library call instead of a global provider. */
export const crypto: webcrypto.Crypto = webcrypto;

/** ECDSA over P-256 with SHA-256: small keys and fast signatures for small machines. */
export const keyAlgorithm: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};
