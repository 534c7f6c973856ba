/** Subject alternative names: validation and one canonical spelling, so sets compare reliably. */
import { isIP, isIPv4 } from 'node:net';
import { InvalidArgumentError } from './errors.ts';

/** The names a serving certificate answers to, each list sorted and free of duplicates. */
export interface SubjectAltNames {
  readonly dnsNames: readonly string[];
  readonly ips: readonly string[];
}

// A DNS SAN: labels of letters, digits, hyphens and underscores, optionally a leading wildcard.
const DNS_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** The canonical text of an IP address (IPv6 compressed and lower-case), or undefined if it is none. */
export function canonicalIp(value: string): string | undefined {
  const text = value.trim();
  if (isIPv4(text)) return text;
  if (isIP(text) === 6) return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  return undefined;
}

/**
 * Sorts names into DNS names and IPs (an IP given as a name counts as an IP, so
 * `--tls-san` values can be passed as they come), canonical, sorted, de-duplicated.
 * An entry that is neither a valid DNS name nor an IP fails with the value named.
 */
export function subjectAltNames(names: Iterable<string>): SubjectAltNames {
  const dnsNames = new Set<string>();
  const ips = new Set<string>();
  for (const raw of names) {
    const ip = canonicalIp(raw);
    if (ip !== undefined) {
      ips.add(ip);
      continue;
    }
    const dns = raw.trim().toLowerCase().replace(/\.$/, '');
    if (dns.length > 253 || !DNS_NAME.test(dns)) {
      throw new InvalidArgumentError(
        `Cannot use ${JSON.stringify(raw)} as a certificate name: it is neither an IP address nor a DNS name`,
      );
    }
    dnsNames.add(dns);
  }
  return { dnsNames: [...dnsNames].sort(), ips: [...ips].sort() };
}

/** The names in `wanted` that `have` lacks and the names in `have` that `wanted` lacks. */
export function diffNames(
  have: SubjectAltNames,
  wanted: SubjectAltNames,
): { missing: string[]; extra: string[] } {
  const haveAll = new Set([...have.dnsNames, ...have.ips]);
  const wantedAll = new Set([...wanted.dnsNames, ...wanted.ips]);
  return {
    missing: [...wantedAll].filter((n) => !haveAll.has(n)),
    extra: [...haveAll].filter((n) => !wantedAll.has(n)),
  };
}
