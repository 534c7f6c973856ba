/**
 * A three-server HA control plane of real `dist/skiff server` processes on 127.0.0.1–3 for
 * end-to-end tests: the first starts with --cluster-init, the others join with its server
 * token; helpers kill, restart and partition members and read their datastore status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './poll.ts';
import { PeerPartition } from './peer-partition.ts';
import { jsonBody, rawAgent, rawRequest, type RawRequest, type RawResponse } from './raw-https.ts';
import { adminCredentials, freePort, skiffBinary, skiffEnv } from './skiff-server.ts';
import type { Cleanup } from './tmp.ts';

/** What GET /skiff/v1/datastore answers (ids as strings; `leader` null when none is known). */
export interface DatastoreStatus {
  id: string;
  leader: string | null;
  role: 'leader' | 'follower' | 'candidate' | 'pre-candidate';
  term: number;
  commit: number;
  applied: number;
  removed: boolean;
  members: Array<{ id: string; peerUrl: string; voter: boolean }>;
}

/** One server of the cluster. */
export interface HaMember {
  readonly name: string;
  readonly address: string;
  readonly apiPort: number;
  readonly peerPort: number;
  readonly url: string;
  readonly dir: string;
  readonly kubeconfig: string;
  /** Everything the current (or last) process logged. */
  log(): string;
}

interface MemberState extends HaMember {
  args: string[];
  child: ChildProcess | null;
  exited: Promise<void>;
  output: string;
  agent: Agent | null;
}

export interface HaClusterOptions {
  /** Extra flags for every server (e.g. --raft-compact-entries 200). */
  extraArgs?: string[];
  /** How long each server may take to start. Default 30 s. */
  startTimeoutMs?: number;
}

/** Starts three servers and waits until each one's datastore shows three voters; stopped when `t` ends. */
export async function startHaCluster(t: Cleanup, options: HaClusterOptions = {}): Promise<HaCluster> {
  const cluster = new HaCluster(options);
  t.after(() => cluster.close());
  await cluster.start();
  return cluster;
}

/** Starts s1 alone, as a plain single server (no --cluster-init); `grow()` makes it three. */
export async function startSingleServer(t: Cleanup, options: HaClusterOptions = {}): Promise<HaCluster> {
  const cluster = new HaCluster(options);
  t.after(() => cluster.close());
  await cluster.startAlone();
  return cluster;
}

/** A running three-server cluster; names are s1, s2, s3. */
export class HaCluster {
  readonly names = ['s1', 's2', 's3'] as const;
  readonly #options: HaClusterOptions;
  readonly #members = new Map<string, MemberState>();
  readonly #partition = new PeerPartition();
  readonly #blocked = new Set<string>();

  constructor(options: HaClusterOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    await this.#prepare(true);
    const first = this.#member('s1');
    await this.#launch(first, first.args);
    await this.#joinOthers();
  }

  /** Starts s1 without --cluster-init: a single server, as most clusters begin. */
  async startAlone(): Promise<void> {
    await this.#prepare(false);
    const first = this.#member('s1');
    await this.#launch(first, first.args);
  }

  /** Restarts the single server s1 with --cluster-init, keeping its files, and joins s2 and s3. */
  async grow(): Promise<void> {
    const first = this.#member('s1');
    await this.kill('s1', 'SIGTERM');
    const [server = 'server', ...rest] = first.args;
    first.args = [server, '--cluster-init', ...rest];
    await this.#launch(first, first.args);
    await this.#joinOthers();
  }

  async #prepare(clusterInit: boolean): Promise<void> {
    for (const [i, name] of this.names.entries()) {
      const dir = mkdtempSync(join(tmpdir(), `skiff-ha-${name}-`));
      const address = `127.0.0.${i + 1}`;
      const [apiPort, peerPort] = [await freePort(), await freePort()];
      const kubeconfig = join(dir, 'admin.yaml');
      // An empty config file keeps the machine's /etc/skiff/config.yaml out of the test.
      writeFileSync(join(dir, 'config.yaml'), '');
      const args = [
        '--bind-address', address, '--https-listen-port', String(apiPort), '--peer-port', String(peerPort),
        '--disable-agent', '--disable-snapshots', '--data-dir', join(dir, 'data'), '--write-kubeconfig', kubeconfig,
        '--node-name', name, '--config', join(dir, 'config.yaml'), ...(this.#options.extraArgs ?? []),
      ];
      const member: MemberState = {
        name, address, apiPort, peerPort, url: `https://${address}:${apiPort}`, dir, kubeconfig,
        args: i === 0 && clusterInit ? ['server', '--cluster-init', ...args] : ['server', ...args],
        child: null, exited: Promise.resolve(), output: '', agent: null,
        log: () => member.output,
      };
      this.#members.set(name, member);
    }
  }

