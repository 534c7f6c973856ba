/**
 * API server benchmark over HTTPS with the admin client certificate: ConfigMap create
 * throughput, get/list/update/create latency from 32 clients, and watch fan-out to 500
 * watch streams. Baselines from the same run: a bare node:https server answering a small
 * JSON with the same certificates and client settings, and the datastore's own create
 * rate with as many writers. Each server runs in a worker thread so the clients do not
 * share its event loop (on a two-core machine they still share the CPUs).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { figure, percentile, target } from './report.ts';

const clients = 32;
const creates = envCount('BENCH_API_CREATES', 4000);
const requests = envCount('BENCH_API_REQUESTS', 3000);
const listObjects = 100;
const lists = envCount('BENCH_API_LISTS', 1000);
const watchers = envCount('BENCH_API_WATCHERS', 500);
const watchWrites = envCount('BENCH_API_WATCH_WRITES', 200);
const watchPaceMs = 10;
const deliveryTimeoutMs = 5000;
const payload = 'x'.repeat(200);

interface Tls {
  ca: string;
  cert: string;
  key: string;
}
interface Reply {
  status: number;
  body: string;
}
type Call = (method: string, path: string, body?: object) => Promise<Reply>;
/** What a server thread runs: the real API server, or the bare HTTPS baseline. */
interface ServeJob {
  role: 'api' | 'hello';
  dir: string;
}
interface ServerThread {
  url: string;
  /** Stops the server; resolves to the used heap of its thread in MiB. */
  stop(): Promise<number>;
}

function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Cannot use ${name} as it is not a positive integer: ${process.env[name]}`);
  return value;
}

function tlsDir(dir: string): string {
  return join(dir, 'server', 'tls');
}

/** Requests over `agent` (which carries the TLS settings); the whole body as text. */
function connect(base: string, agent: Agent): Call {
  const url = new URL(base);
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      const req = request({ host: url.hostname, port: url.port, path, method, agent, headers }, (res) => {
        let received = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (received += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: received }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(text);
    });
}

function expect(reply: Reply, status: number, what: string): Reply {
  if (reply.status !== status) throw new Error(`${what} answered ${reply.status}, expected ${status}: ${reply.body.slice(0, 300)}`);
  return reply;
}

function configMap(name: string): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload } };
}

/** Runs `count` operations from `clients` concurrent loops; the time of each in ms. */
async function drive(count: number, op: (i: number) => Promise<void>): Promise<{ samples: number[]; perSecond: number }> {
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < count; i = next++) {
        const begun = performance.now();
        await op(i);
        samples.push(performance.now() - begun);
      }
    }),
  );
  return { samples, perSecond: count / ((performance.now() - start) / 1000) };
}

/** Resolves to whether `promise` settled within `ms`. */
function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => (clearTimeout(timer), resolve(true)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

async function storeCreateRate(dir: string): Promise<number> {
  const { MvccStore } = await import('../internal/datastore/mvcc/store.ts');
  const store = MvccStore.open({ file: join(dir, 'store-baseline.db'), compactIntervalMs: 0 });
  const value = new TextEncoder().encode(JSON.stringify(configMap('baseline')));
  const { perSecond } = await drive(creates, async (i) => void (await store.create(`/registry/configmaps/bench/c-${i}`, value)));
  await store.close();
  return perSecond;
}

function startThread(job: ServeJob): Promise<ServerThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { ready?: string; failed?: string }) => {
      if (message.ready === undefined) return reject(new Error(`the ${job.role} server did not start: ${message.failed}`));
      resolve({
        url: message.ready,
        stop: () =>
          new Promise((stopped) => {
            worker.once('message', (reply: { heapMb: number }) => void worker.terminate().then(() => stopped(reply.heapMb)));
            worker.postMessage('stop');
          }),
      });
    });
  });
}

/** Worker side of startThread. */
async function serve(job: ServeJob): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  try {
    const server = job.role === 'api' ? await startApi(job.dir) : startHello(job.dir);
    port.postMessage({ ready: await server.url });
    port.once('message', () => void server.stop().then(() => port.postMessage({ heapMb: getHeapStatistics().used_heap_size / 2 ** 20 })));
  } catch (error) {
    port.postMessage({ failed: error instanceof Error ? error.message : String(error) });
  }
}

async function startApi(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const { startServer } = await import('../internal/server/run.ts');
  const { createLogger } = await import('../internal/util/log.ts');
  const config = {
    dataDir: dir,
    kubeconfigPath: join(dir, 'admin.yaml'),
    tlsSans: [],
    bindAddress: '127.0.0.1',
    port: 0,
    clusterCidr: '10.42.0.0/16',
    serviceCidr: '10.43.0.0/16',
    clusterDns: '10.43.0.10',
    clusterDomain: 'cluster.local',
    nodeName: 'bench',
    compactIntervalMs: 0,
    compactWindow: 1000,
  };
  return startServer(config, createLogger('error'));
}

/** The baseline: the API server's TLS settings and certificates, and nothing behind them. */
function startHello(dir: string): { url: Promise<string>; stop(): Promise<void> } {
  const read = (file: string) => readFileSync(join(tlsDir(dir), file), 'utf8');
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 });
  const server = createServer({ key: read('serving.key'), cert: read('serving.crt'), ca: read('server-ca.crt'), requestCert: true, rejectUnauthorized: false }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  server.keepAliveTimeout = 65_000;
  const url = new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`);
    }),
  );
  const stop = () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections()));
  return { url, stop };
}

