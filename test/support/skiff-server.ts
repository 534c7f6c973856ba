/**
 * Runs the built executable (dist/skiff) as `skiff server` in a temp dir for end-to-end
 * tests, and runs the real kubectl against it with an isolated HOME (discovery cache).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Cleanup } from './tmp.ts';
import { eventually } from './poll.ts';
import { pidAlive } from './docker.ts';

const root = resolve(import.meta.dirname, '..', '..');

/** The executable under test: $SKIFF_BINARY, else dist/skiff (build/test.sh builds it first). */
export function skiffBinary(): string {
  const path = process.env.SKIFF_BINARY ?? join(root, 'dist', 'skiff');
  if (!existsSync(path)) throw new Error(`Cannot run end-to-end tests as ${path} does not exist: run 'npm run build' first`);
  return path;
}

export interface SkiffServer {
  dir: string;
  kubeconfig: string;
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the server logged so far. */
  log(): string;
  kubectl(args: string[], options?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): KubectlResult;
  /** Stops with SIGTERM and waits for the exit. */
  stop(): Promise<void>;
  /** Stops and removes the directory. */
  close(): Promise<void>;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `skiff server` (no agent). With `t`, it is stopped and its directory removed when
 * `t` ends; suites call `close()` from their own `after` hook instead. `beforeStart` gets the
 * data directory (`<dir>/data`, already created) to put files there that start-up reads.
 */
export async function startSkiffServer(
  t: Cleanup | undefined,
  extraArgs: string[] = [],
  beforeStart?: (dataDir: string) => void,
  options: {
    agent?: boolean;
    /** Start in this directory (one a stopped server used) instead of a new one, keeping its data. */
    dir?: string;
    /** Listen on this port (e.g. the one a stopped server had) instead of a free one. */
    port?: number;
  } = {},
): Promise<SkiffServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const port = options.port ?? await freePort();
  const clusterCidr = givenClusterCidr(extraArgs) ?? reserveClusterCidr(dir);
  const kubeconfig = join(dir, 'admin.yaml');
  // An empty config file keeps the machine's /etc/skiff/config.yaml out of the test.
  writeFileSync(join(dir, 'config.yaml'), '');
  if (beforeStart !== undefined) {
    mkdirSync(join(dir, 'data'), { recursive: true });
    beforeStart(join(dir, 'data'));
  }
  let output = '';
  const child = spawn(
    skiffBinary(),
    ['server', '--data-dir', join(dir, 'data'), '--write-kubeconfig', kubeconfig, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', ...(givenClusterCidr(extraArgs) === undefined ? ['--cluster-cidr', clusterCidr] : []), ...(options.agent && givenClusterCidr(extraArgs) === undefined ? ['--service-node-port-range', nodePortRangeOf(clusterCidr)] : []), ...(options.agent ? ['--kubelet-port', '0'] : ['--disable-agent']), '--config', join(dir, 'config.yaml'), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: skiffEnv(dir) },
  );
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const close = async (): Promise<void> => {
    await stop();
    removePodNetworks(clusterCidr);
    if (givenClusterCidr(extraArgs) === undefined) releaseClusterCidr(clusterCidr);
    rmSync(dir, { recursive: true, force: true });
  };
  t?.after(close);
  await eventually('skiff server to be ready', () => output.includes('API server ready') || child.exitCode !== null, 20_000);
  if (child.exitCode !== null) throw new Error(`skiff server exited with ${child.exitCode}:\n${output}`);
  const kubectl = (args: string[], options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): KubectlResult => {
    const result = spawnSync('kubectl', args, {
      encoding: 'utf8',
      input: options.input,
      timeout: options.timeoutMs ?? 30_000,
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, ...options.env },
    });
    return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  };
  return { dir, kubeconfig, url: `https://127.0.0.1:${port}`, port, process: child, log: () => output, kubectl, stop, close };
}

function givenClusterCidr(extraArgs: readonly string[]): string | undefined {
  const given = extraArgs.indexOf('--cluster-cidr');
  return given >= 0 ? extraArgs[given + 1] : undefined;
}

/** Lock files naming the test process that holds each 10.<n>.0.0/16 pod range. */
const cidrLocks = join(tmpdir(), 'skiff-test-cluster-cidrs');