  /** Joins s2 and s3 with s1's server token; waits until all three are voters. */
  async #joinOthers(): Promise<void> {
    const [first, ...joiners] = this.names.map((name) => this.#member(name));
    if (first === undefined) throw new Error('a cluster needs a first server');
    const tokenFile = join(first.dir, 'data', 'server', 'server-token');
    const token = await eventually(`${tokenFile} to hold the server join token`, () => existsSync(tokenFile) && readFileSync(tokenFile, 'utf8').trim(), 10_000, 50);
    for (const member of joiners) {
      const [server = 'server', ...rest] = member.args;
      await this.#launch(member, [server, 'join', token, ...rest]);
    }
    await this.waitForVoters(3);
  }

  /** The member called `name`. */
  member(name: string): HaMember {
    return this.#member(name);
  }

  /** Whether `name`'s process is running. */
  running(name: string): boolean {
    const child = this.#member(name).child;
    return child !== null && child.exitCode === null && child.signalCode === null;
  }

  /** Sends one request to `name`'s API port as the cluster admin (client certificate). */
  send(name: string, req: RawRequest, timeoutMs = 5000): Promise<RawResponse> {
    const member = this.#member(name);
    if (member.agent === null) return Promise.reject(new Error(`${name} has not started yet`));
    return rawRequest(member.url, member.agent, req, timeoutMs);
  }

  /** `name`'s GET /skiff/v1/datastore; throws unless it answers 200 within `timeoutMs`. */
  async status(name: string, timeoutMs = 2000): Promise<DatastoreStatus> {
    const response = await this.send(name, { method: 'GET', path: '/skiff/v1/datastore' }, timeoutMs);
    if (response.status !== 200) throw new Error(`${name} answered ${response.status} to GET /skiff/v1/datastore: ${response.body.toString().slice(0, 300)}`);
    return parseStatus(jsonBody(response), name);
  }

  /**
   * The name of the member that leads with a majority of the cluster following it in its
   * term (polled among running, reachable members until `timeoutMs`).
   */
  async leader(timeoutMs = 10_000): Promise<string> {
    return eventually('one leader followed by a majority', async () => {
      const statuses = await this.#statuses();
      for (const [name, status] of statuses) {
        if (status.role !== 'leader') continue;
        const following = [...statuses.values()].filter((s) => s.leader === status.id && s.term === status.term).length;
        if (following * 2 > this.names.length) return name;
      }
      return undefined;
    }, timeoutMs, 50);
  }

  /** Waits until every running member reports `count` members, all voters. */
  async waitForVoters(count: number, timeoutMs = 30_000): Promise<void> {
    await eventually(`every running member to show ${count} voters`, async () => {
      const live = this.names.filter((name) => this.running(name));
      const statuses = await Promise.all(live.map((name) => this.status(name)));
      return statuses.every((s) => s.members.length === count && s.members.every((m) => m.voter));
    }, timeoutMs, 100);
  }

  /**
   * Waits until `name` has applied everything the leader has committed, read in that order,
   * so that on an idle cluster the two are equal; returns both statuses.
   */
  async waitCaughtUp(name: string, timeoutMs = 30_000): Promise<{ leader: DatastoreStatus; member: DatastoreStatus }> {
    return eventually(`${name} to apply the leader's commit index`, async () => {
      const leader = await this.status(await this.leader(2000));
      const member = await this.status(name);
      return member.applied >= leader.commit && { leader, member };
    }, timeoutMs, 100);
  }

