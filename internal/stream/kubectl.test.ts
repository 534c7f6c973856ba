/**
 * The real kubectl against a minimal HTTPS API: exec and port-forward must work end to end
 * through the upgrade handler. Skipped when no kubectl is installed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, get, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { ensureServerCertificates, kubeconfigYaml, tlsCredentials, writeKubeconfig } from '../pki/index.ts';
import { aggregatedContentType, aggregatedDiscovery, apiGroupList, apiVersions, wantsAggregated } from '../apiserver/discovery.ts';
import { createUpgradeHandler } from './upgrade.ts';
import type { ExecOptions, ExecSession } from './exec.ts';

const KUBECTL = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.32', '/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p1', namespace: 'default', uid: '6f1c1c2e-0000-4000-8000-000000000001', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: {} } }] },
};

/** Runs the command on this machine as a stand-in for a container process. */
function localProcess(options: ExecOptions): ExecSession {
  const [command = 'true', ...args] = options.command;
  const child = spawn(command, args, { stdio: 'pipe' });
  if (!options.stdin) child.stdin.end();
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    done: new Promise((resolve) => child.once('exit', (code) => resolve({ exitCode: code ?? 137 }))),
    close: () => child.kill(),
  };
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  const json = (code: number, body: object, type = 'application/json') => {
    res.writeHead(code, { 'content-type': type });
    res.end(JSON.stringify(body));
  };
  const path = new URL(req.url ?? '/', 'https://localhost').pathname;
  const aggregated = wantsAggregated(req.headers.accept);
  if (path === '/version') return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
  if (path === '/api') return aggregated ? json(200, aggregatedDiscovery(true), aggregatedContentType) : json(200, apiVersions('127.0.0.1'));
  if (path === '/apis') return aggregated ? json(200, aggregatedDiscovery(false), aggregatedContentType) : json(200, apiGroupList());
  if (path === '/api/v1/namespaces/default/pods/p1') return json(200, pod);
  json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', message: `${path} not found`, code: 404 });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('kubectl against the streaming endpoints', { skip: KUBECTL === undefined ? 'no kubectl installed' : false }, () => {
  let dir = '';
  let api: Server;
  let target: HttpServer;
  let targetPort = 0;
  let env: NodeJS.ProcessEnv = {};
  const children = new Set<ChildProcess>();
  /** `<Upgrade header> <path>` of every upgrade request, to tell which transport kubectl used. */
  const upgrades: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-stream-'));
    const certs = await ensureServerCertificates({ dir: join(dir, 'tls'), hostname: 'localhost', ips: [], dnsNames: [] });
    api = createServer({ ...tlsCredentials(certs.ca.certPem, certs.serving), requestCert: true, rejectUnauthorized: false }, answer);
    const handler = createUpgradeHandler({
        exec: (_pod, options) => localProcess(options),
        portForward: async (_pod, port) => {
          if (port !== 8080) throw new Error(`nothing listens on port ${port}`);
          const socket = connect(targetPort, '127.0.0.1');
          await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
          return socket;
        },
      });
    api.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgrades.push(`${req.headers.upgrade ?? ''} ${new URL(req.url ?? '/', 'https://localhost').pathname}`);
      handler(req, socket, head);
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    let hits = 0;
    target = createHttpServer((req, res) => res.end(`hello ${++hits} ${req.url}`));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetPort = (target.address() as AddressInfo).port;
    const kubeconfig = join(dir, 'kubeconfig');
    const server = `https://127.0.0.1:${(api.address() as AddressInfo).port}`;
    await writeKubeconfig(kubeconfig, kubeconfigYaml({ server, caPem: certs.ca.certPem, clientCertPem: certs.admin.certPem, clientKeyPem: certs.admin.keyPem }));
    env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig };
  });

  after(async () => {
    for (const child of children) child.kill();
    api.closeAllConnections();
    target.closeAllConnections();
    await Promise.all([new Promise((resolve) => api.close(resolve)), new Promise((resolve) => target.close(resolve))]);
    await rm(dir, { recursive: true, force: true });
  });

  function kubectl(args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(KUBECTL ?? 'kubectl', args, { env: { ...env, ...extraEnv } });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end(input);
      child.once('close', (code) => {
        children.delete(child);
        resolve({ code, stdout, stderr });
      });
    });
  }

  test('exec relays stdout and stderr and exits with the command exit code', async () => {
    const run = await kubectl(['exec', 'p1', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(run.stdout, 'out\n');
    assert.match(run.stderr, /^err\n/);
    assert.equal(run.code, 3, run.stderr);
  });

  test('exec -i delivers stdin and ends it when the client closes it', async () => {
    const run = await kubectl(['exec', '-i', 'p1', '--', 'cat'], 'line one\nline two\n');
    assert.equal(run.stdout, 'line one\nline two\n');
    assert.equal(run.code, 0, run.stderr);
  });

  for (const [transport, upgrade, extraEnv] of [
    ['a WebSocket tunnel', 'websocket', {}],
    ['a SPDY/3.1 upgrade', 'SPDY/3.1', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }],
  ] as const) {
    test(`port-forward over ${transport} carries consecutive connections to the pod port`, async () => {
      const child = spawn(KUBECTL ?? 'kubectl', ['port-forward', 'pod/p1', ':8080'], { env: { ...env, ...extraEnv } });
      children.add(child);
      let output = '';
      const localPort = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(output);
          if (match?.[1] !== undefined) resolve(Number(match[1]));
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('close', () => reject(new Error(`kubectl port-forward ended: ${output}`)));
      });
      try {
        assert.match(await httpGet(localPort, '/first'), /^hello \d+ \/first$/);
        assert.match(await httpGet(localPort, '/second'), /^hello \d+ \/second$/);
        // kubectl falls back to SPDY silently when the WebSocket upgrade fails: check which one served.
        assert.deepEqual(upgrades.filter((u) => u.endsWith('/portforward')).at(-1), `${upgrade} /api/v1/namespaces/default/pods/p1/portforward`);
      } finally {
        child.kill();
        children.delete(child);
      }
    });
  }

  test('exec uses the WebSocket protocol', () => {
    assert.ok(upgrades.includes('websocket /api/v1/namespaces/default/pods/p1/exec'), upgrades.join('; '));
  });

  test('port-forward to a port the pod cannot be reached on reports the dial error', async () => {
    const child = spawn(KUBECTL ?? 'kubectl', ['port-forward', 'pod/p1', ':9999'], { env });
    children.add(child);
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const localPort = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const match = /Forwarding from 127\.0\.0\.1:(\d+) -> 9999/.exec(chunk.toString());
          if (match?.[1] !== undefined) resolve(Number(match[1]));
        });
        child.once('close', () => reject(new Error(`kubectl port-forward ended: ${output}`)));
      });
      await assert.rejects(httpGet(localPort, '/'));
      const deadline = Date.now() + 10_000;
      while (!output.includes('nothing listens on port 9999') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(output, /error forwarding port 9999 to pod: nothing listens on port 9999/);
    } finally {
      child.kill();
      children.delete(child);
    }
  });

  test('an upgrade outside the pod streaming paths is answered 404 with a Status', async () => {
    const port = (api.address() as AddressInfo).port;
    const { code, body } = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/v1/namespaces/default/pods/p1/log', rejectUnauthorized: false, headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      req.once('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.once('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.once('upgrade', () => reject(new Error('the server switched protocols')));
      req.once('error', reject);
      req.end();
    });
    assert.equal(code, 404);
    assert.equal((JSON.parse(body) as { reason?: string }).reason, 'NotFound');
  });
});

/** One HTTP GET on a fresh connection, closed after the answer. */
function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.once('end', () => resolve(body));
    }).once('error', reject);
  });
}
