/** DNS names and addresses in the forms the cluster zone compares and writes them. */
import { isIP, isIPv4 } from 'node:net';

/** Lower case without a trailing dot: the form names are compared in (DNS names ignore case). */
export function canonical(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

/** The labels of `name` left of `zone` (empty for the zone itself), or null when `name` is outside `zone`. */
export function labelsUnder(name: string, zone: string): string[] | null {
  const n = canonical(name);
  const z = canonical(zone);
  if (n === z) return [];
  if (!n.endsWith(`.${z}`)) return null;
  return n.slice(0, -z.length - 1).split('.');
}

/** An address as a single DNS label: dots (IPv4) or colons (IPv6) become dashes, as pod and endpoint names spell it. */
export function dashed(ip: string): string {
  return isIPv4(ip) ? ip.replaceAll('.', '-') : ip.replaceAll(':', '-');
}

/** The address a pod label spells (`10-42-0-5`, or an IPv6 address with dashes), else null. */
export function undashed(label: string): string | null {
  const ipv4 = (label.match(/-/g)?.length ?? 0) === 3 && !label.includes('--');
  const ip = ipv4 ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return isIP(ip) === 0 ? null : normalizeIp(ip);
}

/** One spelling per address: IPv6 in its shortest canonical form, IPv4 as given. */
export function normalizeIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  // The WHATWG URL parser serializes IPv6 hosts in RFC 5952 form.
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** The address a reverse-lookup name stands for (`d.c.b.a.in-addr.arpa` or the ip6.arpa nibbles), else null. */
export function reverseAddress(name: string): string | null {
  const v4 = labelsUnder(name, 'in-addr.arpa');
  if (v4 !== null) {
    if (v4.length !== 4) return null;
    const ip = [...v4].reverse().join('.');
    return isIPv4(ip) ? ip : null;
  }
  const v6 = labelsUnder(name, 'ip6.arpa');
  if (v6 === null || v6.length !== 32 || v6.some((nibble) => !/^[0-9a-f]$/.test(nibble))) return null;
  const hex = [...v6].reverse().join('');
  const groups = hex.match(/.{4}/g) ?? [];
  return normalizeIp(groups.join(':'));
}

/** True when `name` is inside the reverse-lookup trees (in-addr.arpa or ip6.arpa). */
export function isReverseName(name: string): boolean {
  return labelsUnder(name, 'in-addr.arpa') !== null || labelsUnder(name, 'ip6.arpa') !== null;
}
