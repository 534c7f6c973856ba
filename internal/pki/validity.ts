/** Validity windows and serial numbers shared by every certificate this package issues. */
import { randomBytes } from 'node:crypto';

const DAY_MS = 24 * 60 * 60 * 1000;

/** notBefore is set this far in the past so that a peer whose clock runs a little behind accepts a new certificate. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Validity of the cluster CA: 10 years. */
export const CA_VALIDITY_DAYS = 3650;
/** Default validity of a leaf certificate: 1 year. */
export const LEAF_VALIDITY_DAYS = 365;

/** The window of a certificate issued at `now` for `days`, never outliving `notAfterLimit` (the issuer's own end). */
export function validityWindow(
  now: Date,
  days: number,
  notAfterLimit?: Date,
): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  let notAfter = new Date(now.getTime() + days * DAY_MS);
  if (notAfterLimit !== undefined && notAfterLimit < notAfter) notAfter = notAfterLimit;
  return { notBefore, notAfter };
}

/** A random 128-bit serial number as hex; the library adds a leading zero byte where needed to keep it positive. */
export function randomSerialNumber(): string {
  return randomBytes(16).toString('hex');
}

/** Whole days from `now` until `until` (negative once passed). */
export function daysLeft(until: Date, now: Date): number {
  return Math.floor((until.getTime() - now.getTime()) / DAY_MS);
}
