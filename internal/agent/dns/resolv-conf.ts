/**
 * The host's resolvers, which names outside the cluster are forwarded to. Read from
 * /etc/resolv.conf; when that names only a loopback stub (systemd-resolved's 127.0.0.53)
 * and /run/systemd/resolve/resolv.conf names real upstreams, those are used instead, as
 * the kubelet and k3s choose. Re-read when the file changes (DHCP leases move resolvers).
 */
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';

/** An upstream resolver; the port is 53 for everything read from resolv.conf. */
export interface Upstream {
  address: string;
  port: number;
}

export const defaultResolvConf = '/etc/resolv.conf';
export const systemdResolvConf = '/run/systemd/resolve/resolv.conf';

/** The nameserver addresses of a resolv.conf text, in order (invalid ones skipped). */
export function parseNameservers(text: string): string[] {
  const servers: string[] = [];
  for (const line of text.split('\n')) {
    const [keyword, value] = line.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (keyword === 'nameserver' && value !== undefined && isIP(value.replace(/%.*$/, '')) !== 0) servers.push(value);
  }
  return servers;
}

const isLoopback = (address: string): boolean => address.startsWith('127.') || address === '::1';

/** Reads a file's text, or null when it cannot be read. */
export type ReadText = (path: string) => string | null;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/**
 * The upstreams for `path`. Only the default path gets the systemd-resolved substitution:
 * a file named explicitly is taken as written.
 */
export function chooseUpstreams(path: string = defaultResolvConf, read: ReadText = readText): Upstream[] {
  let servers = parseNameservers(read(path) ?? '');
  if (path === defaultResolvConf && servers.length > 0 && servers.every(isLoopback)) {
    const real = parseNameservers(read(systemdResolvConf) ?? '').filter((s) => !isLoopback(s));
    if (real.length > 0) servers = real;
  }
  return servers.map((address) => ({ address, port: 53 }));
}

/** The current upstreams of a resolv.conf, re-read at most every `checkMs` when its mtime changed. */
export class ResolvConfUpstreams {
  readonly #path: string;
  readonly #checkMs: number;
  readonly #now: () => number;
  #checkedAt = -Infinity;
  #mtimeMs = -1;
  #upstreams: Upstream[] = [];

  constructor(path: string = defaultResolvConf, options: { checkMs?: number; now?: () => number } = {}) {
    this.#path = path;
    this.#checkMs = options.checkMs ?? 5000;
    this.#now = options.now ?? Date.now;
  }

  current(): Upstream[] {
    const now = this.#now();
    if (now - this.#checkedAt < this.#checkMs) return this.#upstreams;
    this.#checkedAt = now;
    let mtimeMs: number;
    try {
      mtimeMs = Math.max(statSync(this.#path).mtimeMs, this.#path === defaultResolvConf ? statOrZero(systemdResolvConf) : 0);
    } catch {
      mtimeMs = 0;
    }
    if (mtimeMs !== this.#mtimeMs) {
      this.#mtimeMs = mtimeMs;
      this.#upstreams = chooseUpstreams(this.#path);
    }
    return this.#upstreams;
  }
}

function statOrZero(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
