/** IPv4 address and CIDR arithmetic for service and pod networks. */
import { networkInterfaces } from 'node:os';

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
  /** Number of addresses in the range. */
  size: number;
}

export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Parses "10.43.0.0/16"; the address is masked to its network. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | null {
  const [address, prefixText, extra] = text.split('/');
  if (address === undefined || prefixText === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefixText)) return null;
  const ip = parseIpv4(address);
  const prefix = Number(prefixText);
  if (ip === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  return { base: ip - (ip % size), prefix, size };
}

export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  return ip >= cidr.base && ip < cidr.base + cidr.size;
}

/** The n-th address of the range (0 is the network address). */
export function nthAddress(cidr: Ipv4Cidr, n: number): string {
  if (n < 0 || n >= cidr.size) throw new RangeError(`address ${n} is outside a /${cidr.prefix}`);
  return formatIpv4(cidr.base + n);
}

/** This machine's non-loopback IPv4 addresses, in interface order. */
export function hostIpv4Addresses(): string[] {
  const addresses: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) addresses.push(info.address);
  }
  return addresses;
}