/** Latency of one GET through `call` from 32 clients, after every connection is open. */
async function getLatency(call: Call, path: (i: number) => string, count: number): Promise<{ samples: number[]; perSecond: number }> {
  const get = async (i: number) => void expect(await call('GET', path(i)), 200, `GET ${path(i)}`);
  await drive(clients * 4, get);
  return drive(count, get);
}

/**
 * 500 watch streams on one namespace's ConfigMaps; then, one at a time, a create and
 * the time until the last stream has its event.
 */
async function watchFanout(call: Call, base: string, tls: Tls): Promise<{ samples: number[]; missed: number; cut: number }> {
  const ns = 'bench-watch';
  expect(await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), 201, 'namespace create');
  const listed = JSON.parse(expect(await call('GET', `/api/v1/namespaces/${ns}/configmaps`), 200, 'list').body) as { metadata: { resourceVersion: string } };
  const path = `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${listed.metadata.resourceVersion}`;
  const agent = new Agent({ keepAlive: true, maxSockets: watchers, ...tls });
  const url = new URL(base);
  const pending = new Map<string, { remaining: number; lastAt: number; done: () => void }>();
  let cut = 0;
  let closing = false;
  const onEvent = (line: string, end: () => void): void => {
    const event = JSON.parse(line) as { type: string; object: { metadata?: { name?: string } } };
    if (event.type === 'ERROR') end();
    const delivery = pending.get(event.object.metadata?.name ?? '');
    if (delivery === undefined || --delivery.remaining > 0) return;
    delivery.lastAt = performance.now();
    delivery.done();
  };
  const open = () =>
    new Promise<ReturnType<typeof request>>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, agent, headers: { accept: 'application/json' } }, (res) => {
        let buffered = '';
        let ended = false;
        // An ERROR event (e.g. the server cut a slow watcher off) or a closed stream, once per stream.
        const end = (): void => {
          if (ended || closing) return;
          ended = true;
          cut++;
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
            onEvent(buffered.slice(0, newline), end);
            buffered = buffered.slice(newline + 1);
          }
        });
        res.on('close', end);
      });
      req.on('error', (error) => (closing ? undefined : reject(error)));
      // Headers may wait for the first event; a sent request is enough, the start version covers the rest.
      req.on('finish', () => resolve(req));
      req.end();
    });
  const streams: ReturnType<typeof request>[] = [];
  for (let i = 0; i < watchers; i += 50) streams.push(...(await Promise.all(Array.from({ length: Math.min(50, watchers - i) }, open))));

  const write = async (name: string, timeoutMs: number): Promise<{ ms: number; missed: number }> => {
    const delivery = { remaining: watchers, lastAt: 0, done: () => {} };
    const delivered = new Promise<void>((resolve) => (delivery.done = resolve));
    pending.set(name, delivery);
    const issued = performance.now();
    expect(await call('POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(name)), 201, 'watched create');
    const complete = await within(delivered, timeoutMs);
    pending.delete(name);
    return { ms: delivery.lastAt - issued, missed: complete ? 0 : delivery.remaining };
  };
  // Every stream attached and caught up before anything is timed.
  for (const name of ['warm-0', 'warm-1']) {
    const warm = await write(name, 30_000);
    if (warm.missed > 0) throw new Error(`${warm.missed} of ${watchers} watch streams never received the warm-up event`);
  }
  const samples: number[] = [];
  let missed = 0;
  for (let i = 0; i < watchWrites; i++) {
    const result = await write(`w-${i}`, deliveryTimeoutMs);
    if (result.missed === 0) samples.push(result.ms);
    missed += result.missed;
    await new Promise((resolve) => setTimeout(resolve, watchPaceMs));
  }
  closing = true;
  for (const stream of streams) stream.destroy();
  agent.destroy();
  return { samples, missed, cut };
}

async function apiFigures(base: string, tls: Tls): Promise<{ getP99: number; getPerSecond: number; createsPerSecond: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients, ...tls });
  const call = connect(base, agent);
  const createIn = async (ns: string, count: number, prefix: string) => {
    expect(await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), 201, 'namespace create');
    return drive(count, async (i) => void expect(await call('POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(`${prefix}-${i}`)), 201, 'create'));
  };
  // Opens the connections, and primes the paths the timed phases take.
  await createIn('bench-warm', clients * 4, 'warm');

  const created = await createIn('bench-create', creates, 'c');
  figure('api_creates', creates);
  figure('api_creates_per_s', created.perSecond, 0);
  target('api_creates_per_s', created.perSecond >= 2000, '>=2000');
  const createP99 = percentile(created.samples, 99);
  figure('api_create_p50_ms', percentile(created.samples, 50), 3);
  figure('api_create_p99_ms', createP99, 3);
  target('api_create_p99_ms', createP99 <= 25, '<=25');

  await createIn('bench-list', listObjects, 'l');
  const objectPath = (i: number) => `/api/v1/namespaces/bench-list/configmaps/l-${i % listObjects}`;
  const got = await getLatency(call, objectPath, requests);
  const getP99 = percentile(got.samples, 99);
  figure('api_get_per_s', got.perSecond, 0);
  figure('api_get_p50_ms', percentile(got.samples, 50), 3);
  figure('api_get_p99_ms', getP99, 3);
  const listed = await getLatency(call, () => '/api/v1/namespaces/bench-list/configmaps', lists);
  figure('api_list_objects', listObjects);
  figure('api_list_p50_ms', percentile(listed.samples, 50), 3);
  figure('api_list_p99_ms', percentile(listed.samples, 99), 3);

  // The last version of each object the clients saw; a 409 means another client got there
  // first: it is counted, and the retry is part of that update's time.
  let conflicts = 0;
  const updater = (ns: string, prefix: string, objects: number, counted: boolean) => {
    const latest = new Map<string, string>();
    return async (i: number): Promise<void> => {
      const name = `${prefix}-${i % objects}`;
      const path = `/api/v1/namespaces/${ns}/configmaps/${name}`;
      for (;;) {
        let version = latest.get(name);
        if (version === undefined) {
          version = (JSON.parse(expect(await call('GET', path), 200, 'get').body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
        }
        const body = { ...configMap(name), metadata: { name, resourceVersion: version }, data: { payload, round: String(i) } };
        const reply = await call('PUT', path, body);
        if (reply.status === 409) {
          if (counted) conflicts++;
          latest.delete(name);
          continue;
        }
        latest.set(name, (JSON.parse(expect(reply, 200, 'update').body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
        return;
      }
    };
  };
  // Primes the update path on the warm-up objects, as the creates and reads above were
  // primed before they were timed; otherwise the first round of timed updates runs on
  // code the runtime has not compiled yet.
  await drive(clients * 4, updater('bench-warm', 'warm', clients * 4, false));
  const updated = await drive(requests, updater('bench-list', 'l', listObjects, true));
  const updateP99 = percentile(updated.samples, 99);
  figure('api_update_per_s', updated.perSecond, 0);
  figure('api_update_p50_ms', percentile(updated.samples, 50), 3);
  figure('api_update_p99_ms', updateP99, 3);
  figure('api_update_conflicts', conflicts);
  target('api_update_p99_ms', updateP99 <= 25, '<=25');
  agent.destroy();

  const fanout = await watchFanout(call, base, tls);
  const fanoutP99 = percentile(fanout.samples, 99);
  figure('api_watchers', watchers);
  figure('api_watch_writes', watchWrites);
  figure('api_watch_fanout_p50_ms', percentile(fanout.samples, 50), 3);
  figure('api_watch_fanout_p99_ms', fanoutP99, 3);
  target('api_watch_fanout_p99_ms', fanoutP99 <= 50, '<=50');
  figure('api_watch_missed', fanout.missed);
  figure('api_watch_streams_cut', fanout.cut);
  target('api_watch_missed', fanout.missed === 0 && fanout.cut === 0, '0');
  return { getP99, getPerSecond: got.perSecond, createsPerSecond: created.perSecond };
}

export async function runApiBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-api-'));
  try {
    // Start-up to serving: a first start (creates the CA and certificates) and a restart.
    const startDir = join(dir, 'startup');
    for (const name of ['server_first_start_ms', 'server_restart_ms']) {
      const began = performance.now();
      const server = await startApi(startDir);
      const elapsed = performance.now() - began;
      await server.stop();
      figure(name, elapsed, 1);
      target(name, elapsed < 1000, '< 1000');
    }
    const storeRate = await storeCreateRate(dir);
    const api = await startThread({ role: 'api', dir });
    const read = (file: string) => readFileSync(join(tlsDir(dir), file), 'utf8');
    const tls: Tls = { ca: read('server-ca.crt'), cert: read('client-admin.crt'), key: read('client-admin.key') };

    const hello = await startThread({ role: 'hello', dir });
    const helloAgent = new Agent({ keepAlive: true, maxSockets: clients, ...tls });
    const baseline = await getLatency(connect(hello.url, helloAgent), () => '/', requests);
    helloAgent.destroy();
    await hello.stop();
    const baselineP99 = percentile(baseline.samples, 99);
    figure('api_clients', clients);
    figure('https_baseline_per_s', baseline.perSecond, 0);
    figure('https_baseline_p50_ms', percentile(baseline.samples, 50), 3);
    figure('https_baseline_p99_ms', baselineP99, 3);
    figure('store_creates_per_s', storeRate, 0);

    const measured = await apiFigures(api.url, tls);
    figure('api_get_vs_baseline_ratio', measured.getP99 / baselineP99);
    figure('api_get_vs_baseline_rate_ratio', measured.getPerSecond / baseline.perSecond);
    figure('api_creates_vs_store_ratio', measured.createsPerSecond / storeRate);

    // The whole process: the server thread and the bench clients together.
    figure('server_rss_mb', process.memoryUsage().rss / 2 ** 20, 1);
    figure('server_peak_rss_mb', process.resourceUsage().maxRSS / 1024, 1);
    figure('server_heap_mb', await api.stop(), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function isServeJob(value: unknown): value is ServeJob {
  return typeof value === 'object' && value !== null && 'role' in value && 'dir' in value && typeof value.dir === 'string';
}

if (!isMainThread && isServeJob(workerData)) await serve(workerData);
