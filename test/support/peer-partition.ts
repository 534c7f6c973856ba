/**
 * Cuts one server's Raft peer traffic with iptables, for end-to-end tests of servers that
 * all run on this machine's loopback addresses.
 *
 * Every rule lives in one chain per cluster (SKIFF-TEST-<pid>-<n>), jumped to from INPUT and
 * OUTPUT; nothing else is touched, and `close()` removes the jumps and the chain.
 *
 * Addresses alone cannot isolate a server on loopback: the kernel gives every connection to
 * 127.0.0.x the source address 127.0.0.1 unless the dialer binds one. So each server process
 * also runs in a cgroup (v2) of its own, and its outgoing connections to the other peer ports
 * are matched by that cgroup. Without a writable cgroup v2 hierarchy only traffic to the
 * server's peer port is cut (`isolatesOutgoing` is then false).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/** One server's place on the peer network. */
export interface PeerEndpoint {
  name: string;
  address: string;
  peerPort: number;
}

let instances = 0;

/** The iptables chain and cgroups of one cluster under test. */
export class PeerPartition {
  readonly chain: string;
  /** Whether a blocked server's own outgoing peer connections are dropped too (cgroup match). */
  readonly isolatesOutgoing: boolean;
  readonly #cgroupRoot: string | null;
  readonly #blocked = new Map<string, string[][]>();
  readonly #cgroups = new Set<string>();

  constructor(tag = `${process.pid}-${++instances}`) {
    this.chain = `SKIFF-TEST-${tag}`;
    this.#cgroupRoot = writableCgroup2Root();
    this.isolatesOutgoing = this.#cgroupRoot !== null;
    iptables(['-N', this.chain]);
    iptables(['-I', 'INPUT', '1', '-j', this.chain]);
    iptables(['-I', 'OUTPUT', '1', '-j', this.chain]);
  }

  /**
   * The cgroup.procs file a server's process must write its pid into before it starts (so
   * every socket it opens carries the cgroup), or null when cgroups are not available.
   */
  cgroupProcsFile(name: string): string | null {
    if (this.#cgroupRoot === null) return null;
    const dir = join(this.#cgroupRoot, this.#cgroupName(name));
    if (!existsSync(dir)) mkdirSync(dir);
    this.#cgroups.add(dir);
    return join(dir, 'cgroup.procs');
  }

  /**
   * Drops TCP to and from `target`'s peer port and, when cgroups are available, from
   * `target`'s process to every other peer port.
   */
  block(target: PeerEndpoint, others: readonly PeerEndpoint[]): void {
    if (this.#blocked.has(target.name)) return;
    const rules: string[][] = [
      ['-p', 'tcp', '-d', target.address, '--dport', String(target.peerPort)],
      ['-p', 'tcp', '-s', target.address, '--sport', String(target.peerPort)],
    ];
    // Outgoing connections are told apart by the cgroup alone: their source address is
    // 127.0.0.1 for every server, so a rule on it would cut the others off from each other.
    if (this.#cgroupRoot !== null) {
      for (const other of others) {
        rules.push(['-p', 'tcp', '-d', other.address, '--dport', String(other.peerPort), '-m', 'cgroup', '--path', this.#cgroupName(target.name)]);
      }
    }
    const added: string[][] = [];
    this.#blocked.set(target.name, added);
    for (const rule of rules) {
      const spec = [...rule, '-j', 'DROP'];
      iptables(['-A', this.chain, ...spec]);
      added.push(spec);
    }
  }

  /** Removes exactly the rules `block(target)` added. */
  unblock(name: string): void {
    for (const spec of this.#blocked.get(name) ?? []) iptables(['-D', this.chain, ...spec]);
    this.#blocked.delete(name);
  }

  /** Removes the jumps, the chain and the (by then empty) cgroups; safe to call twice. */
  close(): void {
    this.#blocked.clear();
    for (const parent of ['INPUT', 'OUTPUT']) {
      while (tryIptables(['-D', parent, '-j', this.chain]));
    }
    tryIptables(['-F', this.chain]);
    tryIptables(['-X', this.chain]);
    for (const dir of this.#cgroups) {
      try {
        rmdirSync(dir);
      } catch {
        // A process that has not exited yet keeps the group; an empty leftover is harmless.
      }
    }
    this.#cgroups.clear();
  }

  #cgroupName(name: string): string {
    return `${this.chain.toLowerCase()}-${name}`;
  }
}

function iptables(args: string[]): void {
  try {
    execFileSync('iptables', ['-w', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`Cannot run iptables ${args.join(' ')}: ${stderr || String(error)}`);
  }
}

function tryIptables(args: string[]): boolean {
  try {
    iptables(args);
    return true;
  } catch {
    return false;
  }
}

/** The mount point of the cgroup v2 hierarchy when this process may create groups in it. */
function writableCgroup2Root(): string | null {
  const mount = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .find((fields) => fields[2] === 'cgroup2');
  const root = mount?.[1];
  if (root === undefined) return null;
  const probe = join(root, `skiff-test-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return root;
  } catch {
    return null;
  }
}
