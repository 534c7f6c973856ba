/**
 * Checks for flag values. Each returns undefined when the value is fine, or a short
 * phrase saying what was expected ("want an IPv4 or IPv6 address"), which the caller
 * turns into a full one-line error naming the flag and the value.
 */
import { isIP } from 'node:net';

/** A check over a typed flag value. */
export type Check<T> = (value: T) => string | undefined;

/** An IPv4 or IPv6 address such as 10.43.0.10. */
export const ipAddress: Check<string> = (value) =>
  isIP(value) === 0 ? 'want an IPv4 or IPv6 address such as 10.43.0.10' : undefined;

/** A port range `low-high` within 1–65535, such as 30000-32767. */
export const portRange: Check<string> = (value) => {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(value);
  const low = Number(match?.[1]);
  const high = Number(match?.[2]);
  return match !== null && low >= 1 && low <= high && high <= 65535 ? undefined : 'want a port range such as 30000-32767';
};

/** A network in CIDR notation with no host bits set, such as 10.42.0.0/16. */
export const cidr: Check<string> = (value) => {
  const want = 'want a network in CIDR notation such as 10.42.0.0/16';
  const slash = value.indexOf('/');
  if (slash < 0) return want;
  const address = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(prefixText)) return want;
  const prefix = Number(prefixText);
  const bits = family === 4 ? 32 : 128;
  if (prefix > bits) return `${want} (prefix length at most ${bits})`;
  const host = addressBits(address, family) & ((1n << BigInt(bits - prefix)) - 1n);
  if (host !== 0n) return `${want} (the address has host bits set beyond /${prefix})`;
  return undefined;
};

/** A TCP port number, 1 to 65535. */
export const port: Check<number> = (value) =>
  value >= 1 && value <= 65535 ? undefined : 'want a port number from 1 to 65535';

/** A port to listen on, where 0 lets the system pick a free one. */
export const listenPort: Check<number> = (value) =>
  value >= 0 && value <= 65535 ? undefined : 'want a port number from 0 (any free port) to 65535';

/** A positive whole number. */
export const positive: Check<number> = (value) => (value >= 1 ? undefined : 'want a whole number of at least 1');

/** A non-negative duration. */
export const nonNegative: Check<number> = (value) => (value >= 0 ? undefined : 'want a duration of 0 or more');

/** A DNS name (RFC 1123 labels) such as cluster.local. */
export const dnsName: Check<string> = (value) => {
  const want = 'want a DNS name of letters, digits, "-" and "." such as cluster.local';
  if (value.length === 0 || value.length > 253) return want;
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
  return value.split('.').every((l) => label.test(l)) ? undefined : want;
};

/** A DNS name or an IP address, for certificate subject alternative names. */
export const hostOrIp: Check<string> = (value) =>
  isIP(value) !== 0 || dnsName(value) === undefined
    ? undefined
    : 'want a DNS name or an IP address such as skiff.example.com or 192.0.2.10';

/** A node name: a lower-case DNS subdomain, as Kubernetes requires, or empty for the host name. */
export const nodeName: Check<string> = (value) =>
  value === '' || (/^[a-z0-9.-]+$/.test(value) && dnsName(value) === undefined)
    ? undefined
    : 'want a lower-case DNS name of letters, digits, "-" and "." such as pi-01';

/** An https:// URL of a skiff server, such as https://192.0.2.10:6443. */
export const serverUrl: Check<string> = (value) => {
  const want = 'want an https:// URL of a skiff server such as https://192.0.2.10:6443';
  if (value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return want;
  }
  return url.protocol === 'https:' && url.hostname !== '' ? undefined : want;
};

/** A non-empty string (paths and the like). */
export const nonEmpty: Check<string> = (value) => (value === '' ? 'want a non-empty value' : undefined);

function addressBits(address: string, family: number): bigint {
  if (family === 4) {
    return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  }
  // Expand "::" and an optional trailing dotted quad into eight 16-bit groups.
  let text = address;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1] !== undefined) {
    const v4 = addressBits(quad[1], 4);
    text = `${text.slice(0, quad.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...(tail === undefined ? [] : fill), ...tailGroups].reduce(
    (acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)),
    0n,
  );
}
