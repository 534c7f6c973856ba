/** The pod sandbox: reuse the newest running one, else make a new attempt. */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { ContainerRuntime, ContainerStatus, DnsConfig, SandboxStatus } from '../runtime/types.ts';
import { podKey, podSpec, type PodSpecV1 } from './pod-types.ts';

export interface SandboxContext {
  runtime: ContainerRuntime;
  network: string;
  clusterDns: { servers: string[]; domain: string };
  hostDns: DnsConfig;
  scopeLabels: Record<string, string>;
}

/** resolv.conf settings for the pod's dnsPolicy and dnsConfig. */
export function podDns(spec: PodSpecV1, namespace: string, context: SandboxContext): DnsConfig {
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  const domain = context.clusterDns.domain;
  let dns: DnsConfig;
  if (policy === 'None') dns = { servers: [], searches: [], options: [] };
  else if (policy === 'Default' || (policy === 'ClusterFirst' && spec.hostNetwork)) dns = { ...context.hostDns };
  else dns = { servers: [...context.clusterDns.servers], searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain], options: ['ndots:5'] };
  const extra = spec.dnsConfig;
  if (extra) {
    dns = {
      servers: [...dns.servers, ...(extra.nameservers ?? [])],
      searches: [...dns.searches, ...(extra.searches ?? [])],
      options: [...dns.options, ...(extra.options ?? []).map((o) => (o.value === undefined ? o.name : `${o.name}:${o.value}`))],
    };
  }
  return dns;
}

/**
 * The pod's ready sandbox. When none is ready (first start, or the old one died) the
 * containers still running from older sandboxes are stopped (their ids in `stopped`) and a
 * new attempt is created.
 */
export async function ensureSandbox(
  context: SandboxContext,
  pod: KubeObject,
  sandboxes: SandboxStatus[],
  instances: ContainerStatus[],
): Promise<{ sandbox: SandboxStatus; created: boolean; stopped: string[] }> {
  const ready = sandboxes.filter((s) => s.state === 'ready').sort((a, b) => b.attempt - a.attempt)[0];
  if (ready) return { sandbox: ready, created: false, stopped: [] };
  const stopped = instances.filter((c) => c.state === 'running').map((c) => c.id);
  for (const id of stopped) await context.runtime.stopContainer(id, 0);
  const { uid, namespace, name } = podKey(pod);
  const spec = podSpec(pod);
  const attempt = sandboxes.reduce((max, s) => Math.max(max, s.attempt + 1), 0);
  const hostname = (spec.hostname ?? name).slice(0, 63).replace(/[-.]+$/, '');
  const id = await context.runtime.createSandbox({
    podUid: uid, namespace, name, attempt, hostname,
    network: context.network,
    dns: podDns(spec, namespace, context),
    labels: context.scopeLabels,
    hostNetwork: spec.hostNetwork ?? false,
  });
  return { sandbox: await context.runtime.sandboxStatus(id), created: true, stopped };
}
