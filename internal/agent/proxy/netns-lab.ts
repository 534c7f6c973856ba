/**
 * A three-namespace network for the proxy's end-to-end tests (root and `ip` needed):
 *
 *   client (10.78.0.2) ── node (10.78.0.1 | 10.77.0.1) ── pods (10.77.0.2, .3, .4)
 *
 * The proxy programs the node namespace; TCP servers in the pods namespace answer each
 * connection with "<their address> <the client address seen>". Commands enter a
 * namespace with `nsenter --net=` so they never touch the host's own network.
 */
import { spawn } from 'node:child_process';
import { hostRunner, runChecked, type CommandRunner } from './command-runner.ts';

export const podAddresses = ['10.77.0.2', '10.77.0.3', '10.77.0.4'] as const;
export const nodePodSide = '10.77.0.1';
export const nodeClientSide = '10.78.0.1';
export const clientAddress = '10.78.0.2';
export const podCidr = '10.77.0.0/24';

/** One connection attempt: the reply, or how it failed and after how long. */
export type Attempt = { ok: true; server: string; peer: string; ms: number } | { ok: false; error: string; ms: number };

const serverScript = `
const net = require('node:net');
const [port, ...addresses] = process.argv.slice(1);
let open = 0;
for (const address of addresses) {
  net.createServer((socket) => socket.end(address + ' ' + socket.remoteAddress + '\\n'))
    .listen(Number(port), address, () => { if (++open === addresses.length) console.log('listening'); });
}`;

const clientScript = `
const net = require('node:net');
const [host, port, count, timeout] = process.argv.slice(1);
const once = () => new Promise((resolve) => {
  const started = Date.now();
  const socket = net.connect({ host, port: Number(port) });
  let data = '';
  const done = (result) => { socket.destroy(); resolve({ ...result, ms: Date.now() - started }); };
  socket.setTimeout(Number(timeout), () => done({ ok: false, error: 'timeout' }));
  socket.on('data', (chunk) => (data += chunk));
  socket.on('end', () => { const [server, peer] = data.trim().split(' '); done({ ok: true, server, peer }); });
  socket.on('error', (error) => done({ ok: false, error: error.code || error.message }));
});
(async () => { const out = []; for (let i = 0; i < Number(count); i++) out.push(await once()); console.log(JSON.stringify(out)); })();`;

export class NetnsLab {
  readonly node: string;
  readonly pods: string;
  readonly client: string;
  readonly #servers: Array<{ kill(): void }> = [];

  private constructor(base: string) {
    this.node = `${base}-node`;
    this.pods = `${base}-pods`;
    this.client = `${base}-client`;
  }

  /** Creates the namespaces and links; names start with `base` (keep it short and unique). */
  static async create(base: string): Promise<NetnsLab> {
    const lab = new NetnsLab(base);
    const host = hostRunner();
    const ip = (args: string[]): Promise<string> => runChecked(host, `set up the test network`, 'ip', args);
    try {
      for (const ns of [lab.node, lab.pods, lab.client]) await ip(['netns', 'add', ns]);
      await ip(['link', 'add', 'pods0', 'netns', lab.node, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', lab.pods]);
      await ip(['link', 'add', 'ext0', 'netns', lab.node, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', lab.client]);
      const inNs = (ns: string, args: string[]): Promise<string> => runChecked(lab.runner(ns), `set up ${ns}`, 'ip', args);
      for (const ns of [lab.node, lab.pods, lab.client]) await inNs(ns, ['link', 'set', 'lo', 'up']);
      await inNs(lab.node, ['addr', 'add', `${nodePodSide}/24`, 'dev', 'pods0']);
      await inNs(lab.node, ['addr', 'add', `${nodeClientSide}/24`, 'dev', 'ext0']);
      await inNs(lab.node, ['link', 'set', 'pods0', 'up']);
      await inNs(lab.node, ['link', 'set', 'ext0', 'up']);
      // Like a real node: service addresses have a route (the default one) to be looked up at all.
      await inNs(lab.node, ['route', 'add', 'default', 'via', podAddresses[0]]);
      for (const address of podAddresses) await inNs(lab.pods, ['addr', 'add', `${address}/24`, 'dev', 'eth0']);
      await inNs(lab.pods, ['link', 'set', 'eth0', 'up']);
      await inNs(lab.pods, ['route', 'add', 'default', 'via', nodePodSide]);
      await inNs(lab.client, ['addr', 'add', `${clientAddress}/24`, 'dev', 'eth0']);
      await inNs(lab.client, ['link', 'set', 'eth0', 'up']);
      await inNs(lab.client, ['route', 'add', 'default', 'via', nodeClientSide]);
      await runChecked(lab.runner(lab.node), 'enable forwarding', 'sysctl', ['-w', 'net.ipv4.ip_forward=1']);
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  /** A runner whose commands run inside namespace `ns`. */
  runner(ns: string): CommandRunner {
    return hostRunner(['nsenter', `--net=/var/run/netns/${ns}`]);
  }

  /** Starts TCP servers on `port` of the given pod addresses; resolves once they listen. */
  async serve(port: number, addresses: readonly string[] = podAddresses): Promise<void> {
    const child = spawn('nsenter', [`--net=/var/run/netns/${this.pods}`, process.execPath, '-e', serverScript, String(port), ...addresses], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#servers.push(child);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (chunk.includes('listening')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the test servers exited with ${code}: ${err}`)));
    });
  }

  /** Opens `count` connections one after another from namespace `ns` (default: the node). */
  async connect(host: string, port: number, options: { count?: number; from?: string; timeoutMs?: number } = {}): Promise<Attempt[]> {
    const ns = options.from ?? this.node;
    const args = [host, String(port), String(options.count ?? 1), String(options.timeoutMs ?? 3000)];
    const result = await hostRunner().run('nsenter', [`--net=/var/run/netns/${ns}`, process.execPath, '-e', clientScript, ...args]);
    if (result.code !== 0) throw new Error(`the test client failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as Attempt[];
  }

  /** `iptables-save` of the node namespace. */
  async iptablesSave(): Promise<string> {
    return runChecked(this.runner(this.node), 'read the rules', 'iptables-save', []);
  }

  /** Stops the servers and deletes the namespaces (and with them the links). */
  async destroy(): Promise<void> {
    for (const server of this.#servers) server.kill();
    const host = hostRunner();
    for (const ns of [this.node, this.pods, this.client]) await host.run('ip', ['netns', 'delete', ns]);
  }
}
