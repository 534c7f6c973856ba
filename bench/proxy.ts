/**
 * Service proxy benchmark: 1,000 Services × 10 endpoints in a throwaway network
 * namespace. A full sync (model, rule build, iptables-save, iptables-restore, jumps)
 * and an incremental sync after one endpoint changed (model, build, diff, restore of
 * the changed chains), each beside the raw iptables-restore of the same input into a
 * second namespace holding the same rules and jumps, in the same run (the kernel's and
 * iptables' own share of the time). Needs root and `ip netns`.
 */
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../internal/apiserver/objects.ts';
import { hostRunner, runChecked, type CommandRunner } from '../internal/agent/proxy/command-runner.ts';
import { IptablesApplier } from '../internal/agent/proxy/iptables-applier.ts';
import { jumpRules } from '../internal/agent/proxy/iptables-base.ts';
import { buildIptablesRules } from '../internal/agent/proxy/iptables-rules.ts';
import { appliedStateOf, fullRestoreText, incrementalRestoreText } from '../internal/agent/proxy/restore-text.ts';
import { ServicePortsCache } from '../internal/agent/proxy/service-ports-cache.ts';
import type { NodeContext } from '../internal/agent/proxy/types.ts';
import { figure, percentile, target } from './report.ts';

const services = envCount('BENCH_PROXY_SERVICES', 1000);
const endpointsPerService = envCount('BENCH_PROXY_ENDPOINTS', 10);
const changes = envCount('BENCH_PROXY_CHANGES', 20);
const prefix = 'SKIFF-bench';
const node: NodeContext = { nodeName: 'bench-node', addresses: ['127.0.0.1', '10.255.0.1'], localPodCidr: '10.42.0.0/24', servesLoadBalancers: true };

function envCount(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Cannot use ${name} as it is not a positive integer: ${process.env[name]}`);
  return value;
}

function serviceObject(i: number): KubeObject {
  return {
    metadata: { name: `svc-${i}`, namespace: 'bench', resourceVersion: '1' },
    spec: {
      type: i % 4 === 0 ? 'NodePort' : 'ClusterIP',
      clusterIP: `10.43.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, ...(i % 4 === 0 ? { nodePort: 30000 + i } : {}) }],
      sessionAffinity: i % 10 === 0 ? 'ClientIP' : 'None',
      internalTrafficPolicy: 'Cluster',
      externalTrafficPolicy: 'Cluster',
    },
  };
}

function sliceObject(i: number, version: number, changedEndpoint: number | null): KubeObject {
  return {
    metadata: { name: `svc-${i}-abc`, namespace: 'bench', labels: { 'kubernetes.io/service-name': `svc-${i}` }, resourceVersion: String(version) },
    addressType: 'IPv4',
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    endpoints: Array.from({ length: endpointsPerService }, (_, e) => {
      const n = i * endpointsPerService + e;
      // The changed endpoint moves to another address (a pod replaced).
      const ip = e === changedEndpoint ? `10.41.${version % 250}.${(n % 250) + 1}` : `10.${44 + Math.floor(n / 62500)}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
      return { addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: e % 2 === 0 ? 'bench-node' : 'other' };
    }),
  };
}

async function netns(name: string): Promise<{ runner: CommandRunner; remove(): Promise<void> }> {
  const host = hostRunner();
  await runChecked(host, 'create a network namespace', 'ip', ['netns', 'add', name]);
  return {
    runner: hostRunner(['nsenter', `--net=/var/run/netns/${name}`]),
    remove: async () => void (await host.run('ip', ['netns', 'delete', name])),
  };
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

export async function runProxyBench(): Promise<void> {
  const proxyNs = await netns(`skiff-bench-proxy-${process.pid}`);
  const rawNs = await netns(`skiff-bench-raw-${process.pid}`);
  try {
    const serviceObjects = Array.from({ length: services }, (_, i) => serviceObject(i));
    let slices = serviceObjects.map((_, i) => sliceObject(i, 1, null));
    const cache = new ServicePortsCache();
    const rulesNow = () => {
      const byService = new Map(slices.map((s) => [`bench/${s.metadata.labels?.['kubernetes.io/service-name'] ?? ''}`, [s]]));
      return buildIptablesRules(cache.ports(serviceObjects, (key) => byService.get(key) ?? []), node, prefix);
    };
    const applier = new IptablesApplier(proxyNs.runner, prefix, `pid=${process.pid} node=bench`);

    const [first, fullMs] = await timed(async () => applier.fullSync(rulesNow()));
    const fullText = fullRestoreText(rulesNow(), { filter: new Set(), nat: new Set() });
    const [, rawFullMs] = await timed(() => runChecked(rawNs.runner, 'restore the baseline', 'iptables-restore', ['-w', '5', '--noflush'], fullText));
    // The same jumps from the built-in chains: the kernel checks what they make reachable on every change.
    for (const jump of jumpRules(prefix)) await runChecked(rawNs.runner, 'add a baseline jump', 'iptables', ['-w', '5', '-t', jump.table, '-I', jump.chain, '1', ...jump.args]);
    const saved = await runChecked(proxyNs.runner, 'count the rules', 'iptables-save', []);
    figure('proxy_services', services);
    figure('proxy_endpoints', services * endpointsPerService);
    figure('proxy_rules', saved.split('\n').filter((line) => line.startsWith('-A ')).length);
    figure('proxy_restore_bytes', first.bytes);
    figure('proxy_full_sync_ms', fullMs, 1);
    figure('raw_full_restore_ms', rawFullMs, 1);
    figure('proxy_full_vs_raw_ratio', fullMs / rawFullMs);

    const proxySamples: number[] = [];
    const rawSamples: number[] = [];
    const buildSamples: number[] = [];
    let written = 0;
    for (let change = 0; change < changes; change++) {
      const target = (change * 37) % services;
      const before = rulesNow();
      slices = slices.map((s, i) => (i === target ? sliceObject(i, change + 2, change % endpointsPerService) : s));
      const started = performance.now();
      const rules = rulesNow();
      buildSamples.push(performance.now() - started);
      const result = await applier.incrementalSync(rules);
      const ms = performance.now() - started;
      if (result.kind !== 'incremental') throw new Error(`one changed endpoint gave a ${result.kind} sync`);
      written += result.bytes;
      proxySamples.push(ms);
      // The same change, restored raw into the baseline namespace (which holds the same rules).
      const text = incrementalRestoreText(rulesNow(), appliedStateOf(before));
      if (text === null) throw new Error('the baseline found nothing to write');
      const [, rawMs] = await timed(() => runChecked(rawNs.runner, 'restore the baseline change', 'iptables-restore', ['-w', '5', '--noflush'], text));
      rawSamples.push(rawMs);
    }
    const incremental = percentile(proxySamples, 50);
    const raw = percentile(rawSamples, 50);
    figure('proxy_incremental_restore_bytes', written / changes, 0);
    figure('proxy_incremental_sync_ms', incremental, 1);
    figure('proxy_incremental_sync_p99_ms', percentile(proxySamples, 99), 1);
    figure('proxy_incremental_build_ms', percentile(buildSamples, 50), 1);
    figure('raw_incremental_restore_ms', raw, 1);
    figure('proxy_incremental_vs_raw_ratio', incremental / raw);
    target('proxy_incremental_sync_ms', incremental <= 100, '<=100');
  } finally {
    await proxyNs.remove();
    await rawNs.remove();
  }
}