/**
 * Test servers run side by side on one dockerd (with their agents and joined agents): each
 * holds a pod range of its own, 10.<100–249>.0.0/16, through an exclusive lock file, so their
 * Docker networks never overlap and one test's clean-up never touches another's pods. The
 * range is remembered in the server's directory, so a restart on that directory keeps it.
 */
function reserveClusterCidr(dir: string): string {
  const remembered = join(dir, 'cluster-cidr');
  if (existsSync(remembered)) return readFileSync(remembered, 'utf8').trim();
  mkdirSync(cidrLocks, { recursive: true });
  for (let octet = 100; octet < 250; octet++) {
    const lock = join(cidrLocks, String(octet));
    if (!takeLock(lock)) continue;
    const cidr = `10.${octet}.0.0/16`;
    // Whatever a killed earlier run left in this range is ours to clear now.
    removePodNetworks(cidr);
    writeFileSync(remembered, cidr);
    return cidr;
  }
  throw new Error(`Cannot start a test server: all 150 test pod ranges are held (see ${cidrLocks})`);
}

function takeLock(lock: string): boolean {
  // Linking a file that already holds our pid creates the lock with its content in one step:
  // another process never reads a half-written (empty) lock and mistakes it for a dead one.
  const claim = `${lock}.${process.pid}`;
  writeFileSync(claim, String(process.pid));
  try {
    linkSync(claim, lock);
    return true;
  } catch {
    const owner = Number(readFileSync(lock, 'utf8'));
    if (owner === process.pid || pidAlive(owner)) return false;
    // The holder is gone: take over by renaming our claim over its file, then check we won.
    renameSync(claim, lock);
    return Number(readFileSync(lock, 'utf8')) === process.pid;
  } finally {
    rmSync(claim, { force: true });
  }
}

/** The environment a skiff process of a test runs with: its own HOME and executable cache under `dir`. */
export function skiffEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: dir, SKIFF_CACHE_DIR: join(dir, 'cache') };
}

/**
 * The node ports of a server with an agent holding 10.<n>.0.0/16: 18 of 30000–32767 of its
 * own, since every agent on this host serves node ports on the same addresses.
 */
function nodePortRangeOf(clusterCidr: string): string {
  const low = 30000 + (Number(clusterCidr.split('.')[1]) - 100) * 18;
  return `${low}-${low + 17}`;
}

function releaseClusterCidr(cidr: string): void {
  const octet = cidr.split('.')[1] ?? '';
  const lock = join(cidrLocks, octet);
  if (existsSync(lock) && Number(readFileSync(lock, 'utf8')) === process.pid) rmSync(lock, { force: true });
}

/** Removes the pod networks in `clusterCidr` (and anything still attached) that a test's nodes left in Docker. */
export function removePodNetworks(clusterCidr: string): void {
  const prefix = clusterCidr.split('.').slice(0, 2).join('.') + '.';
  const ids = spawnSync('docker', ['network', 'ls', '-q', '--filter', 'label=io.skiff.network'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return;
  const described = spawnSync('docker', ['network', 'inspect', '--format', '{{.Name}} {{range .IPAM.Config}}{{.Subnet}}{{end}}', ...ids], { encoding: 'utf8' }).stdout;
  for (const line of described.split('\n')) {
    const [name = '', subnet = ''] = line.split(' ');
    if (name === '' || !subnet.startsWith(prefix)) continue;
    const sandboxes = spawnSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `network=${name}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const sandbox of sandboxes) {
      const members = spawnSync('docker', ['ps', '-aq', '--filter', `label=io.skiff.sandbox=${sandbox}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      spawnSync('docker', ['rm', '-f', ...members, sandbox]);
    }
    spawnSync('docker', ['network', 'rm', name]);
  }
}

/** Reads the admin client credentials from a kubeconfig (for raw HTTPS calls). */
export function adminCredentials(kubeconfig: string): { ca: string; cert: string; key: string } {
  const text = readFileSync(kubeconfig, 'utf8');
  const field = (name: string): string => {
    const match = new RegExp(`${name}: (\\S+)`).exec(text);
    if (match?.[1] === undefined) throw new Error(`kubeconfig has no ${name}`);
    return Buffer.from(match[1], 'base64').toString('utf8');
  };
  return { ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data') };
}