  /**
   * Records the names of the Raft snapshot files that appear in `name`'s snapshot directory
   * (a leader writes `outgoing-*` while it sends one, a member `incoming-*` while it receives
   * one; both are deleted soon after). The directory is created when missing so that it can
   * be watched from the start.
   */
  watchSnapshotFiles(name: string): { seen: Set<string>; close(): void } {
    const dir = join(this.#member(name).dir, 'data', 'server', 'db', 'raft-snapshots');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const seen = new Set<string>();
    const watcher = watch(dir, (_event, file) => {
      if (file !== null) seen.add(file);
    });
    return { seen, close: () => watcher.close() };
  }

  /** Sends `signal` to `name` and waits for the process to exit; returns performance.now() at the kill. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
    const member = this.#member(name);
    const at = performance.now();
    member.child?.kill(signal);
    await member.exited;
    // The agent stays: requests meanwhile meet a refused connection, as a client's would.
    return at;
  }

  /** Starts `name` again from its own files with its original flags (no join token). */
  async restart(name: string): Promise<void> {
    const member = this.#member(name);
    if (this.running(name)) throw new Error(`Cannot restart ${name} as it is still running (pid ${member.child?.pid})`);
    await this.#launch(member, member.args);
  }

  /** Drops all of `name`'s Raft peer traffic, both ways, until `unblockPeerTraffic`. */
  blockPeerTraffic(name: string): void {
    const target = this.#member(name);
    const others = this.names.filter((other) => other !== name).map((other) => this.#member(other));
    this.#partition.block(target, others);
    this.#blocked.add(name);
  }

  unblockPeerTraffic(name: string): void {
    this.#partition.unblock(name);
    this.#blocked.delete(name);
  }

  /** Whether a blocked member's own outgoing peer connections are cut too (see PeerPartition). */
  get partitionIsTwoWay(): boolean {
    return this.#partition.isolatesOutgoing;
  }

  /** Stops every server (SIGTERM, then SIGKILL after 10 s), removes the rules and the directories. */
  async close(): Promise<void> {
    await Promise.all([...this.#members.values()].map(async (member) => {
      member.child?.kill('SIGTERM');
      const timer = setTimeout(() => member.child?.kill('SIGKILL'), 10_000);
      await member.exited;
      clearTimeout(timer);
      member.agent?.destroy();
    }));
    this.#partition.close();
    for (const member of this.#members.values()) rmSync(member.dir, { recursive: true, force: true });
  }

  #member(name: string): MemberState {
    const member = this.#members.get(name);
    if (member === undefined) throw new Error(`Cannot find server ${JSON.stringify(name)}: the cluster has ${this.names.join(', ')}`);
    return member;
  }

  /** Statuses of the running, unpartitioned members that answer. */
  async #statuses(): Promise<Map<string, DatastoreStatus>> {
    const live = this.names.filter((name) => this.running(name) && !this.#blocked.has(name));
    const answers = await Promise.allSettled(live.map((name) => this.status(name, 1000)));
    const statuses = new Map<string, DatastoreStatus>();
    answers.forEach((answer, i) => {
      const name = live[i];
      if (answer.status === 'fulfilled' && name !== undefined) statuses.set(name, answer.value);
    });
    return statuses;
  }

  async #launch(member: MemberState, args: string[]): Promise<void> {
    member.output = '';
    const binary = skiffBinary();
    const procs = this.#partition.cgroupProcsFile(member.name);
    // The shell puts itself into the member's cgroup and then becomes the server, so every
    // socket the server opens carries that cgroup (the partition rules match on it).
    const child = procs === null
      ? spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: skiffEnv(member.dir) })
      : spawn('/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', procs, binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: skiffEnv(member.dir) });
    member.child = child;
    member.exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (member.output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (member.output += chunk));
    const timeoutMs = this.#options.startTimeoutMs ?? 30_000;
    await eventually(`${member.name} to be ready`, () => member.output.includes('API server ready') || child.exitCode !== null, timeoutMs, 20)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\n${member.name} logged:\n${member.output.slice(-4000)}`);
      });
    if (child.exitCode !== null) throw new Error(`${member.name} (skiff ${args.join(' ')}) exited with ${child.exitCode}:\n${member.output.slice(-4000)}`);
    member.agent?.destroy();
    member.agent = rawAgent(adminCredentials(member.kubeconfig), { maxSockets: 32 });
  }
}

function parseStatus(body: unknown, name: string): DatastoreStatus {
  const fail = (): never => {
    throw new Error(`${name} answered GET /skiff/v1/datastore with an unexpected body: ${JSON.stringify(body)}`);
  };
  if (typeof body !== 'object' || body === null) return fail();
  const o = body as Record<string, unknown>;
  const roles = ['leader', 'follower', 'candidate', 'pre-candidate'];
  if (typeof o.role !== 'string' || !roles.includes(o.role) || !Array.isArray(o.members)) return fail();
  const number = (value: unknown): number => (typeof value === 'number' ? value : fail());
  const leader = o.leader === null || o.leader === undefined || o.leader === '' || o.leader === 0 ? null : String(o.leader);
  return {
    id: String(o.id),
    leader,
    role: o.role as DatastoreStatus['role'],
    term: number(o.term),
    commit: number(o.commit),
    applied: number(o.applied),
    removed: o.removed === true,
    members: (o.members as unknown[]).map((m) => {
      const member = (typeof m === 'object' && m !== null ? m : fail()) as Record<string, unknown>;
      return { id: String(member.id), peerUrl: String(member.peerUrl), voter: member.voter === true };
    }),
  };
}
